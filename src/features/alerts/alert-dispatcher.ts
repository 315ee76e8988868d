import type { AuditSink } from '../audit/index.js';
import { ALERT_CATALOG, type AlertFiring, type AlertName } from './alert-catalog.js';
import type { AlertChannel } from './alert-channels.js';

export interface AlertDispatcherOptions {
  channels: readonly AlertChannel[];
  audit: AuditSink;
  cooldownMs: number;
  now: () => number;
  /** A delivery or audit failure, for the server's log (never thrown at the event's writer). */
  onProblem: (message: string) => void;
}

/**
 * Sends each alert at most once per cool-down (per instance), records it as an `alert.fired`
 * audit entry and delivers it to every channel in the background: the request whose event
 * tipped the condition does not wait on SMTP or a webhook receiver. A delivery that fails is
 * an `alert.delivery.failed` entry. Neither entry type feeds any alert condition, so an alert
 * cannot trigger itself.
 */
export function createAlertDispatcher(options: AlertDispatcherOptions) {
  const lastFiredMs = new Map<AlertName, number>();
  const running = new Set<Promise<void>>();

  const deliver = async (firing: AlertFiring, firedAtMs: number) => {
    const severity = ALERT_CATALOG[firing.alert].severity;
    await options.audit.record({
      type: 'alert.fired',
      actor: 'system',
      details: {
        alert: firing.alert,
        severity,
        summary: firing.summary,
        observed: firing.observed,
        channels: options.channels.map((channel) => channel.name),
      },
    });
    await Promise.all(
      options.channels.map((channel) =>
        channel.send(firing, firedAtMs).catch(async (error: unknown) => {
          const reason = error instanceof Error ? error.message : 'unknown failure';
          options.onProblem(`alert ${firing.alert} not delivered by ${channel.name}: ${reason}`);
          await options.audit.record({
            type: 'alert.delivery.failed',
            actor: 'system',
            details: { alert: firing.alert, channel: channel.name, reason },
          });
        }),
      ),
    );
  };

  return {
    /** Fires `firing` unless the same alert fired within the cool-down; true when it fired. */
    fire(firing: AlertFiring): boolean {
      const nowMs = options.now();
      const last = lastFiredMs.get(firing.alert);
      if (last !== undefined && nowMs - last < options.cooldownMs) return false;
      lastFiredMs.set(firing.alert, nowMs);
      const task = deliver(firing, nowMs).catch((error: unknown) =>
        options.onProblem(
          `alert ${firing.alert} not recorded: ${error instanceof Error ? error.message : 'unknown failure'}`,
        ),
      );
      running.add(task);
      void task.finally(() => running.delete(task));
      return true;
    },
    /** Resolves once every alert fired so far is recorded and delivered (or its failure recorded). */
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
