import type { ResponseBody } from './api-types.js';
import type { paths } from './generated/openapi.js';
import { segment, type Transport } from './transport.js';

/** The filters and paging of an audit search, as `GET /api/admin/audit` takes them. */
export type AuditQuery = NonNullable<paths['/api/admin/audit']['get']['parameters']['query']>;
/** One page of audit entries, newest first. */
export type AuditPage = ResponseBody<'/api/admin/audit', 'get', 200>;
export type AuditEntry = AuditPage['items'][number];
/** A ban in force on every instance: the address (an IPv6 client's /64), why, and until when. */
export type BanInfo = ResponseBody<'/api/admin/bans', 'get', 200>['items'][number];
/** The configuration findings in force and the last 24 hours of audit entries, counted. */
export type SecuritySummary = ResponseBody<'/api/admin/security/summary', 'get', 200>;

/** What an operator watches: the audit log, bans and the security summary (administrators only). */
export class OperationsApi {
  constructor(private readonly transport: Transport) {}

  /** Audit entries matching every filter given; `event` takes a type or a family (`auth.*`). */
  audit(query: AuditQuery = {}): Promise<AuditPage> {
    return this.transport.request<AuditPage>({ method: 'GET', path: '/api/admin/audit', query });
  }

  async bans(): Promise<BanInfo[]> {
    const { items } = await this.transport.request<{ items: BanInfo[] }>({ method: 'GET', path: '/api/admin/bans' });
    return items;
  }

  /** Lifts a ban at once (step-up required): the address is served again on every instance. */
  liftBan(ip: string): Promise<void> {
    return this.transport.request<void>({ method: 'DELETE', path: `/api/admin/bans/${segment(ip)}` });
  }

  securitySummary(): Promise<SecuritySummary> {
    return this.transport.request<SecuritySummary>({ method: 'GET', path: '/api/admin/security/summary' });
  }
}
