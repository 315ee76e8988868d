// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withVirtualAuthenticator } from '../../../test/helpers/chromium-webauthn.js';
import { createNotes, PASSWORD, type RunningServer, startServer, uniqueEmail } from './server.js';

/**
 * The client in a real browser: Debian's Chromium on a page of the server's own origin
 * (`http://localhost:PORT`, a secure context, so the `__Host-` cookie is kept and WebAuthn
 * works), with a CDP virtual authenticator for passkeys. The page and the client's modules are
 * served by Playwright under `/client-test/` (the source, transpiled by TypeScript as it is
 * asked for: no build needed); every API request goes to the real server, so the cookie, the
 * CSRF token and the passkey ceremonies are the browser's own. Named `*.unit.test.ts`: the
 * browser side does not depend on the dialect.
 */

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), '../src');

let server: RunningServer;
let origin: string;
beforeAll(async () => {
  server = await startServer();
  await createNotes(server.app);
  origin = `http://localhost:${new URL(server.url).port}`;
});
afterAll(() => server.app.close());

/** A client module as JavaScript: `/client-test/filter.js` is `src/filter.ts`, transpiled. */
function moduleSource(path: string): string {
  const name = path.replace(/^\/client-test\//, '').replace(/\.js$/, '.ts');
  if (!/^[a-z-]+(\/[a-z-]+)?\.ts$/.test(name)) throw new Error(`no such module ${path}`);
  const { outputText } = ts.transpileModule(readFileSync(join(SOURCE, name), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  return outputText;
}

/**
 * Runs in the page (a string, so the test runner's transform never touches it). Cookie mode:
 * sign in, write under the CSRF token, step up (new session id and token), write again,
 * register a passkey, sign out, sign in with the passkey alone and step up with it; a passkey
 * sign-in while signed in is refused, not taken for a step-up; sign in again with the password and
 * give the passkey as the second step.
 */
const BROWSER_SCRIPT = (email: string) => `(async () => {
  const load = new Function('url', 'return import(url)');
  const { createClient, filter } = await load('/client-test/index.js');
  const client = createClient({ auth: { mode: 'cookie' } });
  const seen = {};
  seen.signIn = (await client.auth.signIn({ email: ${JSON.stringify(email)}, password: ${JSON.stringify(PASSWORD)} })).stage;
  seen.cookieVisibleToScript = document.cookie.includes('bulwark_session');
  const me = (await client.auth.me()).user;
  const notes = client.collection('notes');
  const note = await notes.create({ title: 'it\\'s "quoted" \\\\ here', owner: me.id });
  seen.found = (await notes.list({ filter: filter\`title = \${note.title}\` })).items.map((n) => n.id === note.id);
  await client.auth.reauthenticate({ password: ${JSON.stringify(PASSWORD)} });
  seen.updated = (await notes.update(note.id, { title: 'after step-up' })).title;
  const registered = await client.passkeys.register('Chromium');
  seen.recoveryCodes = registered.recoveryCodes.length;
  seen.afterEnrolment = (await notes.update(note.id, { title: 'after enrolment' })).title;
  await client.auth.signOut();
  seen.signedOut = await client.auth.me().then(() => 'still signed in', (error) => error.code);
  seen.passkeySignIn = (await client.passkeys.signIn()).stage;
  seen.meAfterPasskey = (await client.auth.me()).user.email;
  seen.passkeyStepUp = typeof (await client.passkeys.reauthenticate()).reauthenticatedUntil;
  seen.passkeys = (await client.passkeys.list()).map((p) => p.name);
  seen.signInWhileSignedIn = await client.passkeys.signIn().then((r) => r.stage, (error) => error.code);
  seen.stillSignedIn = (await client.auth.me()).user.email;
  await client.auth.signOut();
  seen.passwordSignIn = (await client.auth.signIn({ email: ${JSON.stringify(email)}, password: ${JSON.stringify(PASSWORD)} })).stage;
  seen.owesSecondStep = (await client.auth.me()).mfaRequired;
  seen.writeOwingSecondStep = await notes.update(note.id, { title: 'too early' }).then(() => 'written', (error) => error.code);
  const secondStep = await client.passkeys.verifySecondFactor();
  seen.passkeySecondStep = [secondStep.stage, secondStep.user.email];
  seen.owesAfterSecondStep = (await client.auth.me()).mfaRequired;
  seen.afterSecondStep = (await notes.update(note.id, { title: 'after second step' })).title;
  await notes.delete(note.id);
  return seen;
})()`;

describe('the client in Chromium (cookie mode, passkeys)', () => {
  it('signs in with the session cookie, sends CSRF tokens across session-id changes, and uses passkeys (sign-in, second step, step-up)', async () => {
    const email = uniqueEmail('chromium');
    const signedUp = await fetch(`${origin}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(signedUp.status).toBe(201);

    const seen = await withVirtualAuthenticator(async (page) => {
      await page.route(`${origin}/client-test/**`, async (route) => {
        const { pathname } = new URL(route.request().url());
        if (pathname === '/client-test/') {
          return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>client</title>' });
        }
        return route.fulfill({ contentType: 'text/javascript', body: moduleSource(pathname) });
      });
      await page.goto(`${origin}/client-test/`);
      return page.evaluate(BROWSER_SCRIPT(email));
    });

    expect(seen).toEqual({
      signIn: 'signed-in',
      cookieVisibleToScript: false,
      found: [true],
      updated: 'after step-up',
      recoveryCodes: 10,
      afterEnrolment: 'after enrolment',
      signedOut: 'AUTH_REQUIRED',
      passkeySignIn: 'signed-in',
      meAfterPasskey: email,
      passkeyStepUp: 'string',
      passkeys: ['Chromium'],
      signInWhileSignedIn: 'CLIENT_ALREADY_SIGNED_IN',
      stillSignedIn: email,
      passwordSignIn: 'second-factor-required',
      owesSecondStep: true,
      writeOwingSecondStep: 'AUTH_MFA_REQUIRED',
      passkeySecondStep: ['signed-in', email],
      owesAfterSecondStep: false,
      afterSecondStep: 'after second step',
    });
  });
});
