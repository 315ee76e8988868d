import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { attemptOutcome, retryDelayMs } from './retry-schedule.js';
import { isSubscribed, unknownEventProblems, webhookEventForAudit } from './webhook-events.js';
import { createSecretBox, generateWebhookSecret, secretKeyBytes } from './webhook-secret.js';
import { signDelivery, WEBHOOK_USER_AGENT } from './webhook-signer.js';

describe('webhook signer (Standard Webhooks)', () => {
  it('matches the Standard Webhooks reference vector', () => {
    // From the Standard Webhooks specification's reference libraries (test vector).
    const keyBytes = secretKeyBytes('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(keyBytes).not.toBeNull();
    const headers = signDelivery({
      keyBytes: keyBytes as Buffer,
      messageId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestampSeconds: 1614265330,
      body: '{"test": 2432232314}',
    });
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    expect(headers['webhook-id']).toBe('msg_p5jXN8AQM9LWM0D4loKWxJek');
    expect(headers['webhook-timestamp']).toBe('1614265330');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['user-agent']).toBe(WEBHOOK_USER_AGENT);
    expect(WEBHOOK_USER_AGENT).not.toMatch(/\d/);
  });

  it('signs with the decoded key bytes, not the secret text', () => {
    const secret = generateWebhookSecret();
    const keyBytes = secretKeyBytes(secret) as Buffer;
    const signature = signDelivery({ keyBytes, messageId: 'msg_1', timestampSeconds: 5, body: '{}' })[
      'webhook-signature'
    ];
    const expected = createHmac('sha256', keyBytes).update('msg_1.5.{}').digest('base64');
    expect(signature).toBe(`v1,${expected}`);
  });
});

describe('webhook secrets', () => {
  it('generates whsec_ secrets of 32 random bytes', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(secretKeyBytes(a)?.length).toBe(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });

  it.each([
    ['no prefix', randomBytes(32).toString('base64')],
    ['too short', `whsec_${randomBytes(23).toString('base64')}`],
    ['too long', `whsec_${randomBytes(65).toString('base64')}`],
    ['not base64', 'whsec_!!!!not-base64-at-all-but-long-enough-to-pass!!'],
    ['stray characters', `whsec_${randomBytes(32).toString('base64')}*`],
    ['empty', 'whsec_'],
  ])('refuses a secret that is %s', (_label, secret) => {
    expect(secretKeyBytes(secret)).toBeNull();
  });

  it('seals secrets bound to their webhook: tampered or moved ones do not open', () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.seal('hook-1', 'whsec_abc');
    expect(sealed).not.toContain('whsec_abc');
    expect(box.open('hook-1', sealed)).toBe('whsec_abc');
    expect(box.open('hook-2', sealed)).toBeNull();
    const bytes = Buffer.from(sealed, 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(box.open('hook-1', bytes.toString('base64'))).toBeNull();
    expect(createSecretBox(randomBytes(32)).open('hook-1', sealed)).toBeNull();
  });
});

describe('webhook events', () => {
  it('accepts known names and family patterns, names each unknown one', () => {
    expect(unknownEventProblems(['record.created', 'user.*', 'record.*', 'user.deleted'])).toEqual([]);
    const problems = unknownEventProblems(['record.created', 'record.exploded', '*', 'files.*', 'toString']);
    expect(problems.map((p) => p.field)).toEqual(['events[1]', 'events[2]', 'events[3]', 'events[4]']);
    expect(problems[0]?.message).toContain('record.exploded');
  });

  it('matches exact names and their family only', () => {
    expect(isSubscribed(['record.*'], 'record.deleted')).toBe(true);
    expect(isSubscribed(['record.created'], 'record.updated')).toBe(false);
    expect(isSubscribed(['user.*'], 'record.created')).toBe(false);
    expect(isSubscribed(['record.*', 'user.*'], 'webhook.test')).toBe(false);
  });

  it('turns the auth audit events into user events, a sign-in only once it is complete', () => {
    expect(webhookEventForAudit({ type: 'auth.register', actor: 'u1' })).toEqual({
      event: 'user.registered',
      data: { user: { id: 'u1' } },
    });
    expect(webhookEventForAudit({ type: 'auth.login.success', actor: 'u1', details: { stage: 'mfa' } })).toBeNull();
    expect(webhookEventForAudit({ type: 'auth.login.success', actor: 'u1', details: { stage: 'full' } })?.event).toBe(
      'user.signed_in',
    );
    expect(webhookEventForAudit({ type: 'auth.password.reset', actor: 'u1' })?.event).toBe('user.password_changed');
    expect(
      webhookEventForAudit({ type: 'admin.user.delete', actor: 'admin', details: { userId: 'u2', email: 'x@y.z' } }),
    ).toEqual({ event: 'user.deleted', data: { user: { id: 'u2' } } });
    expect(webhookEventForAudit({ type: 'auth.login.failure', actor: 'u1' })).toBeNull();
  });
});

describe('retry schedule', () => {
  const policy = { retryBaseMs: 1000, retryMaxMs: 60_000 };
  it('doubles the ceiling per attempt up to the cap, with full jitter below it', () => {
    expect(retryDelayMs(1, policy, () => 0.999_999)).toBe(999);
    expect(retryDelayMs(2, policy, () => 0.999_999)).toBe(1999);
    expect(retryDelayMs(4, policy, () => 0.5)).toBe(4000);
    expect(retryDelayMs(30, policy, () => 0.999_999)).toBe(59_999);
    expect(retryDelayMs(1000, policy, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(3, policy, () => 0)).toBe(0);
  });
});

describe('attempt outcome', () => {
  const policy = { maxAttempts: 3, retryBaseMs: 1000, retryMaxMs: 60_000 };
  const at = (attemptsBefore: number, result: Parameters<typeof attemptOutcome>[0]['result']) =>
    attemptOutcome({ attemptsBefore, result, latencyMs: 7, nowMs: 10_000 }, policy, () => 0.5);

  it('finishes on 2xx, retries other failures with backoff, gives up after the last attempt', () => {
    expect(at(0, { httpStatus: 204, error: null, isRefused: false })).toMatchObject({
      status: 'succeeded',
      latencyMs: 7,
    });
    expect(at(0, { httpStatus: 503, error: 'http-503', isRefused: false })).toMatchObject({
      status: 'pending',
      nextAttemptMs: 10_500,
      httpStatus: 503,
    });
    expect(at(1, { httpStatus: null, error: 'timeout', isRefused: false })).toMatchObject({
      status: 'pending',
      nextAttemptMs: 11_000,
    });
    expect(at(2, { httpStatus: null, error: 'network', isRefused: false }).status).toBe('dead');
  });

  it('does not retry what the outbound policy refused', () => {
    expect(at(0, { httpStatus: null, error: 'refused:address', isRefused: true })).toMatchObject({
      status: 'failed',
      error: 'refused:address',
    });
  });
});
