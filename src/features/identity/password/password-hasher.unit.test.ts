import { hash as argon2Hash, argon2i } from 'argon2';
import { describe, expect, it } from 'vitest';
import { type Argon2Params, createPasswordHasher, OWASP_ARGON2_PARAMS } from './password-hasher.js';

// Small parameters keep the suite fast; one test checks the production defaults.
const FAST: Argon2Params = { memoryKiB: 1024, iterations: 1, parallelism: 1 };
const hasher = createPasswordHasher(FAST);

/** Reads `m`, `t` and `p` from a PHC string, whatever their order. */
function encodedParams(encoded: string): Record<string, number> {
  const params = encoded.split('$')[3] ?? '';
  return Object.fromEntries(params.split(',').map((pair) => [pair.split('=')[0], Number(pair.split('=')[1])]));
}

async function medianMs(run: () => Promise<unknown>, times: number): Promise<number> {
  const durations: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run();
    durations.push(performance.now() - start);
  }
  return durations.sort((a, b) => a - b)[Math.floor(times / 2)] as number;
}

describe('createPasswordHasher', () => {
  it('hashes with argon2id and a fresh salt, and verifies the right password only', async () => {
    const stored = await hasher.hash('lantern orbit velvet marsh');
    expect(stored.startsWith('$argon2id$v=19$')).toBe(true);
    expect(encodedParams(stored)).toEqual({ m: 1024, t: 1, p: 1 });
    expect(await hasher.hash('lantern orbit velvet marsh')).not.toBe(stored);
    expect(await hasher.verify(stored, 'lantern orbit velvet marsh')).toEqual({ ok: true, needsRehash: false });
    expect(await hasher.verify(stored, 'lantern orbit velvet mars')).toEqual({ ok: false, needsRehash: false });
  });

  it('defaults to the OWASP parameters m=19456 KiB, t=2, p=1', async () => {
    expect(OWASP_ARGON2_PARAMS).toEqual({ memoryKiB: 19456, iterations: 2, parallelism: 1 });
    const stored = await createPasswordHasher(OWASP_ARGON2_PARAMS).hash('lantern orbit velvet marsh');
    // argon2 writes the parameters as m,p,t; read them by name rather than by position.
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(encodedParams(stored)).toEqual({ m: 19456, t: 2, p: 1 });
  });

  it('normalises with NFKC, so full-width letters verify against their ASCII form and back', async () => {
    const fullWidth = 'ｐａｓｓｐｈｒａｓｅ１２３';
    expect(fullWidth).not.toBe('passphrase123');
    expect((await hasher.verify(await hasher.hash(fullWidth), 'passphrase123')).ok).toBe(true);
    expect((await hasher.verify(await hasher.hash('passphrase123'), fullWidth)).ok).toBe(true);
  });

  it('asks for a rehash after the parameters change, and only after a successful verification', async () => {
    const stored = await hasher.hash('lantern orbit velvet marsh');
    const stronger = createPasswordHasher({ ...FAST, memoryKiB: 2048 });
    const longer = createPasswordHasher({ ...FAST, iterations: 2 });
    expect(await stronger.verify(stored, 'lantern orbit velvet marsh')).toEqual({ ok: true, needsRehash: true });
    expect(await longer.verify(stored, 'lantern orbit velvet marsh')).toEqual({ ok: true, needsRehash: true });
    expect(await stronger.verify(stored, 'wrong password here')).toEqual({ ok: false, needsRehash: false });
  });

  it('asks for a rehash of an argon2i hash with the current parameters', async () => {
    const legacy = await argon2Hash('lantern orbit velvet marsh', {
      type: argon2i,
      memoryCost: FAST.memoryKiB,
      timeCost: FAST.iterations,
      parallelism: FAST.parallelism,
    });
    expect(await hasher.verify(legacy, 'lantern orbit velvet marsh')).toEqual({ ok: true, needsRehash: true });
  });

  it.each([
    ['empty', ''],
    ['plain text', 'not-a-hash'],
    ['bcrypt', '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'],
    ['truncated', '$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ'],
    ['bad parameters', '$argon2id$v=19$m=x,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'],
  ])('refuses a malformed stored hash (%s) without throwing', async (_name, stored) => {
    expect(await hasher.verify(stored, 'lantern orbit velvet marsh')).toEqual({ ok: false, needsRehash: false });
  });

  it('refuses an unknown account (null hash), whatever the password', async () => {
    expect(await hasher.verify(null, 'lantern orbit velvet marsh')).toEqual({ ok: false, needsRehash: false });
    expect(await hasher.verify(null, '')).toEqual({ ok: false, needsRehash: false });
  });

  it('takes as long for an unknown account as for a wrong password (no user enumeration by timing)', async () => {
    const real = createPasswordHasher(OWASP_ARGON2_PARAMS);
    const stored = await real.hash('lantern orbit velvet marsh');
    await real.verify(null, 'warm up the dummy hash');
    const unknownMs = await medianMs(() => real.verify(null, 'guess one two three'), 5);
    const wrongMs = await medianMs(() => real.verify(stored, 'guess one two three'), 5);
    expect(unknownMs / wrongMs).toBeGreaterThan(0.5);
    expect(unknownMs / wrongMs).toBeLessThan(2);
  });

  it.each([
    { memoryKiB: 0, iterations: 1, parallelism: 1 },
    { memoryKiB: 1024, iterations: 0, parallelism: 1 },
    { memoryKiB: 1024, iterations: 1.5, parallelism: 1 },
    { memoryKiB: 8, iterations: 1, parallelism: 2 },
  ])('refuses invalid parameters when built: %o', (params) => {
    expect(() => createPasswordHasher(params)).toThrow(RangeError);
  });
});
