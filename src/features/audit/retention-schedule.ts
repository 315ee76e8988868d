import type { Database } from '../../db/index.js';
import type { AuditSink } from './audit-event.js';
import { type PruneResult, pruneAuditLog } from './audit-retention.js';
import { DAY_MS } from './retention-anchor.js';

export interface AuditRetentionOptions {
  database: Database;
  audit: AuditSink;
  /** 0 keeps every entry: nothing is scheduled. */
  retentionDays: number;
  chainKey: Buffer;
  retentionKey: Buffer;
  now: () => number;
  /** Told when a round is refused (an anchor or an entry does not verify) or fails. */
  onProblem: (message: string) => void;
}

export interface AuditRetention {
  /** One pruning now; each pruning that deleted entries, or was refused, is itself audited. */
  runOnce: () => Promise<PruneResult | null>;
  /** Prunes now and then once a day until `stop`. */
  start: () => void;
  stop: () => Promise<void>;
}

/** Pruning of the audit log by `audit.retentionDays`, at start and daily. */
export function createAuditRetention(options: AuditRetentionOptions): AuditRetention {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<PruneResult | null> = Promise.resolve(null);

  const prune = async (): Promise<PruneResult | null> => {
    if (options.retentionDays === 0) return null;
    const result = await pruneAuditLog(options.database, options);
    const details = { retentionDays: options.retentionDays, deleted: result.deleted };
    if (result.ok && result.deleted > 0) {
      await options.audit.record({
        type: 'audit.retention.prune',
        actor: 'system',
        details: { ...details, throughSeq: result.throughSeq },
      });
    }
    if (!result.ok) {
      options.onProblem(`audit retention paused: ${result.reason}`);
      await options.audit.record({
        type: 'audit.retention.refused',
        actor: 'system',
        details: { ...details, reason: result.reason },
      });
    }
    return result;
  };

  const runOnce = () => {
    // One pruning at a time in this process; instances on one PostgreSQL take turns by lock.
    running = running.then(prune, prune).catch((error: unknown) => {
      options.onProblem(`audit retention failed: ${(error as Error).message}`);
      return null;
    });
    return running;
  };

  return {
    runOnce,
    start() {
      if (options.retentionDays === 0 || timer) return;
      void runOnce();
      timer = setInterval(() => void runOnce(), DAY_MS);
      // A daily chore must not keep a stopping process alive.
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
