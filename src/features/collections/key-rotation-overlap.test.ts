import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { createKeyRotation, SWITCH_GRACE_MS } from './key-rotation.js';

/**
 * Two `bulwark keys rotate` runs started at the same moment each activate a key: the second
 * retires the first's new key a moment after the first run began waiting. A server may hold
 * that key as its active one until the second retirement's grace has passed, so the first run,
 * done sooner, must not delete it even though no value names it yet: a value sealed under it
 * a moment later would never decrypt again. Each retired key waits out its own grace.
 */
describe('key rotations that overlap', () => {
  const app = useTestApp({ logLevel: 'silent' });

  it('deletes a retired key only once its own retirement is SWITCH_GRACE_MS old', async () => {
    let clock = Date.now();
    const rotation = createKeyRotation({
      db: app.database.db,
      dataEncryptionKey: randomBytes(32),
      now: () => clock,
    });
    const before = await rotation.activeKeyId();

    // Run A retires the key before it and activates its own; run B, 50 ms later, retires A's.
    const startedA = clock;
    const a = await rotation.activateNewKey();
    clock += 50;
    const b = await rotation.activateNewKey();
    expect(a.retired).toEqual([before]);
    expect(b.retired).toEqual([a.id]);

    // A's own wait is over: the keys it retired go, A's key (retired 50 ms later) stays.
    clock = startedA + SWITCH_GRACE_MS;
    const deletedByA = await rotation.deleteUnusedRetiredKeys();
    expect(deletedByA).toEqual(a.retired);
    expect((await rotation.retiredKeys()).map((key) => key.id)).toEqual([a.id]);

    // Once B's wait is over too, A's key goes; B's stays active.
    clock += 50;
    expect(await rotation.deleteUnusedRetiredKeys()).toEqual([a.id]);
    expect(await rotation.retiredKeys()).toEqual([]);
    expect(await rotation.activeKeyId()).toBe(b.id);
  });
});
