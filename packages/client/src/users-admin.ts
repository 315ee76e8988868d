import type { RequestBody, ResponseBody } from './api-types.js';
import { segment, type Transport } from './transport.js';

/** One page of users, oldest first. */
export type AdminUserPage = ResponseBody<'/api/admin/users', 'get', 200>;
/** A user as administrators see it: never a password hash or any secret. */
export type AdminUser = AdminUserPage['items'][number];
/** One of a user's sessions or bearer token families. */
export type AdminSession = ResponseBody<'/api/admin/users/{id}/sessions', 'get', 200>['items'][number];
export type AdminUserChange = RequestBody<'/api/admin/users/{id}', 'patch'>;
/** Live sessions and token families, and the users holding them. */
export type SessionsSummary = ResponseBody<'/api/admin/sessions/summary', 'get', 200>;

export interface UserListOptions {
  page?: number;
  perPage?: number;
  /** Case-insensitive prefix of the email address. */
  email?: string;
}

/**
 * Users and their sessions, for administrators. Every change needs a recent step-up
 * (`auth.reauthenticate`) and ends what it names on every instance at once.
 */
export class UsersAdminApi {
  constructor(private readonly transport: Transport) {}

  list(options: UserListOptions = {}): Promise<AdminUserPage> {
    return this.transport.request<AdminUserPage>({
      method: 'GET',
      path: '/api/admin/users',
      query: { page: options.page, perPage: options.perPage, email: options.email || undefined },
    });
  }

  /** Role or disabled; either change ends the user's sessions, token families and API keys. */
  update(id: string, change: AdminUserChange): Promise<AdminUser> {
    return this.transport.request<AdminUser>({
      method: 'PATCH',
      path: `/api/admin/users/${segment(id)}`,
      body: change,
    });
  }

  /** Deletes the user with its sessions, token families, API keys and second factors. */
  remove(id: string): Promise<void> {
    return this.transport.request<void>({ method: 'DELETE', path: `/api/admin/users/${segment(id)}` });
  }

  async sessions(id: string): Promise<AdminSession[]> {
    const { items } = await this.transport.request<{ items: AdminSession[] }>({
      method: 'GET',
      path: `/api/admin/users/${segment(id)}/sessions`,
    });
    return items;
  }

  /** Ends all of the user's sessions and token families and revokes its API keys. */
  endSessions(id: string): Promise<void> {
    return this.transport.request<void>({ method: 'DELETE', path: `/api/admin/users/${segment(id)}/sessions` });
  }

  /** How many sessions and token families are live, and of how many users: what ending everyone's would end. */
  sessionsSummary(): Promise<SessionsSummary> {
    return this.transport.request<SessionsSummary>({ method: 'GET', path: '/api/admin/sessions/summary' });
  }

  /** Incident response: ends every user's sessions and token families, the caller's own too. */
  endEveryonesSessions(): Promise<void> {
    return this.transport.request<void>({ method: 'DELETE', path: '/api/admin/sessions' });
  }
}
