import type { FrozenConfig } from '../../config/index.js';
import { appError } from '../../errors/index.js';
import { storeUnavailable } from '../../http/abuse-guard.js';
import { createCidrMatcher } from '../../lib/net/cidr.js';
import type { ClientAddress } from '../../lib/net/client-address.js';
import { type SharedState, StoreUnavailableError } from '../../stores/index.js';
import type { AuditSink } from '../audit/index.js';

/**
 * Brute force and credential stuffing. Per account: after `accountFailureLimit` consecutive
 * failures its sign-ins are refused from every address for `accountLockSeconds` (the same 429
 * whether the password was right or wrong), then it unlocks by itself, so an attacker cannot
 * shut a user out for good. Per address: `banFailureLimit` failures within `banWindowSeconds`
 * ban it from every route for `banSeconds`. An address is counted by its key (an IPv6 client by
 * its /64, see `request.client`). Counters live in the shared store and fail closed; they are
 * durable (without Redis, in the database), so restarting the server lifts no lock or ban.
 */
export function createSignInThrottle(
  config: FrozenConfig,
  state: SharedState,
  audit: AuditSink,
  now: () => number = Date.now,
) {
  const { abuse } = config;
  const accounts = state.createLimiter({
    name: 'signin-account',
    points: abuse.accountFailureLimit,
    durationSeconds: abuse.accountLockSeconds,
    failClosed: true,
    durable: true,
  });
  const addresses = state.createLimiter({
    name: 'signin-address',
    points: abuse.banFailureLimit,
    durationSeconds: abuse.banWindowSeconds,
    failClosed: true,
    durable: true,
  });
  const isAllowListed = createCidrMatcher(abuse.allowList);

  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw error instanceof StoreUnavailableError ? storeUnavailable() : error;
    }
  };

  const countAddressFailure = async ({ address, key }: ClientAddress) => {
    if (isAllowListed(address)) return;
    const result = await addresses.consume(key);
    if (result.consumed === abuse.banFailureLimit) {
      const sinceMs = now();
      await state.bans.ban({
        ip: key,
        reason: 'failed sign-ins',
        sinceMs,
        untilMs: sinceMs + abuse.banSeconds * 1000,
      });
      // A fresh count after each ban, so an address that goes on failing is banned again.
      await addresses.reset(key);
      await audit.record({
        type: 'abuse.ban',
        actor: 'system',
        ip: address,
        details: { reason: 'failed sign-ins', seconds: abuse.banSeconds, banned: key },
      });
    }
  };

  return {
    /** Refuses before any password is checked while the account is throttled. */
    assertNotThrottled: (email: string, client: ClientAddress) =>
      guarded(async () => {
        const state = await accounts.peek(email);
        if (state && state.consumed >= abuse.accountFailureLimit && state.retryAfterSeconds > 0) {
          await countAddressFailure(client);
          throw appError('ABUSE_ACCOUNT_THROTTLED', { headers: { 'retry-after': String(state.retryAfterSeconds) } });
        }
      }),

    recordFailure: (email: string, client: ClientAddress) =>
      guarded(async () => {
        const result = await accounts.consume(email);
        if (result.consumed === abuse.accountFailureLimit) {
          // The lock runs from the last failure, not from the first one of the series.
          await accounts.block(email, abuse.accountLockSeconds);
          await audit.record({
            type: 'abuse.account.throttled',
            actor: 'system',
            ip: client.address,
            details: { email, seconds: abuse.accountLockSeconds },
          });
        }
        await countAddressFailure(client);
      }),

    /** A success ends the series: only consecutive failures count. */
    recordSuccess: (email: string) => guarded(() => accounts.reset(email)),
  };
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
