// @module-tag slow (starts clamd)
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eicarBytes, hashSignature, tinyPng } from '../../../test/fixtures/scan-samples.js';
import { type ClamdServer, startClamd } from '../../../test/helpers/clamd-server.js';
import { createClamdScanner, parseSocket } from './clamd-scanner.js';

/**
 * The clamd scanner against a real clamd (Debian's clamav-daemon) whose only signature is the
 * EICAR test file's hash, written by this test: clean, infected, and every way a scan can fail,
 * each of which must come out `error` (the file stays quarantined), never `clean`.
 */
const MiB = 1024 * 1024;
/** clamd's own stream limit in this test, so its mid-stream refusal can be seen. */
const CLAMD_STREAM_MAX_BYTES = 4 * MiB;
let clamd: ClamdServer;
const fakeServers: Server[] = [];
const tempDirs: string[] = [];

/** `totalBytes` of zeros in 64 KiB chunks, made as they are read; `pulled()` says how many were. */
function lazyZeros(totalBytes: number) {
  let pulledBytes = 0;
  const chunk = Buffer.alloc(64 * 1024);
  const stream = new Readable({
    read() {
      if (pulledBytes >= totalBytes) return void this.push(null);
      pulledBytes += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, pulled: () => pulledBytes };
}

/** A unix socket where something listens but never answers (a hung clamd). */
async function silentServer(onConnection: (socket: Socket) => void = () => undefined): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-fake-clamd-'));
  tempDirs.push(dir);
  const path = join(dir, 'clamd.sock');
  const server = createServer(onConnection);
  fakeServers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return path;
}

beforeAll(async () => {
  clamd = await startClamd({
    hashSignatures: [hashSignature(eicarBytes(), 'Eicar-Test-Signature')],
    streamMaxBytes: CLAMD_STREAM_MAX_BYTES,
  });
});

afterAll(async () => {
  await clamd.close();
  for (const server of fakeServers) server.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('clamd scanner against a real clamd', () => {
  it('finds the EICAR test file and names its signature', async () => {
    const scanner = createClamdScanner({ socket: clamd.socket, timeoutMs: 10_000 });
    const verdict = await scanner.scan(Readable.from([eicarBytes()]));
    expect(verdict).toEqual({ status: 'infected', signature: expect.stringMatching(/^Eicar-Test-Signature/) });
  });

  it('finds it when the file arrives in many small chunks', async () => {
    const scanner = createClamdScanner({ socket: clamd.socket, timeoutMs: 10_000 });
    const bytes = eicarBytes();
    const pieces = Array.from({ length: bytes.length }, (_, index) => bytes.subarray(index, index + 1));
    expect((await scanner.scan(Readable.from(pieces))).status).toBe('infected');
  });

  it('passes a clean PNG, and a clean file of several MiB streamed in chunks', async () => {
    const scanner = createClamdScanner({ socket: clamd.socket, timeoutMs: 10_000 });
    expect(await scanner.scan(Readable.from([tinyPng()]))).toEqual({ status: 'clean' });
    expect(await scanner.scan(lazyZeros(3 * MiB).stream)).toEqual({ status: 'clean' });
  });

  it('answers a probe with PONG', async () => {
    expect(await createClamdScanner({ socket: clamd.socket, timeoutMs: 5000 }).probe()).toBe(true);
  });

  it('gives error, not clean, for a stream over maxStreamBytes, and reads no further', async () => {
    const scanner = createClamdScanner({ socket: clamd.socket, timeoutMs: 10_000, maxStreamBytes: MiB });
    const source = lazyZeros(3 * MiB);
    const verdict = await scanner.scan(source.stream);
    expect(verdict).toEqual({ status: 'error', reason: expect.stringMatching(/larger than/) });
    expect(source.pulled()).toBeLessThanOrEqual(MiB + 64 * 1024);
    expect(source.stream.destroyed).toBe(true);
  });

  it('gives error without reading or connecting when the announced size is over maxStreamBytes', async () => {
    let connections = 0;
    const socket = await silentServer(() => {
      connections += 1;
    });
    const source = lazyZeros(3 * MiB);
    const scanner = createClamdScanner({ socket, timeoutMs: 10_000, maxStreamBytes: MiB });
    const verdict = await scanner.scan(source.stream, { sizeBytes: 3 * MiB });
    expect(verdict).toEqual({ status: 'error', reason: expect.stringMatching(/larger than/) });
    expect(source.pulled()).toBe(0);
    expect(connections).toBe(0);
  });

  it('gives error, not clean, when clamd itself refuses a stream over its StreamMaxLength', async () => {
    const scanner = createClamdScanner({ socket: clamd.socket, timeoutMs: 10_000, maxStreamBytes: 64 * MiB });
    const verdict = await scanner.scan(lazyZeros(2 * CLAMD_STREAM_MAX_BYTES).stream);
    expect(verdict.status).toBe('error');
  });
});

describe('clamd scanner fails closed', () => {
  it('gives error when clamd does not answer in time', async () => {
    const scanner = createClamdScanner({ socket: await silentServer(), timeoutMs: 300 });
    const verdict = await scanner.scan(Readable.from([tinyPng()]));
    expect(verdict).toEqual({ status: 'error', reason: expect.stringMatching(/did not answer/) });
    expect(await scanner.probe()).toBe(false);
  });

  it('reads the file only as fast as clamd takes it (backpressure), even when clamd stalls', async () => {
    // A clamd that never reads: without backpressure the whole 256 MiB would be pulled into
    // memory before the timeout; with it, only what fits in the socket's buffers.
    const socket = await silentServer((connection) => connection.pause());
    const source = lazyZeros(256 * MiB);
    const scanner = createClamdScanner({ socket, timeoutMs: 500, maxStreamBytes: 512 * MiB });
    expect((await scanner.scan(source.stream)).status).toBe('error');
    expect(source.pulled()).toBeLessThan(16 * MiB);
  });

  it('gives error for a reply that is not a verdict', async () => {
    const socket = await silentServer((connection) => connection.end('stream: something odd\0'));
    const verdict = await createClamdScanner({ socket, timeoutMs: 5000 }).scan(Readable.from([tinyPng()]));
    expect(verdict).toEqual({ status: 'error', reason: expect.stringMatching(/no verdict/) });
  });

  it('gives error when the file cannot be read', async () => {
    const scanner = createClamdScanner({ socket: clamd.socket, timeoutMs: 10_000 });
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk read failed'));
      },
    });
    expect((await scanner.scan(failing)).status).toBe('error');
  });

  it('gives error when clamd is stopped, and scans again once it is back', async () => {
    const scanner = createClamdScanner({ socket: clamd.socket, timeoutMs: 5000 });
    await clamd.stop();
    expect(await scanner.scan(Readable.from([eicarBytes()]))).toEqual({
      status: 'error',
      reason: expect.stringMatching(/cannot be reached/),
    });
    expect(await scanner.probe()).toBe(false);
    await clamd.start();
    expect((await scanner.scan(Readable.from([eicarBytes()]))).status).toBe('infected');
  });
});

describe('clamd socket setting', () => {
  it.each([
    ['/run/clamav/clamd.ctl', { path: '/run/clamav/clamd.ctl' }],
    ['127.0.0.1:3310', { host: '127.0.0.1', port: 3310 }],
    ['[::1]:3310', { host: '::1', port: 3310 }],
    ['clamav:3310', { host: 'clamav', port: 3310 }],
  ])('reads %j', (text, expected) => {
    expect(parseSocket(text)).toEqual(expected);
  });

  it.each(['clamd.sock', '127.0.0.1', 'host:0', 'host:70000', ':3310'])('refuses %j', (text) => {
    expect(() => parseSocket(text)).toThrow(/unix socket path or host:port/);
  });
});
