import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

/**
 * A real HTTP server on a chosen loopback address (127.0.0.1, 127.0.0.2, …: Linux answers all of
 * 127/8) and a free port, standing for whatever an outbound request might reach: a webhook
 * receiver, an internal service, a metadata endpoint. It records every request it receives, so a
 * test can prove a refused request never arrived.
 *
 * @example
 * const internal = await startHttpTarget('127.0.0.1', (_req, res) => res.end('secret'));
 * expect(internal.received).toHaveLength(0);
 */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpTarget {
  /** `http://127.0.0.2:41234` */
  origin: string;
  port: number;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export type TargetHandler = (request: ReceivedRequest, response: ServerResponse) => void;

/** `port` 0 (default) picks a free one; a test reusing another target's port on a second address passes it. */
export async function startHttpTarget(host: string, handler: TargetHandler, port = 0): Promise<HttpTarget> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(request);
      handler(request, res);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    port: boundPort,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
