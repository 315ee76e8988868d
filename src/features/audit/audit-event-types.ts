/** What one audit event type records, for docs/security/logging-inventory.md (ASVS V16.1.1). */
export interface AuditEventTypeInfo {
  /** When it is recorded. */
  when: string;
  /** The keys of `details`, beyond the actor, address and request id every entry carries. */
  holds: string;
}

/**
 * Every audit event type there is. `AuditEvent.type` takes only these keys, so recording a new
 * type does not compile until it is described here, and the logging inventory lists it.
 * Nothing here may hold a password, token, key, secret, code or cookie: the inventory says so and
 * `test/attacks/log-secrets.test.ts` checks the log for them.
 */
export const AUDIT_EVENT_TYPES = {
  'server.start': { when: 'the server started listening', holds: 'version, url, dialect, tls' },
  'server.stop': { when: 'the server is stopping', holds: 'reason' },
  'config.finding': { when: 'a start-up check found a problem (each finding)', holds: 'id, severity, message, fix' },
  'tls.reload': { when: 'the certificate files changed and were loaded', holds: '(nothing)' },
  'tls.reload.failure': { when: 'changed certificate files did not load; the old ones stay', holds: 'error' },
  'outbound.blocked': {
    when: 'the outbound guard refused a request before connecting',
    holds: 'url (no credentials, query or fragment), reason, address, heldBack',
  },
  'auth.register': { when: 'an account was created by sign-up', holds: '(nothing; the actor is the new user)' },
  'auth.email.verified': { when: 'an address was verified with a mailed link', holds: '(nothing)' },
  'auth.email.change.requested': { when: 'a change of address was asked for (a link is mailed)', holds: '(nothing)' },
  'auth.email.change': { when: 'an address was changed', holds: 'from, to (both addresses)' },
  'auth.login.success': { when: 'a sign-in or a second-factor step succeeded', holds: 'sessionId, via, method, stage' },
  'auth.login.failure': {
    when: 'a sign-in was refused',
    holds: 'reason, email (as typed, lower-cased) when no account matched',
  },
  'auth.logout': { when: 'a session was ended by its user', holds: 'sessionId' },
  'auth.refresh.reuse': { when: 'a spent refresh token was presented again (its family is ended)', holds: 'sessionId' },
  'auth.reauth.success': {
    when: 'a step-up re-authentication succeeded',
    holds: 'sessionId, password, factor (which were proved)',
  },
  'auth.reauth.failure': { when: 'a step-up re-authentication was refused', holds: 'method' },
  'auth.session.revoke': { when: 'a user ended one of their sessions', holds: 'sessionId' },
  'auth.session.revoke_others': { when: 'a user ended their other sessions', holds: 'revoked' },
  'auth.password.forgot': { when: 'a reset link was asked for', holds: 'known (whether an account matched)' },
  'auth.password.reset': { when: 'a password was set with a reset link', holds: '(nothing)' },
  'auth.password.change': { when: 'a password was changed (other sessions end)', holds: '(nothing)' },
  'auth.password.change.failure': { when: 'a password change gave a wrong current password', holds: '(nothing)' },
  'auth.password.rehash': { when: 'a stored hash was upgraded to the configured cost at sign-in', holds: '(nothing)' },
  'auth.mfa.totp.setup': { when: 'TOTP enrolment began', holds: '(nothing)' },
  'auth.mfa.totp.enrolled': { when: 'TOTP enrolment was confirmed', holds: '(nothing)' },
  'auth.mfa.totp.removed': { when: 'a TOTP authenticator was removed', holds: 'stillEnrolled' },
  'auth.mfa.success': { when: 'a second-factor code was accepted', holds: 'purpose, method' },
  'auth.mfa.failure': { when: 'a second-factor code was refused', holds: 'purpose' },
  'auth.mfa.completed': { when: 'a sign-in completed its second factor', holds: 'method' },
  'auth.mfa.recovery_code_used': { when: 'a recovery code was spent', holds: 'remaining' },
  'auth.mfa.recovery_codes.regenerated': { when: 'new recovery codes replaced the old', holds: '(nothing)' },
  'auth.webauthn.registered': { when: 'a passkey was registered', holds: 'credentialId' },
  'auth.webauthn.removed': { when: 'a passkey was removed', holds: 'credentialId, stillEnrolled' },
  'auth.webauthn.failure': { when: 'a passkey ceremony failed', holds: 'purpose' },
  'auth.oidc.success': { when: 'an OIDC provider signed a user in', holds: 'provider, issuer, subject, outcome' },
  'auth.oidc.linked': { when: 'an OIDC identity was linked to an account', holds: 'provider, issuer, outcome' },
  'auth.oidc.failure': { when: 'an OIDC sign-in failed', holds: 'provider, reason (at most 200 characters)' },
  'auth.apikey.create': { when: 'an API key was created', holds: 'keyId, scopes' },
  'auth.apikey.rotate': { when: 'an API key was rotated', holds: 'keyId, newKeyId' },
  'auth.apikey.revoke': { when: 'an API key was revoked', holds: 'keyId' },
  'access.denied': {
    when: 'a token, role, scope, second-factor or CSRF check refused a request (thinned per caller)',
    holds: 'code, method, route, via, heldBack',
  },
  'abuse.ban': {
    when: 'an address was banned for failed sign-ins',
    holds: 'reason, seconds, banned (the address key)',
  },
  'abuse.unban': { when: 'an administrator lifted a ban', holds: 'unbanned (the address key)' },
  'abuse.account.throttled': { when: 'an account was locked for failed sign-ins', holds: 'email, seconds' },
  'admin.setup.link': { when: 'the first-administrator set-up link was issued', holds: 'ttlSeconds' },
  'admin.setup': { when: 'the first administrator was created through the set-up link', holds: 'email' },
  'admin.create': { when: '`bulwark admin create` made an administrator', holds: 'userId, email' },
  'admin.user.update': { when: 'an administrator changed a user', holds: 'userId, email, role, disabled (from, to)' },
  'admin.user.delete': { when: 'an administrator deleted a user', holds: 'userId, email, role' },
  'admin.user.sessions.revoke': {
    when: "one user's sessions and API keys were ended (API or CLI)",
    holds: 'userId, email, sessionsEnded, keysRevoked',
  },
  'admin.sessions.revoke_all': { when: 'every session was ended (API or CLI)', holds: 'sessionsEnded' },
  'collections.create': { when: 'a collection was created', holds: 'collection, fields, rules' },
  'collections.update': { when: 'a collection was changed', holds: 'collection, changes, rules' },
  'collections.delete': { when: 'a collection was deleted', holds: 'collection' },
  'records.read.denied': {
    when: 'the rules refused a list or view (thinned per caller)',
    holds: 'collection, id, action, heldBack',
  },
  'records.write.denied': { when: 'the rules refused a create, update or delete', holds: 'collection, id, action' },
  'records.integrity.failure': { when: 'an encrypted value failed authentication', holds: 'collection, id' },
  'file.uploaded': { when: 'a file was stored', holds: 'collection, recordId, field, fileId, type, sizeBytes' },
  'file.upload.refused': {
    when: 'an upload was refused (size or type; thinned per caller)',
    holds: 'collection, recordId, field, reason, maxBytes or type and sizeBytes, heldBack',
  },
  'file.download.refused': { when: 'a download of an infected file was refused', holds: 'fileId, reason' },
  'file.link.refused': {
    when: 'a signed link did not verify (thinned per caller)',
    holds: 'fileId (64 characters at most), heldBack',
  },
  'file.infected': {
    when: 'the malware scanner found a file infected',
    holds: 'collection, recordId, field, fileId, signature, sha256',
  },
  'file.scan.failure': {
    when: 'a scan failed (thinned per file)',
    holds: 'collection, recordId, field, fileId, reason, heldBack',
  },
  'file.deleted': {
    when: 'files were removed with their record, field or collection',
    holds: 'reason, collection, count',
  },
  'file.delete.failure': { when: 'a stored file could not be removed', holds: 'fileId, collection, recordId, reason' },
  'webhook.created': {
    when: 'a webhook was created',
    holds: 'webhookId, url (no credentials, query or fragment), events, secretGiven',
  },
  'webhook.deleted': { when: 'a webhook was deleted', holds: 'webhookId, url (no credentials, query or fragment)' },
  'webhook.url.refused': {
    when: 'a webhook URL was refused by the outbound guard',
    holds: 'url (no credentials, query or fragment)',
  },
  'webhook.test': { when: 'a test delivery was queued', holds: 'webhookId, deliveryId' },
  'webhook.delivery.dead': {
    when: 'a delivery used up its attempts',
    holds: 'webhookId, deliveryId, event, attempts, lastError',
  },
  'webhook.secret.unreadable': {
    when: 'a webhook secret did not open under the current key (nothing is sent)',
    holds: 'webhookId, deliveryId, event, attempts, lastError',
  },
  'alert.fired': { when: 'an in-process alert fired', holds: 'alert, severity, summary, observed' },
  'alert.delivery.failed': { when: 'an alert could not be delivered on a channel', holds: 'alert, channel, reason' },
  'audit.export': { when: '`bulwark log export` wrote entries', holds: 'since, until, entries, to' },
  'audit.retention.prune': {
    when: 'entries past `audit.retentionDays` were deleted',
    holds: 'retentionDays, deleted, throughSeq',
  },
  'audit.retention.refused': {
    when: 'pruning was refused (the chain did not verify)',
    holds: 'retentionDays, deleted, reason',
  },
} as const satisfies Record<string, AuditEventTypeInfo>;

/** An audit event type; free strings do not compile. */
export type AuditEventType = keyof typeof AUDIT_EVENT_TYPES;
