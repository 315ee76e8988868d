import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { createWebhooksRepo, pendingDelivery } from './webhooks-repo.js';

/**
 * The claim is what keeps two instances from sending the same attempt: claims racing for the
 * same due rows (each on its own connection on PostgreSQL) must split them, never share one.
 */
describe('webhook delivery claims', () => {
  const nowMs = Date.now();

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    const db = app.database.db;
    await db
      .insertInto('webhooks')
      .values({ id: 'hook', url: 'https://hooks.example.com/', events: '[]', secret_sealed: '', created_ms: nowMs })
      .execute();
    const rows = Array.from({ length: 400 }, (_, i) =>
      pendingDelivery({
        id: `msg_${String(i).padStart(4, '0')}`,
        webhookId: 'hook',
        event: 'record.created',
        payload: '{}',
        dueMs: nowMs - 1000,
        nowMs,
      }),
    );
    for (let i = 0; i < rows.length; i += 100)
      await db
        .insertInto('webhook_deliveries')
        .values(rows.slice(i, i + 100))
        .execute();
  });

  /** On PostgreSQL: until a claim is waiting for the row locks another transaction holds. */
  const untilClaimWaits = async () => {
    if (app.database.dialect !== 'postgres') return;
    for (;;) {
      const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM pg_stat_activity
        WHERE wait_event_type = 'Lock' AND query LIKE 'update "webhook_deliveries"%'`.execute(app.database.db);
      if (Number(rows[0]?.n) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  it('a claim made while another holds the rows takes none of them once that one commits', async () => {
    const later = nowMs + 1_000_000;
    const claimFor = (token: string) => ({ token, nowMs: later, leaseMs: 60_000, limit: 400 });
    let second: ReturnType<ReturnType<typeof createWebhooksRepo>['claimDue']> | undefined;
    const first = await app.database.db.transaction().execute(async (trx) => {
      const claimed = await createWebhooksRepo(trx).claimDue(claimFor('first'));
      // Started inside the first claim's transaction: it reads the rows as unclaimed, then waits.
      second = createWebhooksRepo(app.database.db).claimDue(claimFor('second'));
      await untilClaimWaits();
      return claimed;
    });
    expect(first).toHaveLength(400);
    expect(await second).toHaveLength(0);
  });

  it('simultaneous claims never take the same row, and a live claim is not taken again', async () => {
    const repo = createWebhooksRepo(app.database.db);
    // Long after every claim of the test before has lapsed.
    const at = nowMs + 3_000_000;
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map((token) => repo.claimDue({ token, nowMs: at, leaseMs: 60_000, limit: 400 })),
    );
    const ids = claims.flatMap((claimed) => claimed.map((row) => row.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(400);
    const stored = await app.database.db.selectFrom('webhook_deliveries').select(['id', 'claim_token']).execute();
    const owner = new Map(stored.map((row) => [row.id, row.claim_token]));
    claims.forEach((claimed, i) => {
      for (const row of claimed) expect(owner.get(row.id)).toBe(['a', 'b', 'c', 'd'][i]);
    });
    expect(await repo.claimDue({ token: 'e', nowMs: at + 59_000, leaseMs: 60_000, limit: 400 })).toHaveLength(0);
    expect(await repo.claimDue({ token: 'f', nowMs: at + 61_000, leaseMs: 60_000, limit: 400 })).toHaveLength(400);
  });
});
