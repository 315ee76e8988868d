import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, type Dispatcher, request } from 'undici';
import { type CliResult, REPO_ROOT, runCli } from './run-cli.js';

/**
 * The cluster `scripts/cluster.sh up` started (three instances behind HAProxy), seen by a client
 * on this machine: HTTPS (HTTP/2 or 1.1) to the proxy, or plain HTTP straight to one instance.
 * Each client connects from its own loopback address (127.0.0.X): HAProxy passes that address on
 * in X-Forwarded-For, so rate limits, bans and throttles a test provokes fall on its address
 * only, and the instances must tell it from the proxy's (127.0.0.2).
 */
export interface ClusterEnv {
  url: string;
  httpUrl: string;
  ca: string;
  dir: string;
  instancePorts: number[];
  /** The environment every instance shares (bulwark.env), for commands run beside them. */
  instanceEnv: Record<string, string>;
  ownsServices: boolean;
}

export function clusterEnv(): ClusterEnv {
  const { CLUSTER_URL, CLUSTER_HTTP_URL, CLUSTER_CA, CLUSTER_DIR, CLUSTER_INSTANCE_PORTS } = process.env;
  if (!CLUSTER_URL || !CLUSTER_CA || !CLUSTER_DIR || !CLUSTER_INSTANCE_PORTS || !CLUSTER_HTTP_URL) {
    throw new Error(
      'no cluster: run `npm run build && eval "$(scripts/cluster.sh up)"` first (see README, Several instances)',
    );
  }
  const instanceEnv: Record<string, string> = {};
  for (const line of readFileSync(join(CLUSTER_DIR, 'bulwark.env'), 'utf8').split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) instanceEnv[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return {
    url: CLUSTER_URL,
    httpUrl: CLUSTER_HTTP_URL,
    ca: readFileSync(CLUSTER_CA, 'utf8'),
    dir: CLUSTER_DIR,
    instancePorts: CLUSTER_INSTANCE_PORTS.split(' ').map(Number),
    instanceEnv,
    ownsServices: process.env.CLUSTER_OWNS_SERVICES === '1',
  };
}

/** A configuration value of the instances, or its documented default. */
export const instanceSetting = (cluster: ClusterEnv, name: string, fallback: number) =>
  Number(cluster.instanceEnv[name] ?? fallback);

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON; a test reads the fields it checks. */
  // biome-ignore lint/suspicious/noExplicitAny: answers of many routes, each test reads its own fields
  json: () => any;
}

export interface ClusterClient {
  address: string;
  /** A request through HAProxy (HTTP/2 when `h2`, else HTTP/1.1). */
  proxy: (method: Dispatcher.HttpMethod, path: string, options?: RequestOptions) => Promise<Answer>;
  /** A request straight to instance `index` (0, 1 or 2), around the proxy. */
  direct: (index: number, method: Dispatcher.HttpMethod, path: string, options?: RequestOptions) => Promise<Answer>;
  close: () => Promise<void>;
}

export interface RequestOptions {
  json?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

/**
 * A random loopback address outside 127.0.0.0/24 (the proxy is 127.0.0.2): a ban or a spent
 * budget of an earlier run on the same cluster (bans last an hour) never falls on a new client.
 */
export function freshLoopbackAddress(): string {
  const [a = 1, b = 0, c = 0] = randomBytes(3);
  return `127.${(a % 254) + 1}.${b}.${(c % 254) + 1}`;
}

export function clusterClient(cluster: ClusterEnv, options: { h2?: boolean; address?: string } = {}): ClusterClient {
  const address = options.address ?? freshLoopbackAddress();
  const proxyAgent = new Agent({ allowH2: options.h2 ?? true, localAddress: address, connect: { ca: cluster.ca } });
  const directAgent = new Agent({ localAddress: address });
  const send = async (
    dispatcher: Agent,
    origin: string,
    method: Dispatcher.HttpMethod,
    path: string,
    opts: RequestOptions = {},
  ) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    const response = await request(`${origin}${path}`, {
      method,
      dispatcher,
      headers,
      body: opts.json === undefined ? null : JSON.stringify(opts.json),
    });
    const body = await response.body.text();
    const flat = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, String(v)]));
    return { status: response.statusCode, headers: flat, body, json: () => JSON.parse(body) };
  };
  return {
    address,
    proxy: (method, path, opts) => send(proxyAgent, cluster.url, method, path, opts),
    direct: (index, method, path, opts) =>
      send(directAgent, `http://127.0.0.1:${cluster.instancePorts[index]}`, method, path, opts),
    close: async () => {
      await Promise.all([proxyAgent.close(), directAgent.close()]);
    },
  };
}

export const PASSWORD = 'correct horse battery staple 42';
export const uniqueEmail = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.com`;

/** Signs up through the proxy and returns a bearer token for the new account. */
export async function newAccount(client: ClusterClient, label: string): Promise<{ email: string; token: string }> {
  const email = uniqueEmail(label);
  const registered = await client.proxy('POST', '/api/auth/register', { json: { email, password: PASSWORD } });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${registered.body}`);
  const issued = await client.proxy('POST', '/api/auth/token', { json: { email, password: PASSWORD } });
  if (issued.status !== 200) throw new Error(`token: ${issued.status} ${issued.body}`);
  return { email, token: issued.json().accessToken };
}

/** The built binary with the instances' environment, on instance `index`'s data folder. */
export function clusterCli(cluster: ClusterEnv, args: string[], input?: string, index = 0): Promise<CliResult> {
  const dataDir = join(cluster.dir, `instance${index + 1}`, 'data');
  return runCli([...args, '--data', dataDir], cluster.instanceEnv, input);
}

/** An administrator's API key made on the server's shell (`admin create`, `keys create --admin`). */
export async function clusterAdminKey(cluster: ClusterEnv): Promise<string> {
  const email = uniqueEmail('admin');
  const created = await clusterCli(cluster, ['admin', 'create', '--email', email], `${PASSWORD}\n`);
  if (created.code !== 0) throw new Error(`admin create: ${created.stderr}`);
  const key = await clusterCli(cluster, [
    'keys',
    'create',
    '--admin',
    '--name',
    'cluster-test',
    '--expires',
    '1d',
    '--owner',
    email,
    '--scopes',
    'records:read,records:write',
  ]);
  if (key.code !== 0) throw new Error(`keys create: ${key.stderr}`);
  return key.stdout.trim();
}

/** `scripts/cluster.sh` with the given arguments (instance kill/start, postgres or redis stop/start). */
export async function clusterScript(...args: string[]): Promise<void> {
  await promisify(execFile)('bash', [join(REPO_ROOT, 'scripts/cluster.sh'), ...args], {
    cwd: REPO_ROOT,
    timeout: 60_000,
  });
}
