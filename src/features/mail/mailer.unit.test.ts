import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, type TestCertificate } from '../../../test/helpers/certificates.js';
import { type MailSink, type MailSinkOptions, startMailSink } from '../../../test/helpers/mail-sink.js';
import { MailError } from './errors.js';
import { createMailer, type Mailer, type MailerOptions } from './mailer.js';

const FROM = 'Bulwark <no-reply@bulwark.test>';
const SINK_USER = 'bulwark-mailer';
const SINK_PASS = 'Sink-P@ss w0rd!';
const WRONG_PASS = 'Wr0ng-P@ss-7f3a9c';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sink(options?: MailSinkOptions): Promise<MailSink> {
  const started = await startMailSink(options);
  cleanups.push(() => started.close());
  return started;
}

function mailer(options: Partial<MailerOptions> & Pick<MailerOptions, 'url'>): Mailer {
  const created = createMailer({ from: FROM, connectionTimeoutMs: 2_000, ...options });
  cleanups.push(() => created.close());
  return created;
}

function withCredentials(url: string, user: string, pass: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(pass);
  return parsed.href;
}

/**
 * A TCP server that accepts and, unless `onConnection` says otherwise, never speaks: counts
 * connections, and stands in for a hung SMTP server.
 */
async function silentServer(
  onConnection: (socket: Socket) => void = () => {},
): Promise<{ url: string; connections: () => number }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as { port: number };
  return { url: `smtp://127.0.0.1:${port}`, connections: () => connections };
}

/**
 * An SMTP server reduced to a script: greets, then hands each command line to `reply`. Message
 * lines (DATA up to ".") are skipped; `delivered()` tells whether a message got through.
 */
async function scriptedServer(
  reply: (command: string, socket: Socket) => void,
): Promise<{ url: string; delivered: () => boolean }> {
  let isDelivered = false;
  const server = await silentServer((socket) => {
    let buffered = '';
    let isInData = false;
    socket.write('220 scripted.test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n'); end !== -1; end = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (isInData) {
          if (line !== '.') continue;
          isInData = false;
          isDelivered = true;
          socket.write('250 queued\r\n');
          continue;
        }
        if (line.toUpperCase() === 'DATA') isInData = true;
        reply(line.toUpperCase(), socket);
      }
    });
  });
  return { url: server.url, delivered: () => isDelivered };
}

/** Accepts any mail transaction in cleartext. */
function acceptAnything(command: string, socket: Socket): void {
  if (command.startsWith('DATA')) socket.write('354 go ahead\r\n');
  else if (command.startsWith('QUIT')) socket.end('221 bye\r\n');
  else socket.write('250 ok\r\n');
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `smtp://127.0.0.1:${port}`;
}

async function sendError(send: Promise<void>): Promise<MailError> {
  const error = await send.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MailError);
  return error as MailError;
}

const message = { to: 'ada@example.test', subject: 'Reset your password', text: 'Open the link.' };

describe('createMailer delivery', () => {
  it('delivers a message over SMTP with its recipient, subject, text and html', async () => {
    const inbox = await sink();
    await mailer({ url: inbox.url }).send({ ...message, html: '<p>Open the link.</p>' });
    const received = await inbox.waitFor((mail) => mail.to.includes('ada@example.test'));
    expect(received.to).toEqual(['ada@example.test']);
    expect(received.subject).toBe('Reset your password');
    expect(received.text.trim()).toBe('Open the link.');
    expect(received.html).toContain('<p>Open the link.</p>');
    expect(received.from).toContain('no-reply@bulwark.test');
    expect(inbox.messages).toHaveLength(1);
  });

  it('verify() is true for a reachable SMTP server', async () => {
    const inbox = await sink();
    expect(await mailer({ url: inbox.url }).verify()).toBe(true);
  });
});

describe('createMailer refuses injection before connecting', () => {
  it.each([
    ['CRLF in to', { to: 'ada@example.test\r\nBcc: eve@evil.test' }, 'MAIL_HEADER_INJECTION'],
    ['LF in to', { to: 'ada@example.test\nBcc: eve@evil.test' }, 'MAIL_HEADER_INJECTION'],
    ['CRLF in subject', { subject: 'Hi\r\nBcc: eve@evil.test' }, 'MAIL_HEADER_INJECTION'],
    ['CR in subject', { subject: 'Hi\rBcc: eve@evil.test' }, 'MAIL_HEADER_INJECTION'],
    ['a second recipient', { to: 'ada@example.test, eve@evil.test' }, 'MAIL_RECIPIENT_INVALID'],
    ['a display name', { to: 'Ada <ada@example.test>' }, 'MAIL_RECIPIENT_INVALID'],
    ['a group', { to: 'all:ada@example.test,eve@evil.test;' }, 'MAIL_RECIPIENT_INVALID'],
  ])('%s is refused and nothing connects', async (_name, override, code) => {
    const server = await silentServer();
    const error = await sendError(
      mailer({ url: server.url, connectionTimeoutMs: 300 }).send({ ...message, ...override }),
    );
    expect(error.code).toBe(code);
    expect(server.connections()).toBe(0);
  });
});

describe('createMailer timeouts', () => {
  it('verify() is false for a closed port, within the timeout', async () => {
    const started = Date.now();
    expect(await mailer({ url: await closedPortUrl(), connectionTimeoutMs: 500 }).verify()).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('verify() and send() give up on a server that never greets, within the timeout', async () => {
    const server = await silentServer();
    const hungMailer = mailer({ url: server.url, connectionTimeoutMs: 500 });
    const started = Date.now();
    expect(await hungMailer.verify()).toBe(false);
    const error = await sendError(hungMailer.send(message));
    expect(error.code).toBe('MAIL_SEND_FAILED');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(server.connections()).toBe(2);
  });
  it('send() and verify() give up on a server that answers a byte at a time, after 3 × the timeout', {
    tags: ['slow'],
  }, async () => {
    const timers = new Set<NodeJS.Timeout>();
    cleanups.push(() => timers.forEach(clearInterval));
    const trickling = await scriptedServer((command, socket) => {
      if (!command.startsWith('EHLO')) return acceptAnything(command, socket);
      // A multi-line reply that never ends: every chunk resets the socket timeout.
      const timer = setInterval(() => socket.write('250-X\r\n'), 100);
      timers.add(timer);
      socket.on('close', () => clearInterval(timer));
    });
    const slowMailer = mailer({ url: trickling.url, connectionTimeoutMs: 400 });
    const started = Date.now();
    const error = await sendError(slowMailer.send(message));
    expect(error.code).toBe('MAIL_SEND_FAILED');
    expect(await slowMailer.verify()).toBe(false);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(trickling.delivered()).toBe(false);
  });
});

describe('createMailer authentication', () => {
  it('signs in with the credentials in the URL and delivers', async () => {
    const inbox = await sink({ requireAuth: { user: SINK_USER, pass: SINK_PASS } });
    const authed = mailer({ url: withCredentials(inbox.url, SINK_USER, SINK_PASS) });
    expect(await authed.verify()).toBe(true);
    await authed.send(message);
    expect((await inbox.waitFor(() => true)).subject).toBe(message.subject);
  });

  it('fails with wrong credentials, and the error never carries the password', async () => {
    const inbox = await sink({ requireAuth: { user: SINK_USER, pass: SINK_PASS } });
    const wrong = mailer({ url: withCredentials(inbox.url, SINK_USER, WRONG_PASS) });
    expect(await wrong.verify()).toBe(false);
    const error = await sendError(wrong.send(message));
    expect(error.code).toBe('MAIL_SEND_FAILED');
    expect(error.transportCode).toBe('EAUTH');
    const everything = [error.message, String(error.stack), JSON.stringify(error), String(error.cause)].join('\n');
    for (const secret of [WRONG_PASS, encodeURIComponent(WRONG_PASS), Buffer.from(WRONG_PASS).toString('base64')]) {
      expect(everything).not.toContain(secret);
    }
    expect(inbox.messages).toHaveLength(0);
  });

  it('fails without credentials when the server requires them', async () => {
    const inbox = await sink({ requireAuth: { user: SINK_USER, pass: SINK_PASS } });
    await sendError(mailer({ url: inbox.url }).send(message));
    expect(inbox.messages).toHaveLength(0);
  });
});

describe('createMailer TLS', () => {
  let certificateDir: string;
  let certificate: TestCertificate;
  beforeAll(() => {
    certificateDir = mkdtempSync(join(tmpdir(), 'bulwark-mail-'));
    certificate = createSelfSignedCertificate(certificateDir, 'smtp');
  });
  afterAll(() => rmSync(certificateDir, { recursive: true, force: true }));

  it('upgrades with STARTTLS when offered and refuses an untrusted certificate by default', async () => {
    const inbox = await sink({ startTls: { key: certificate.key, cert: certificate.cert } });
    const error = await sendError(mailer({ url: inbox.url }).send(message));
    expect(error.reason).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(error.message).toContain('TLS');
    expect(inbox.messages).toHaveLength(0);
  });

  it('delivers inside STARTTLS when certificate checks are turned off explicitly', async () => {
    const inbox = await sink({ startTls: { key: certificate.key, cert: certificate.cert } });
    await mailer({ url: inbox.url, tlsRejectUnauthorized: false }).send(message);
    expect((await inbox.waitFor(() => true)).isTls).toBe(true);
  });

  it('never falls back to cleartext when the server offers STARTTLS and then refuses it', async () => {
    const refusing = await scriptedServer((command, socket) => {
      if (command.startsWith('EHLO')) socket.write('250-scripted.test\r\n250 STARTTLS\r\n');
      else if (command.startsWith('STARTTLS')) socket.write('454 4.7.0 TLS not available\r\n');
      else acceptAnything(command, socket);
    });
    const error = await sendError(mailer({ url: refusing.url }).send(message));
    expect(error.code).toBe('MAIL_SEND_FAILED');
    expect(refusing.delivered()).toBe(false);
  });

  it('with requireTls, refuses a server that does not offer STARTTLS', async () => {
    const inbox = await sink();
    const error = await sendError(mailer({ url: inbox.url, requireTls: true }).send(message));
    expect(error.transportCode).toBe('ETLS');
    expect(inbox.messages).toHaveLength(0);
  });
});

describe('createMailer configuration', () => {
  it.each([
    ['an http URL', 'http://mail.example.test'],
    ['options in the query string', 'smtp://mail.example.test?tls.rejectUnauthorized=false'],
    ['a path', 'smtp://mail.example.test/inbox'],
    ['an unparsable URL', 'smtp://user:Hunter2-secret@mail example.test'],
    ['an ftp URL with credentials', 'ftp://user:Hunter2-secret@mail.example.test'],
  ])('refuses %s without echoing the credentials', (_name, url) => {
    let thrown: unknown;
    try {
      createMailer({ url, from: FROM });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MailError);
    expect((thrown as MailError).code).toBe('MAIL_CONFIG_INVALID');
    expect(`${(thrown as MailError).message} ${JSON.stringify(thrown)}`).not.toContain('Hunter2-secret');
  });

  it('refuses a sender with a line break', () => {
    expect(() => createMailer({ url: 'smtp://127.0.0.1:25', from: 'a@b.test\r\nBcc: eve@evil.test' })).toThrow(
      MailError,
    );
  });
});
