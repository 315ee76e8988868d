// @module-tag slow (starts clamd)
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eicarBytes, hashSignature, tinyPng, zipOfEntries } from '../../../test/fixtures/scan-samples.js';
import { type ClamdServer, startClamd } from '../../../test/helpers/clamd-server.js';
import { createClamdScanner } from './clamd-scanner.js';

/**
 * Archives (ASVS V5.2.3). Bulwark never unpacks an upload; clamd does, to scan inside, and it
 * checks an archive's entry count and unpacked sizes against its limits as it goes. With the
 * settings the README recommends (`AlertExceedsMax yes`), an archive over a limit is a finding
 * (`Heuristics.Limits.Exceeded.*`), so the upload is treated as infected and deleted, instead of
 * passing as clean after a partial scan.
 */
const MiB = 1024 * 1024;
let clamd: ClamdServer;

beforeAll(async () => {
  clamd = await startClamd({
    hashSignatures: [hashSignature(eicarBytes(), 'Eicar-Test-Signature')],
    extraConfig: ['MaxFiles 3', 'MaxScanSize 2M', 'MaxRecursion 3', 'AlertExceedsMax yes'],
  });
});

afterAll(async () => {
  await clamd?.close();
});

const scan = (bytes: Buffer) =>
  createClamdScanner({ socket: clamd.socket, timeoutMs: 10_000 }).scan(Readable.from([bytes]), {
    sizeBytes: bytes.length,
  });

describe('archives are checked against count and unpacked-size limits before they pass', () => {
  it('an archive within the limits is clean', async () => {
    const archive = zipOfEntries([
      { name: 'a.png', content: tinyPng() },
      { name: 'b.txt', content: Buffer.from('hello') },
    ]);
    expect(await scan(archive)).toEqual({ status: 'clean' });
  });

  it('an archive of more entries than MaxFiles is a finding, not clean', async () => {
    const archive = zipOfEntries(
      ['1', '2', '3', '4', '5', '6'].map((name) => ({ name: `${name}.txt`, content: Buffer.from(`file ${name}`) })),
    );
    const verdict = await scan(archive);
    expect(verdict).toMatchObject({ status: 'infected' });
    expect(verdict.status === 'infected' && verdict.signature).toMatch(/^Heuristics\.Limits\.Exceeded/);
  });

  it('an archive bomb (a few KiB unpacking to 16 MiB) is a finding, not clean', async () => {
    const archive = zipOfEntries([{ name: 'zeros.bin', content: Buffer.alloc(16 * MiB), deflate: true }]);
    expect(archive.length).toBeLessThan(64 * 1024);
    const verdict = await scan(archive);
    expect(verdict).toMatchObject({ status: 'infected' });
    expect(verdict.status === 'infected' && verdict.signature).toMatch(/^Heuristics\.Limits\.Exceeded/);
  });

  it('an archive hiding the EICAR file is still found', async () => {
    const archive = zipOfEntries([{ name: 'eicar.com', content: eicarBytes(), deflate: true }]);
    expect(await scan(archive)).toMatchObject({ status: 'infected' });
  });
});
