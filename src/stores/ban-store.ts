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
