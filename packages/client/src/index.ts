/**
 * @bulwark/client: a typed client for a Bulwark server, for browsers and Node.js 20+, with no
 * dependency beyond `fetch`. See README.md.
 */

export type { CollectionInfo } from './admin.js';
export type { CreateApiKeyInput, CreatedApiKey } from './api-keys.js';
export type { ApiKeyInfo, ApiKeyScope, FactorSummary, PasskeyInfo, PublicUser, SessionInfo } from './api-types.js';
export type { Me, ReauthInput, SignInInput, SignInResult, SignInStage, SignUpInput } from './auth.js';
export type { BatchOperation, BatchResults } from './batch.js';
export type { BearerTokens, TokenChange } from './bearer-credentials.js';
export { type AuthOptions, BulwarkClient, type ClientOptions, createClient } from './client.js';
export type {
  CollectionAdminApi,
  CollectionInput,
  CollectionPatch,
  SchemaApplyResult,
  SchemaDocument,
} from './collection-admin.js';
export {
  BulwarkError,
  type BulwarkErrorCode,
  type ClientErrorCode,
  type FieldProblem,
  isBulwarkError,
  type ServerErrorCode,
  type StepUpProof,
} from './errors.js';
export { and, FieldName, Filter, type FilterValue, field, filter, literal, or, quote, sort } from './filter.js';
export type { components, paths } from './generated/openapi.js';
export type { MetricsHistory } from './instance-metrics.js';
export type { AuditEntry, AuditPage, AuditQuery, BanInfo, SecuritySummary } from './operations.js';
export type {
  BaseRecord,
  CollectionApi,
  ListOptions,
  Page,
  RecordFile,
  RecordInput,
  RecordOf,
  UntypedCollections,
  UploadedFile,
} from './records.js';
export type { FetchLike } from './transport.js';
export type { AdminSession, AdminUser, AdminUserPage, SessionsSummary } from './users-admin.js';
export type { CreatedWebhook, DeliveryInfo, DeliveryPage, WebhookInfo, WebhookInput } from './webhooks.js';
