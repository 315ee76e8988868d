import type { ResponseBody } from './api-types.js';
import type { Transport } from './transport.js';

/** The answering instance's recent counters: a sample a minute for an hour, and totals since start. */
export type MetricsHistory = ResponseBody<'/api/admin/metrics', 'get', 200>;

/** Security counters for charts (administrators). Each instance answers with its own history. */
export class MetricsApi {
  constructor(private readonly transport: Transport) {}

  history(): Promise<MetricsHistory> {
    return this.transport.request<MetricsHistory>({ method: 'GET', path: '/api/admin/metrics' });
  }
}
