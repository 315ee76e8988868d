import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One burst of load: autocannon's options the benchmarks vary. */
export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
}

/** What one burst measured, from the load generator's side. */
export interface LoadResult {
  /** autocannon's mean of its per-second samples. */
  requestsPerSecond: number;
  /** Answers received. */
  requests: number;
  p99Ms: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
}

export interface LoadRequest extends LoadOptions {
  id: number;
}

export type LoadReply = { id: number; result: LoadResult } | { id: number; error: string };

export interface LoadGenerator {
  run(options: LoadOptions): Promise<LoadResult>;
  close(): void;
}

/**
 * Forks load-child.ts once and sends it one burst at a time. A separate process, so the server
 * in this one is measured alone: its CPU per request and its event loop are not shared with
 * the load generator's (which sat in the same process before, and cost both sides of a ratio
 * alike but hid what the server itself needs).
 */
export function startLoadGenerator(): LoadGenerator {
  const child = fork(fileURLToPath(new URL('./load-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: (result: LoadResult) => void; reject: (error: Error) => void }>();
  child.on('message', (reply: LoadReply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if ('error' in reply) waiting?.reject(new Error(`load generator: ${reply.error}`));
    else waiting?.resolve(reply.result);
  });
  child.on('exit', (code, signal) => {
    for (const waiting of pending.values()) {
      waiting.reject(new Error(`load generator exited (${signal ?? code}) before answering`));
    }
    pending.clear();
  });
  return {
    run(options) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ ...options, id } satisfies LoadRequest);
      });
    },
    close() {
      if (child.connected) child.disconnect();
    },
  };
}
