/** A client refused on every route until `untilMs`. */
export interface Ban {
  /** The client's key: an IPv4 address, or an IPv6 network (`2001:db8:1:2::/64`); see `request.client`. */
  ip: string;
  reason: string;
  sinceMs: number;
  untilMs: number;
}

/** Bans shared by every instance (Redis) or kept in this process (memory). */
export interface BanStore {
  ban: (ban: Ban) => Promise<void>;
  unban: (ip: string) => Promise<boolean>;
  get: (ip: string) => Promise<Ban | null>;
  list: () => Promise<Ban[]>;
}

/** Bans in a Map; expired ones are dropped when read. */
export function createMemoryBanStore(now: () => number = Date.now): BanStore {
  const bans = new Map<string, Ban>();
  const live = (ban: Ban | undefined) => (ban && ban.untilMs > now() ? ban : null);
  return {
    async ban(ban) {
      bans.set(ban.ip, ban);
    },
    async unban(ip) {
      return bans.delete(ip);
    },
    async get(ip) {
      const ban = live(bans.get(ip));
      if (!ban) bans.delete(ip);
      return ban;
    },
    async list() {
      return [...bans.values()].filter((ban) => live(ban) !== null);
    },
  };
}

/**
 * Bans kept in a shared store (Redis, the database), with a local copy of this instance's own
 * writes to answer from while that store cannot be reached: a ban made here keeps holding
 * here, and a store outage never turns every request into an error. `isReachable` skips a
 * store known to be down without waiting for it to fail.
 */
export function withLocalFallback(shared: BanStore, isReachable: () => boolean = () => true): BanStore {
  const local = createMemoryBanStore();
  const attempt = async <T>(work: () => Promise<T>, fallback: () => Promise<T>): Promise<T> => {
    if (!isReachable()) return fallback();
    return work().catch(fallback);
  };
  return {
    async ban(ban) {
      await local.ban(ban);
      await attempt(
        () => shared.ban(ban),
        async () => {},
      );
    },
    async unban(ip) {
      const removedLocally = await local.unban(ip);
      const removed = await attempt(
        () => shared.unban(ip),
        async () => false,
      );
      return removed || removedLocally;
    },
    get: (ip) =>
      attempt(
        () => shared.get(ip),
        () => local.get(ip),
      ),
    list: () =>
      attempt(
        () => shared.list(),
        () => local.list(),
      ),
  };
}
