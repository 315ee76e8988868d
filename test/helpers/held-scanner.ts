import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { MalwareScanner, ScanVerdict } from '../../src/features/files/index.js';

/** The EICAR anti-virus test string: every scanner reports it, and it harms nothing. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!H+H*';

/**
 * A scanner for the scan hook's tests (ClamAV itself is tested by the S3/ClamAV tests): it reads
 * the stream the files feature hands it and finds the EICAR string in it; its verdicts are held
 * until `release()`, so a test can look at a file while it is still being scanned.
 */
export function createHeldScanner() {
  let release: () => void = () => {};
  let held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const scanned: number[] = [];
  const scanner: MalwareScanner = {
    async scan(body: Readable): Promise<ScanVerdict> {
      const bytes = await buffer(body);
      scanned.push(bytes.length);
      await held;
      return bytes.includes(EICAR) ? { status: 'infected', signature: 'Eicar-Test-Signature' } : { status: 'clean' };
    },
    probe: async () => true,
  };
  return {
    scanner,
    /** Sizes of the streams scanned so far. */
    scanned,
    release: () => release(),
    /** Holds the verdicts of the next scans again. */
    hold: () => {
      held = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
  };
}
