import { createCollection, newAdmin } from '../../../test/helpers/collections-client.js';
import { createTestApp, type RestartableTestApp } from '../../../test/helpers/test-app.js';
import { type BearerTokens, type ClientOptions, createClient, type FetchLike } from '../src/index.js';

/** Every account of these tests uses it; it passes the server's password policy. */
export const PASSWORD = 'correct horse battery staple 42';

export interface RunningServer {
  app: RestartableTestApp;
  /** `http://127.0.0.1:PORT`: the client talks to it over real HTTP. */
  url: string;
}

/** A real server on a free loopback port, on its own data (and PostgreSQL schema). */
export async function startServer(): Promise<RunningServer> {
  const app = await createTestApp({ logLevel: 'silent' });
  const url = await app.start();
  return { app, url };
}

/** The notes collection of the README: each user sees and changes only their own notes. */
export async function createNotes(app: RestartableTestApp, name = 'notes'): Promise<void> {
  const admin = await newAdmin(app);
  await createCollection(app, admin, {
    name,
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'owner', type: 'relation', collection: 'users' },
    ],
    rules: {
      list: 'owner = @request.auth.id',
      view: 'owner = @request.auth.id',
      create: '@request.auth.id != "" && owner = @request.auth.id',
      update: 'owner = @request.auth.id',
      delete: 'owner = @request.auth.id',
    },
  });
}

export type Notes = { notes: { title: string; owner: string } };

export const uniqueEmail = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}@example.com`;

/** Every request the client made, as `METHOD path`, in order. */
export function recordingFetch(inner: FetchLike = fetch): { fetch: FetchLike; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fetch: (input, init) => {
      calls.push(`${init.method ?? 'GET'} ${new URL(input).pathname}`);
      return inner(input, init);
    },
  };
}

/**
 * What a browser does with the session cookie, for Node: keeps what Set-Cookie sets (the server
 * marks it Secure, which a browser honours on http://127.0.0.1 as a trustworthy origin) and
 * sends it back, only when the client asks for credentials.
 */
export function cookieJarFetch(inner: FetchLike = fetch): { fetch: FetchLike; cookies: Map<string, string> } {
  const cookies = new Map<string, string>();
  return {
    cookies,
    fetch: async (input, init) => {
      const headers = new Headers(init.headers);
      if (init.credentials === 'include' && cookies.size > 0) {
        headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
      }
      const response = await inner(input, { ...init, headers });
      for (const line of response.headers.getSetCookie()) {
        const [pair = '', ...attributes] = line.split(';');
        const [name = '', value = ''] = pair.split('=');
        const isExpired = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
        if (isExpired) cookies.delete(name.trim());
        else cookies.set(name.trim(), value);
      }
      return response;
    },
  };
}

/** A bearer client for `url` that records its requests and every change of its tokens. */
export function bearerClient(url: string, tokens?: BearerTokens) {
  const recorded = recordingFetch();
  const changes: Array<string> = [];
  const options: ClientOptions = {
    url,
    fetch: recorded.fetch,
    auth: { mode: 'bearer', ...(tokens ? { tokens } : {}), onTokens: (_tokens, change) => changes.push(change) },
  };
  return { client: createClient<Notes>(options), calls: recorded.calls, changes };
}

/** A cookie-mode client for `url` with a jar of its own, recording its requests. */
export function cookieClient(url: string) {
  const jar = cookieJarFetch();
  const recorded = recordingFetch(jar.fetch);
  return {
    client: createClient<Notes>({ url, fetch: recorded.fetch, auth: { mode: 'cookie' } }),
    ...jar,
    calls: recorded.calls,
  };
}
