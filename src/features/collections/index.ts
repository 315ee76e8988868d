import type { Database } from '../../db/index.js';
import type { FieldError } from '../../errors/index.js';
import type { HttpApp } from '../../http/http-app.js';
import type { AuditSink } from '../audit/index.js';
import { type CollectionDefinition, RULE_ACTIONS, type RuleAction } from './collection-definition.js';
import { createCollectionsRepo } from './collections-repo.js';
import { createCollectionsService } from './collections-service.js';
import { createFieldCrypto } from './field-crypto.js';
import { createRecordsService, type RecordChangeListener } from './records-service.js';
import { createRemovalListeners, type RemovalListener } from './removal-listeners.js';
import { registerBatchRoutes } from './routes/batch-routes.js';
import { registerCollectionAdminRoutes } from './routes/collection-admin-routes.js';
import { registerRecordRoutes } from './routes/record-routes.js';
import { registerSchemaRoutes } from './routes/schema-routes.js';
import { checkCollectionRule } from './rule-check.js';
import { createSchemaApplier } from './schema-apply.js';

export type { CollectionDefinition, FieldDefinition } from './collection-definition.js';
export { type DataKeyUsage, dataKeyUsage } from './data-keys.js';
export { fileSizeLimitBytes } from './file-field-checks.js';
export { createKeyRotation, type ReencryptResult, SWITCH_GRACE_MS } from './key-rotation.js';
export { renderRecordTypes, renderSchemaFileTypes } from './record-types.js';
export type { RecordChangeListener, RecordsContext, RecordsService } from './records-service.js';
export type { RemovalListener } from './removal-listeners.js';
export { contextOf as recordsContextOf } from './routes/record-routes.js';
export { GUEST } from './rule-types.js';
export {
  type DataLoss,
  describeDataLoss,
} from './schema-apply.js';
export { readSchemaDocument, type SchemaDocument } from './schema-document.js';
export type { SchemaPlan } from './schema-plan.js';

export interface CollectionsFeatureOptions {
  database: Database;
  audit: AuditSink;
  /** Key wrapping the data keys of encrypted fields (derived from the master key). */
  dataEncryptionKey: Buffer;
  stepUpWindowSeconds: number;
  /** Statement timeout for rule-shaped queries on PostgreSQL. */
  ruleQueryTimeoutMs?: number;
  /** Told of every successful record write (webhooks queue `record.*` events from it). */
  onRecordChange?: RecordChangeListener;
  /** Told of every record operation a rule refused (metrics). */
  onRuleDenial?: (action: RuleAction) => void;
  /** The ceiling of a file field's `maxSizeBytes` (`files.maxUploadBytes`). */
  maxUploadBytes: number;
  /** Most operations one `POST /api/batch` may hold (`records.batchMaxOperations`). */
  batchMaxOperations: number;
  now?: () => number;
}

/** Collections and their records: definitions, tables, rules, hidden and encrypted fields. */
export function createCollectionsFeature(options: CollectionsFeatureOptions) {
  const { database } = options;
  const now = options.now ?? Date.now;
  /**
   * Rules are checked when saved, so a broken rule is a 400 for the admin, never a 500 later; the
   * check is every one compileRule makes (rules/check-rule.ts), the same the dashboard runs.
   */
  const validateRules = (definition: CollectionDefinition, all: readonly CollectionDefinition[]): FieldError[] => {
    const problems: FieldError[] = [];
    for (const action of RULE_ACTIONS) {
      const rule = definition.rules[action];
      if (rule === null || rule.trim() === '') continue;
      const problem = checkCollectionRule(rule, definition, all);
      if (problem) problems.push({ field: `rules.${action}`, code: problem.code, message: problem.message });
    }
    return problems;
  };
  const removals = createRemovalListeners();
  const collections = createCollectionsService({
    database,
    validateRules,
    maxUploadBytes: options.maxUploadBytes,
    removals,
    now,
  });
  const schema = createSchemaApplier({
    database,
    repo: createCollectionsRepo(database.db),
    validateRules,
    maxUploadBytes: options.maxUploadBytes,
    removals,
    audit: options.audit,
    now,
  });
  const crypto = createFieldCrypto(database.db, options.dataEncryptionKey, now);
  const records = createRecordsService({
    db: database.db,
    dialect: database.dialect,
    collections,
    crypto,
    audit: options.audit,
    removals,
    ...(options.ruleQueryTimeoutMs === undefined ? {} : { ruleQueryTimeoutMs: options.ruleQueryTimeoutMs }),
    onRecordChange: options.onRecordChange,
    onRuleDenial: options.onRuleDenial,
    now,
  });

  return {
    collections,
    /** Schema as code: every definition as one file, and a file applied as one change. */
    schema,
    records,
    /** Subscribes a feature that keeps data about records outside their table (files). */
    onRemoval: (listener: RemovalListener) => removals.add(listener),
    registerRoutes(app: HttpApp): void {
      registerCollectionAdminRoutes(app, {
        collections,
        audit: options.audit,
        stepUpWindowSeconds: options.stepUpWindowSeconds,
        now,
      });
      registerSchemaRoutes(app, { schema, stepUpWindowSeconds: options.stepUpWindowSeconds, now });
      registerRecordRoutes(app, records);
      registerBatchRoutes(app, records, { maxOperations: options.batchMaxOperations });
    },
  };
}

export type CollectionsFeature = ReturnType<typeof createCollectionsFeature>;
