import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { type CDPSession, chromium, type Page } from 'playwright-core';

/** The Chromium the helpers drive (Debian's package; `apt-get install -y chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface VirtualAuthenticator {
  /** The CDP session with the WebAuthn domain enabled, e.g. for `WebAuthn.getCredentials`. */
  cdp: CDPSession;
  authenticatorId: string;
}

/**
 * Gives the page's browser profile a CDP virtual authenticator holding no credential yet: CTAP2,
 * internal transport (a platform authenticator), resident keys, user verification that always
 * succeeds, presence simulated automatically, so create/get resolve at once.
 */
export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/**
 * Launches headless Chromium with a CDP virtual authenticator (CTAP2, internal transport,
 * resident keys, user verification that always succeeds, presence simulated automatically, so
 * create/get resolve at once), opens one page (about:blank) and runs `fn` with it. The
 * browser is closed afterwards, also when `fn` throws.
 *
 * WebAuthn needs a secure context whose host the RP ID matches: navigate first, either to a
 * real server on `http://localhost:PORT` (RP ID `localhost`; not 127.0.0.1, IP addresses are
 * not valid RP IDs) or, without any server, to any https origin with `openBlankPage`.
 */
export async function withVirtualAuthenticator<T>(
  fn: (page: Page, authenticator: VirtualAuthenticator) => Promise<T>,
): Promise<T> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
  try {
    const page = await (await browser.newContext()).newPage();
    return await fn(page, await addVirtualAuthenticator(page));
  } finally {
    await browser.close();
  }
}

/**
 * Points `page` at an empty HTML page at `origin` (e.g. `https://bulwark.test`) served by
 * Playwright itself: no server, DNS or certificate is involved, yet the page is a secure
 * context with that origin, so WebAuthn accepts the origin's host as RP ID. Requests the
 * page makes elsewhere still go to the network.
 */
export async function openBlankPage(page: Page, origin: string): Promise<void> {
  const url = new URL('/', origin).href;
  await page.route(url, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>blank</title>' }),
  );
  await page.goto(url);
}

/**
 * `navigator.credentials.create` in the page with `optionsJSON` (as from
 * `generateRegistrationOptions`), returning the credential's `toJSON()`. Rejects with the
 * browser's DOMException text (e.g. `NotAllowedError`, `InvalidStateError` for an excluded
 * credential, `SecurityError` for an RP ID that does not match the page).
 */
export async function browserRegister(
  page: Page,
  optionsJSON: PublicKeyCredentialCreationOptionsJSON,
): Promise<RegistrationResponseJSON> {
  return page.evaluate(async (options) => {
    const web = globalThis as unknown as BrowserWebAuthn;
    const publicKey = web.PublicKeyCredential.parseCreationOptionsFromJSON(options);
    const credential = await web.navigator.credentials.create({ publicKey });
    if (credential === null) throw new Error('navigator.credentials.create returned null');
    return credential.toJSON() as RegistrationResponseJSON;
  }, optionsJSON);
}

/** `navigator.credentials.get` in the page with `optionsJSON` (as from `generateAuthenticationOptions`). */
export async function browserAuthenticate(
  page: Page,
  optionsJSON: PublicKeyCredentialRequestOptionsJSON,
): Promise<AuthenticationResponseJSON> {
  return page.evaluate(async (options) => {
    const web = globalThis as unknown as BrowserWebAuthn;
    const publicKey = web.PublicKeyCredential.parseRequestOptionsFromJSON(options);
    const credential = await web.navigator.credentials.get({ publicKey });
    if (credential === null) throw new Error('navigator.credentials.get returned null');
    return credential.toJSON() as AuthenticationResponseJSON;
  }, optionsJSON);
}

/** The browser globals used above (the project's TypeScript has no DOM library). */
interface BrowserWebAuthn {
  PublicKeyCredential: {
    parseCreationOptionsFromJSON(options: unknown): unknown;
    parseRequestOptionsFromJSON(options: unknown): unknown;
  };
  navigator: {
    credentials: {
      create(options: { publicKey: unknown }): Promise<{ toJSON(): unknown } | null>;
      get(options: { publicKey: unknown }): Promise<{ toJSON(): unknown } | null>;
    };
  };
}
