import type { Kysely } from 'kysely';
import type { DatabaseTables } from '../db/index.js';
import type { Ban, BanStore } from './ban-store.js';

type Db = Kysely<DatabaseTables>;
type BanRow = DatabaseTables['abuse_bans'];

export interface DatabaseBanStore extends BanStore {
  /** Reloads the in-process copy from the database. */
  sync: () => Promise<void>;
}

const toBan = (row: BanRow): Ban => ({
  ip: row.client_key,
  reason: row.reason,
  sinceMs: row.since_ms,
  untilMs: row.until_ms,
});

/**
 * Bans as rows in the database, answered from an in-process copy. Every request asks whether its
 * client is banned, and a database read for that more than halved the throughput of a cheap
 * route (measured); during a flood it would put the database in front of every refusal. So
 * `get` reads the copy, which is loaded before the server serves (`sync`), updated by this
 * instance's own bans and lifts at once, and reloaded periodically by the caller so that bans and
 * lifts made by other instances on the same PostgreSQL database apply here too. The listing for
 * administrators reads the database itself. While the database cannot be reached, this
 * instance's bans keep holding from the copy.
 */
export function createDatabaseBanStore(db: Db, now: () => number = Date.now): DatabaseBanStore {
  let copy = new Map<string, Ban>();
  // Own changes made while a reload is in flight, re-applied over what it read, so a reload that
  // started before a ban was written cannot drop that ban from the copy.
  let changedDuringSync: Map<string, Ban | null> | null = null;
  const changeCopy = (ip: string, ban: Ban | null) => {
    if (ban) copy.set(ip, ban);
    else copy.delete(ip);
    changedDuringSync?.set(ip, ban);
  };
  const lookupInProcess = (ip: string): Ban | null => {
    const ban = copy.get(ip);
    return ban !== undefined && ban.untilMs > now() ? ban : null;
  };
  const liveRows = () => db.selectFrom('abuse_bans').selectAll().where('until_ms', '>', now());

  return {
    async sync() {
      const changes = new Map<string, Ban | null>();
      changedDuringSync = changes;
      try {
        const next = new Map((await liveRows().execute()).map((row) => [row.client_key, toBan(row)]));
        for (const [ip, ban] of changes) {
          if (ban) next.set(ip, ban);
          else next.delete(ip);
        }
        copy = next;
      } finally {
        if (changedDuringSync === changes) changedDuringSync = null;
      }
    },
    async ban(ban) {
      changeCopy(ban.ip, ban);
      const row: BanRow = { client_key: ban.ip, reason: ban.reason, since_ms: ban.sinceMs, until_ms: ban.untilMs };
      await db
        .insertInto('abuse_bans')
        .values(row)
        .onConflict((conflict) => conflict.column('client_key').doUpdateSet(row))
        .execute()
        // Database down: the ban holds from this instance's copy, like a Redis ban during an outage.
        .catch(() => undefined);
    },
    async unban(ip) {
      const wasInCopy = (copy.get(ip)?.untilMs ?? 0) > now();
      changeCopy(ip, null);
      // Only a ban still in force counts as lifted; an expired row is the sweep's to delete.
      const result = await db
        .deleteFrom('abuse_bans')
        .where('client_key', '=', ip)
        .where('until_ms', '>', now())
        .executeTakeFirst()
        .catch(() => null);
      return (result?.numDeletedRows ?? 0n) > 0n || wasInCopy;
    },
    lookupInProcess,
    get: async (ip) => lookupInProcess(ip),
    async list() {
      const rows = await liveRows()
        .orderBy('since_ms')
        .execute()
        .catch(() => null);
      if (rows) return rows.map(toBan);
      return [...copy.values()].filter((ban) => ban.untilMs > now());
    },
  };
}
