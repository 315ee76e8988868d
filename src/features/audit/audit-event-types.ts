/** What one audit event type records, for docs/security/logging-inventory.md (ASVS V16.1.1). */
export interface AuditEventTypeInfo {
  /** When it is recorded. */
  when: string;
  /** Every key `details` may hold, beyond the actor, address and request id every entry carries. */
  details: readonly string[];
  /** What the keys need said about them (a bound, a form, when one is present). */
  note?: string;
}

/**
 * Every audit event type there is. `AuditEvent.type` takes only these keys, so recording a new
 * type does not compile until it is described here, and the logging inventory lists it.
 * Nothing here may hold a password, token, key, secret, code or cookie: the inventory says so and
 * `test/attacks/log-secrets.test.ts` checks the log for them.
 */
export const AUDIT_EVENT_TYPES = {
  'server.start': { when: 'the server started listening', details: ['version', 'url', 'dialect', 'tls'] },
  'server.stop': { when: 'the server is stopping', details: ['reason'] },
  'config.finding': {
    when: 'a start-up check found a problem (each finding)',
    details: ['id', 'severity', 'message', 'fix'],
  },
  'tls.reload': { when: 'the certificate files changed and were loaded', details: [] },
  'tls.reload.failure': { when: 'changed certificate files did not load; the old ones stay', details: ['error'] },
  'outbound.blocked': {
    when: 'the outbound guard refused a request before connecting',
    details: ['url', 'reason', 'address', 'heldBack'],
    note: 'the URL without credentials, query or fragment',
  },
  'auth.register': { when: 'an account was created by sign-up', details: [], note: 'the actor is the new user' },
  'auth.email.verified': { when: 'an address was verified with a mailed link', details: [] },
  'auth.email.change.requested': { when: 'a change of address was asked for (a link is mailed)', details: [] },
  'auth.email.change': { when: 'an address was changed', details: ['from', 'to'], note: 'both addresses' },
  'auth.login.success': {
    when: 'a sign-in or a second-factor step succeeded',
    details: ['sessionId', 'via', 'method', 'stage'],
  },
  'auth.login.failure': {
    when: 'a sign-in was refused',
    details: ['reason', 'email'],
    note: 'the email as typed, lower-cased, only when no account matched',
  },
  'auth.logout': { when: 'a session was ended by its user', details: ['sessionId'] },
  'auth.refresh.reuse': {
    when: 'a spent refresh token was presented again (its family is ended)',
    details: ['sessionId'],
  },
  'auth.reauth.success': {
    when: 'a step-up re-authentication succeeded',
    details: ['sessionId', 'password', 'factor'],
    note: 'password and factor are booleans: which were proved',
  },
  'auth.reauth.failure': { when: 'a step-up re-authentication was refused', details: ['method'] },
  'auth.session.revoke': { when: 'a user ended one of their sessions', details: ['sessionId'] },
  'auth.session.revoke_others': { when: 'a user ended their other sessions', details: ['revoked'] },
  'auth.password.forgot': {
    when: 'a reset link was asked for',
    details: ['known'],
    note: 'whether an account matched',
  },
  'auth.password.reset': { when: 'a password was set with a reset link', details: [] },
  'auth.password.change': { when: 'a password was changed (other sessions end)', details: [] },
  'auth.password.change.failure': { when: 'a password change gave a wrong current password', details: [] },
  'auth.password.rehash': { when: 'a stored hash was upgraded to the configured cost at sign-in', details: [] },
  'auth.mfa.totp.setup': { when: 'TOTP enrolment began', details: [] },
  'auth.mfa.totp.enrolled': { when: 'TOTP enrolment was confirmed', details: [] },
  'auth.mfa.totp.removed': { when: 'a TOTP authenticator was removed', details: ['stillEnrolled'] },
  'auth.mfa.success': { when: 'a second-factor code was accepted', details: ['purpose', 'method'] },
  'auth.mfa.failure': { when: 'a second-factor code was refused', details: ['purpose'] },
  'auth.mfa.completed': { when: 'a sign-in completed its second factor', details: ['method'] },
  'auth.mfa.recovery_code_used': { when: 'a recovery code was spent', details: ['remaining'] },
  'auth.mfa.recovery_codes.regenerated': { when: 'new recovery codes replaced the old', details: [] },
  'auth.webauthn.registered': { when: 'a passkey was registered', details: ['credentialId'] },
  'auth.webauthn.removed': { when: 'a passkey was removed', details: ['credentialId', 'stillEnrolled'] },
  'auth.webauthn.failure': { when: 'a passkey ceremony failed', details: ['purpose'] },
  'auth.oidc.success': {
    when: 'an OIDC provider signed a user in',
    details: ['provider', 'issuer', 'subject', 'outcome'],
  },
  'auth.oidc.linked': { when: 'an OIDC identity was linked to an account', details: ['provider', 'issuer', 'outcome'] },
  'auth.oidc.failure': {
    when: 'an OIDC sign-in failed',
    details: ['provider', 'reason'],
    note: 'reason at most 200 characters',
  },
  'auth.apikey.create': { when: 'an API key was created', details: ['keyId', 'scopes'] },
  'auth.apikey.rotate': { when: 'an API key was rotated', details: ['keyId', 'newKeyId'] },
  'auth.apikey.revoke': { when: 'an API key was revoked', details: ['keyId'] },
  'access.denied': {
    when: 'a token, role, scope, second-factor or CSRF check refused a request (thinned per caller)',
    details: ['code', 'method', 'route', 'via', 'heldBack'],
  },
  'abuse.ban': {
    when: 'an address was banned for failed sign-ins',
    details: ['reason', 'seconds', 'banned'],
    note: 'banned is the address key',
  },
  'abuse.unban': { when: 'an administrator lifted a ban', details: ['unbanned'] },
  'abuse.account.throttled': { when: 'an account was locked for failed sign-ins', details: ['email', 'seconds'] },
  'admin.setup.link': { when: 'the first-administrator set-up link was issued', details: ['ttlSeconds'] },
  'admin.setup': { when: 'the first administrator was created through the set-up link', details: ['email'] },
  'admin.create': {
    when: '`bulwark admin create` made an administrator',
    details: ['userId', 'email', 'totp'],
    note: 'totp is true when `--totp` enrolled an authenticator app',
  },
  'admin.apikey.create': {
    when: '`bulwark keys create --admin` made an administrator API key on the shell',
    details: ['keyId', 'userId', 'email', 'name', 'scopes', 'expires'],
  },
  'admin.apikey.revoke': { when: '`bulwark keys revoke` revoked an API key', details: ['keyId', 'userId', 'email'] },
  'admin.user.import': {
    when: '`bulwark users import` made an account (one entry per account)',
    details: ['userId', 'email', 'role', 'line'],
  },
  'admin.user.invite': {
    when: '`bulwark users invite` mailed (or tried to mail) an account a set-password link',
    details: ['userId', 'email', 'mailed'],
  },
  'admin.users.import': {
    when: '`bulwark users import` finished',
    details: ['file', 'imported', 'mailed', 'mailFailed'],
    note: 'file is the path as given',
  },
  'admin.user.update': {
    when: 'an administrator changed a user',
    details: ['userId', 'email', 'role', 'disabled', 'sessionsEnded', 'keysRevoked'],
    note: 'role and disabled as {from, to}, present when changed',
  },
  'admin.user.delete': { when: 'an administrator deleted a user', details: ['userId', 'email', 'role'] },
  'admin.user.sessions.revoke': {
    when: "one user's sessions and API keys were ended (API or CLI)",
    details: ['userId', 'email', 'sessionsEnded', 'keysRevoked'],
  },
  'admin.sessions.revoke_all': { when: 'every session was ended (API or CLI)', details: ['sessionsEnded'] },
  'collections.create': { when: 'a collection was created', details: ['collection', 'fields', 'rules'] },
  'collections.update': { when: 'a collection was changed', details: ['collection', 'changes', 'rules'] },
  'collections.delete': { when: 'a collection was deleted', details: ['collection'] },
  'schema.apply': {
    when: 'a schema file was applied (HTTP `PUT /api/admin/schema`, or `bulwark schema apply` with actor `cli`)',
    details: ['added', 'removed', 'changed', 'dataLoss'],
    note: 'collection and field names, the rule actions changed, and counts of deleted records or values; never values',
  },
  'records.read.denied': {
    when: 'the rules refused a list or view (thinned per caller)',
    details: ['collection', 'id', 'action', 'heldBack'],
  },
  'records.write.denied': {
    when: 'the rules refused a create, update or delete (alone or in a batch)',
    details: ['collection', 'id', 'action', 'batchIndex'],
    note: '`batchIndex` only in a batch: the refused operation, whose refusal rolled back the whole batch',
  },
  'records.integrity.failure': { when: 'an encrypted value failed authentication', details: ['collection', 'id'] },
  'file.uploaded': {
    when: 'a file was stored',
    details: ['collection', 'recordId', 'field', 'fileId', 'type', 'sizeBytes'],
  },
  'file.upload.refused': {
    when: 'an upload was refused (size or type; thinned per caller)',
    details: ['collection', 'recordId', 'field', 'reason', 'maxBytes', 'type', 'sizeBytes', 'heldBack'],
  },
  'file.download.refused': { when: 'a download of an infected file was refused', details: ['fileId', 'reason'] },
  'file.link.refused': {
    when: 'a signed link did not verify (thinned per caller)',
    details: ['fileId', 'heldBack'],
    note: 'fileId cut to 64 characters',
  },
  'file.infected': {
    when: 'the malware scanner found a file infected',
    details: ['fileId', 'collection', 'recordId', 'field', 'signature', 'sha256'],
  },
  'file.scan.failure': {
    when: 'a scan failed (thinned per file)',
    details: ['fileId', 'collection', 'recordId', 'field', 'reason', 'heldBack'],
  },
  'file.deleted': {
    when: 'files were removed with their record, field or collection',
    details: ['reason', 'collection', 'count', 'recordId', 'fields'],
  },
  'file.delete.failure': {
    when: 'a stored file could not be removed',
    details: ['fileId', 'collection', 'recordId', 'reason'],
  },
  'webhook.created': {
    when: 'a webhook was created',
    details: ['webhookId', 'url', 'events', 'secretGiven'],
    note: 'the URL without credentials, query or fragment; never the secret',
  },
  'webhook.deleted': {
    when: 'a webhook was deleted',
    details: ['webhookId', 'url', 'pendingDropped'],
    note: 'the URL without credentials, query or fragment; how many queued deliveries were dropped with it',
  },
  'webhook.url.refused': {
    when: 'a webhook URL was refused by the outbound guard',
    details: ['url'],
    note: 'the URL without credentials, query or fragment',
  },
  'webhook.test': { when: 'a test delivery was queued', details: ['webhookId', 'deliveryId'] },
  'webhook.delivery.dead': {
    when: 'a delivery used up its attempts',
    details: ['webhookId', 'deliveryId', 'event', 'attempts', 'lastError'],
  },
  'webhook.secret.unreadable': {
    when: 'a webhook secret did not open under the current key (nothing is sent)',
    details: ['webhookId', 'deliveryId', 'event', 'attempts', 'lastError'],
  },
  'alert.fired': {
    when: 'an in-process alert fired',
    details: ['alert', 'severity', 'summary', 'observed', 'channels'],
  },
  'alert.delivery.failed': {
    when: 'an alert could not be delivered on a channel',
    details: ['alert', 'channel', 'reason'],
  },
  'audit.export': { when: '`bulwark log export` wrote entries', details: ['since', 'until', 'entries', 'to'] },
  'audit.retention.prune': {
    when: 'entries past `audit.retentionDays` were deleted',
    details: ['retentionDays', 'deleted', 'throughSeq'],
  },
  'audit.retention.refused': {
    when: 'pruning was refused (the chain did not verify)',
    details: ['retentionDays', 'deleted', 'reason'],
  },
  'keys.rotation.started': {
    when: '`bulwark keys rotate` made a new data key active, or resumed an unfinished rotation',
    details: ['keyId', 'retiredKeys', 'values', 'resumed'],
  },
  'keys.rotation.completed': {
    when: '`bulwark keys rotate` re-encrypted every value and deleted the retired data keys',
    details: ['keyId', 'reencrypted', 'changedMeanwhile', 'unreadable', 'keysDeleted', 'keysKept'],
  },
  'keys.rotation.incomplete': {
    when: '`bulwark keys rotate` ended with values that do not decrypt, keeping their retired keys',
    details: ['keyId', 'reencrypted', 'changedMeanwhile', 'unreadable', 'keysDeleted', 'keysKept'],
  },
  'keys.master.rotated': {
    when: '`bulwark keys rotate --master` wrapped the root secret under a new master key',
    details: ['version', 'keySource'],
  },
  'backup.created': {
    when: "`bulwark backup` or the server's schedule wrote an encrypted backup",
    details: ['file', 'bytes', 'keyMode', 'files', 'scheduled', 'deletedOld'],
  },
  'backup.failed': {
    when: "a backup could not be written (an error code only, never a tool's message)",
    details: ['file', 'reason', 'scheduled'],
  },
  'backup.restored': {
    when: '`bulwark restore` replaced the data with a verified backup',
    details: ['file', 'createdAt', 'keyMode'],
  },
} as const satisfies Record<string, AuditEventTypeInfo>;

/** An audit event type; free strings do not compile. */
export type AuditEventType = keyof typeof AUDIT_EVENT_TYPES;
