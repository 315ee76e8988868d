import { randomUUID } from 'node:crypto';
import type { AuditLogTable } from '../../../db/index.js';
import type { ShippingRepo } from './shipping-repo.js';
import { openSyslogConnection, type SyslogConnection, type SyslogTarget } from './syslog-connection.js';
import { formatSyslogMessage, frameOctetCounted, type SyslogHeader } from './syslog-message.js';

/** Entries read and written per round: bounds memory and how much one lost connection can make us resend. */
const BATCH_SIZE = 100;
/** How often an idle shipper looks for entries written by other instances, and renews its lease. */
const POLL_INTERVAL_MS = 1000;
/** A holder that stopped renewing (its instance died) is replaced after this. */
const LEASE_MS = 30_000;
/** First reconnection delay; doubled per failure up to `reconnectMaxMs`. */
const RECONNECT_BASE_MS = 250;
/** A receiver that stops reading must not stall the shipper (or shutdown) for ever. */
const WRITE_TIMEOUT_MS = 30_000;
/** At shutdown, how long the last entries (`server.stop`) may take to go out. */
const STOP_GRACE_MS = 5000;

export interface AuditShipperOptions {
  target: SyslogTarget;
  header: SyslogHeader;
  repo: ShippingRepo;
  /** Audit entries after `seq`, in order (the audit repo's paged read). */
  listAfter: (seq: number, limit: number) => Promise<AuditLogTable[]>;
  reconnectMaxMs: number;
  /** Told when the receiver becomes unreachable and when it is reached again (the server logs it). */
  onStatus: (status: { isUp: boolean; message: string }) => void;
  connect?: (target: SyslogTarget) => Promise<SyslogConnection>;
  now?: () => number;
}

/**
 * Ships the audit log to one syslog receiver, at least once and in order. Each round takes (or
 * renews) the lease, reads the entries after the durable cursor, writes them to the
 * connection, and moves the cursor to the last entry whose write completed. A failed round
 * drops the connection and rewinds the cursor to before the last batch written on it (bytes
 * still in the socket buffers when a receiver dies are lost with it: RFC 5425 has no
 * acknowledgements), then retries with exponential backoff and jitter; the next connection
 * resends from the cursor, so a receiver that was down gets every entry once it is back.
 */
export function createAuditShipper(options: AuditShipperOptions) {
  const { target, repo } = options;
  const now = options.now ?? Date.now;
  const connect = options.connect ?? openSyslogConnection;
  const holder = randomUUID();
  let connection: SyslogConnection | null = null;
  /** First entry of the last batch written on `connection`: where a lost connection resends from. */
  let lastBatchFirstSeq: number | null = null;
  let failures = 0;
  let isReceiverUp = true;
  let isStopped = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;
  /** A wake that came during a round: the next poll wait is skipped. */
  let hasPendingWake = false;
  /** Ends any sleep, a backoff included (at stop). */
  let interrupt: (() => void) | null = null;

  const frame = (row: AuditLogTable) => frameOctetCounted(formatSyslogMessage(row, options.header));

  let isClosing = false;
  const ensureConnection = async (): Promise<SyslogConnection> => {
    if (connection) return connection;
    // At shutdown only a connection still open is used: a receiver that is down must not delay it.
    if (isClosing) throw new Error('shutting down');
    connection = await connect(target);
    return connection;
  };

  /** Forgets the connection; entries of its last batch may not have arrived, so they go again. */
  const dropConnection = async (reason: string) => {
    connection?.destroy();
    connection = null;
    if (lastBatchFirstSeq !== null) {
      await repo.rewind({ target: target.url, holder, seq: lastBatchFirstSeq - 1, nowMs: now() });
      lastBatchFirstSeq = null;
    }
    return reason;
  };

  /** Writes `rows` in order; resolves with the last seq whose write completed. */
  const writeBatch = async (open: SyslogConnection, rows: AuditLogTable[]): Promise<number> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`writes not flushed within ${WRITE_TIMEOUT_MS} ms`)), WRITE_TIMEOUT_MS);
    });
    try {
      lastBatchFirstSeq = rows[0]?.seq ?? null;
      const writes = rows.map((row) => open.write(frame(row)));
      await Promise.race([Promise.all(writes), deadline]);
      return rows.at(-1)?.seq ?? 0;
    } finally {
      clearTimeout(timer);
    }
  };

  /** One round; true when a full batch went (more may be waiting). */
  const runRound = async (): Promise<boolean> => {
    // Before the cursor is read: dropping a dead connection may move it back.
    if (connection && !connection.isOpen()) throw new Error(connection.failure() ?? 'connection lost');
    const cursor = await repo.takeLease({ target: target.url, holder, nowMs: now(), leaseMs: LEASE_MS });
    if (cursor === null) {
      // Another instance ships; stand by with no connection open.
      if (connection) await dropConnection('another instance holds the lease');
      lastBatchFirstSeq = null;
      return false;
    }
    const rows = await options.listAfter(cursor, BATCH_SIZE);
    if (rows.length === 0) return false;
    const open = await ensureConnection();
    const lastSeq = await writeBatch(open, rows);
    if (!(await repo.advance({ target: target.url, holder, seq: lastSeq, nowMs: now() }))) {
      await dropConnection('the lease was lost');
      return false;
    }
    return rows.length === BATCH_SIZE;
  };

  const reportUp = () => {
    failures = 0;
    if (!isReceiverUp) options.onStatus({ isUp: true, message: `audit shipping to ${target.url} resumed` });
    isReceiverUp = true;
  };

  const reportDown = (error: unknown) => {
    failures += 1;
    if (isReceiverUp) {
      const reason = error instanceof Error ? error.message : String(error);
      options.onStatus({ isUp: false, message: `audit shipping to ${target.url} failed: ${reason}; retrying` });
    }
    isReceiverUp = false;
  };

  /** Exponential backoff with equal jitter: half the delay fixed, half random. */
  const backoffMs = () => {
    const ceiling = Math.min(options.reconnectMaxMs, RECONNECT_BASE_MS * 2 ** Math.min(failures - 1, 20));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  };

  const sleep = (delayMs: number, isWakeable: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, delayMs);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        interrupt = null;
        resolve();
      }
      interrupt = done;
      if (isWakeable) wakeUp = done;
    });

  const run = async () => {
    while (!isStopped) {
      let delayMs: number;
      let isWakeable = true;
      try {
        const isFull = await runRound();
        reportUp();
        delayMs = isFull ? 0 : POLL_INTERVAL_MS;
      } catch (error) {
        await dropConnection('round failed').catch(() => undefined);
        reportDown(error);
        delayMs = backoffMs();
        // New entries must not cut a backoff short: that would hammer a receiver that is down.
        isWakeable = false;
      }
      if (isWakeable && hasPendingWake) delayMs = 0;
      hasPendingWake = false;
      if (!isStopped) await sleep(delayMs, isWakeable);
    }
  };

  return {
    start(): void {
      if (!loop) loop = run();
    },
    /** An entry was recorded here: ship it now rather than at the next poll. */
    wake(): void {
      if (wakeUp) wakeUp();
      else hasPendingWake = true;
    },
    /**
     * Stops the loop, then, over a connection that is still open, sends what is left (the
     * `server.stop` entry) within a short grace, closes it and gives the lease up.
     */
    async stop(): Promise<void> {
      isStopped = true;
      interrupt?.();
      await loop;
      if (connection?.isOpen()) await finalRound();
      await repo.releaseLease(target.url, holder).catch(() => undefined);
    },
  };

  async function finalRound(): Promise<void> {
    const open = connection;
    if (!open) return;
    isClosing = true;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_GRACE_MS);
    });
    const drain = (async () => {
      while (await runRound().catch(() => false)) {}
      await open.end();
    })();
    await Promise.race([drain, grace]);
    clearTimeout(timer);
    open.destroy();
    connection = null;
  }
}

export type AuditShipper = ReturnType<typeof createAuditShipper>;
