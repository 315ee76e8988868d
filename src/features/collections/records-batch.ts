import { type AppError, appError, isAppError } from '../../errors/index.js';
import { buildProblem } from '../../http/problem.js';
import type { PublicRecord } from './record-codec.js';
import type { AnyDb, RecordsContext } from './records-service.js';

/** What a refused write is audited as (`records.write.denied`). */
export type WriteDenial = { collection: string; id?: string; action: 'create' | 'update' | 'delete' };

/**
 * One record write, made before its transaction, applied in it, finished after it commits. The
 * single routes run one plan alone; a batch runs many in one transaction.
 */
export interface WritePlan {
  readonly denial: WriteDenial;
  /** Runs on the transaction's handle only; false when the action's rule refuses the caller. */
  apply: (handle: AnyDb) => Promise<boolean>;
  /** After the commit: the record as the single route answers it, undefined for a delete. */
  finish: () => Promise<PublicRecord | undefined>;
}

export interface WritePlans {
  create: (name: string, body: unknown, ctx: RecordsContext) => Promise<WritePlan>;
  update: (name: string, id: string, body: unknown, ctx: RecordsContext) => Promise<WritePlan>;
  remove: (name: string, id: string, ctx: RecordsContext) => Promise<WritePlan>;
}

/** A batch's operation, as the route parsed it from `{method, url, body}`. */
export type BatchOperation =
  | { action: 'create'; collection: string; body: unknown }
  | { action: 'update'; collection: string; id: string; body: unknown }
  | { action: 'delete'; collection: string; id: string };

/** What the operation's single route would have answered. */
export type BatchResult = { status: 200 | 201; body: PublicRecord } | { status: 204 };

export interface BatchDeps {
  plans: WritePlans;
  /** Runs the work in one transaction, bounded like every rule-shaped statement. */
  boundedWrite: <T>(work: (handle: AnyDb) => Promise<T>) => Promise<T>;
  /** Audits a rule's refusal and returns the error the single route would answer. */
  refuseWrite: (ctx: RecordsContext, denial: WriteDenial) => Promise<AppError>;
}

/** Thrown inside the transaction to roll it back when an operation's rule refuses it. */
class RefusedByRule extends Error {}

/**
 * Plans every operation (a missing collection or a locked action fails here, before anything
 * runs), applies them in order in one transaction, and finishes them once it has committed.
 * Anything an operation's single route would refuse rolls back the whole batch and names the
 * operation; its refusal is audited after the rollback, like a single write's.
 */
export async function runBatch(
  operations: readonly BatchOperation[],
  ctx: RecordsContext,
  deps: BatchDeps,
): Promise<BatchResult[]> {
  const contextAt = (index: number): RecordsContext => ({ ...ctx, batchIndex: index });
  const planned: WritePlan[] = [];
  for (const [index, operation] of operations.entries()) {
    try {
      planned.push(await planOf(deps.plans, operation, contextAt(index)));
    } catch (error) {
      throw failedAt(index, error);
    }
  }
  let current = -1;
  try {
    await deps.boundedWrite(async (handle) => {
      for (const [index, plan] of planned.entries()) {
        current = index;
        if (!(await plan.apply(handle))) throw new RefusedByRule();
      }
      current = -1;
    });
  } catch (error) {
    const plan = planned[current];
    if (!plan) throw error;
    throw failedAt(
      current,
      error instanceof RefusedByRule ? await deps.refuseWrite(contextAt(current), plan.denial) : error,
    );
  }
  const results: BatchResult[] = [];
  for (const [index, plan] of planned.entries()) {
    const record = await plan.finish();
    const status = operations[index]?.action === 'create' ? 201 : 200;
    results.push(record === undefined ? { status: 204 } : { status, body: record });
  }
  return results;
}

function planOf(plans: WritePlans, operation: BatchOperation, ctx: RecordsContext): Promise<WritePlan> {
  switch (operation.action) {
    case 'create':
      return plans.create(operation.collection, operation.body, ctx);
    case 'update':
      return plans.update(operation.collection, operation.id, operation.body, ctx);
    case 'delete':
      return plans.remove(operation.collection, operation.id, ctx);
  }
}

/**
 * The batch's answer when operation `index` failed: its own problem, as its single route would
 * have sent it, inside `failure`. A server-side failure (a query timeout, a fault) is answered
 * as itself: it says nothing about the operation, and a 503 keeps its Retry-After.
 */
function failedAt(index: number, error: unknown): unknown {
  if (!isAppError(error) || error.status >= 500) return error;
  const { requestId, ...failure } = buildProblem(error, '');
  return appError('BATCH_OPERATION_FAILED', {
    detail: `Operation ${index} was refused (${failure.code}); nothing in the batch was written.`,
    members: { failedIndex: index, failure },
    cause: error,
  });
}
