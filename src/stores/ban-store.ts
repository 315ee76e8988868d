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
  /**
   * Only on stores that answer from this process (in-process bans, the database's copy): the
   * same answer as `get`, at once, without a promise. Asked on every request.
   */
  lookupInProcess?: (ip: string) => Ban | null;
}

/** Bans in a Map; expired ones are dropped when read. */
export function createMemoryBanStore(now: () => number = Date.now): BanStore {
  const bans = new Map<string, Ban>();
  const live = (ban: Ban | undefined) => (ban && ban.untilMs > now() ? ban : null);
  const lookupInProcess = (ip: string) => {
    const ban = bans.get(ip);
    if (ban === undefined) return null;
    if (ban.untilMs > now()) return ban;
    bans.delete(ip);
    return null;
  };
  return {
    lookupInProcess,
    async ban(ban) {
      bans.set(ban.ip, ban);
    },
    async unban(ip) {
      return bans.delete(ip);
    },
    get: async (ip) => lookupInProcess(ip),
    async list() {
      return [...bans.values()].filter((ban) => live(ban) !== null);
    },
  };
}
