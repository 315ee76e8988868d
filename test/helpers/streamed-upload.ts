import { request } from 'node:http';
import { PNG_1X1 } from './files-client.js';

/** What the server answered to a streamed upload, if it answered before the client stopped. */
export interface StreamedAnswer {
  status: number;
  body: string;
  /** Bytes of the file the client had written when the answer came (or when it hung up). */
  sentBytes: number;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x41);

/**
 * Uploads a PNG of `totalBytes` (a real header, then filler) over a real socket, one reused
 * 64 KiB chunk at a time with backpressure, so the client itself holds no more than a chunk.
 * Stops writing as soon as the server answers. With `hangUpAfterBytes`, waits for
 * `beforeHangUp` once that many bytes are out, then destroys the socket mid-body.
 */
export function streamUpload(
  url: string,
  headers: Record<string, string>,
  totalBytes: number,
  options: { hangUpAfterBytes?: number; beforeHangUp?: () => Promise<void> } = {},
): Promise<StreamedAnswer | null> {
  const boundary = 'StreamedBoundary7d1';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const req = request(url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + totalBytes + tail.length),
      },
    });
    req.on('response', (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), sentBytes });
        req.destroy();
      });
    });
    req.on('error', (error) => {
      if (!answered && options.hangUpAfterBytes === undefined) reject(error);
    });
    const write = (chunk: Buffer) =>
      new Promise<void>((done) => {
        if (req.write(chunk)) done();
        else req.once('drain', () => done());
      });
    void (async () => {
      await write(Buffer.concat([head, PNG_1X1]));
      sentBytes = PNG_1X1.length;
      while (sentBytes < totalBytes && !answered && !req.destroyed) {
        if (options.hangUpAfterBytes !== undefined && sentBytes >= options.hangUpAfterBytes) {
          await options.beforeHangUp?.();
          req.destroy();
          resolve(null);
          return;
        }
        const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, totalBytes - sentBytes));
        await write(chunk);
        sentBytes += chunk.length;
      }
      if (!answered && !req.destroyed) req.end(tail);
    })().catch(reject);
  });
}

/** Largest heap-plus-buffers and RSS growth seen while `work` runs, sampled every few ms. */
export async function peakMemoryGrowth<T>(
  work: () => Promise<T>,
): Promise<{ result: T; heapBytes: number; rssBytes: number }> {
  const inUse = () => {
    const usage = process.memoryUsage();
    return { heap: usage.heapUsed + usage.arrayBuffers, rss: usage.rss };
  };
  const start = inUse();
  let peak = start;
  const sampler = setInterval(() => {
    const now = inUse();
    peak = { heap: Math.max(peak.heap, now.heap), rss: Math.max(peak.rss, now.rss) };
  }, 5);
  try {
    const result = await work();
    const end = inUse();
    peak = { heap: Math.max(peak.heap, end.heap), rss: Math.max(peak.rss, end.rss) };
    return { result, heapBytes: peak.heap - start.heap, rssBytes: peak.rss - start.rss };
  } finally {
    clearInterval(sampler);
  }
}
