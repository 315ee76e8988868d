import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';

export interface MailSinkOptions {
  /** Implicit TLS is not offered: the sink speaks plain SMTP (optionally upgraded, see `startTls`). */
  secure?: false;
  /** Accept mail without AUTH. Default: true, or false when `requireAuth` is set. */
  authOptional?: boolean;
  /** Accept AUTH only with exactly these credentials (otherwise any credentials pass). */
  requireAuth?: { user: string; pass: string };
  /**
   * Offer STARTTLS (default false) with this key and certificate (e.g. from
   * `createSelfSignedCertificate`), or with `true` smtp-server's built-in one, whose private
   * key is public and which has expired. A client that verifies certificates refuses either.
   */
  startTls?: boolean | { key: string | Buffer; cert: string | Buffer };
  /**
   * Accept only this many messages; every later one is refused after DATA with a permanent
   * 554, as a server that runs out of quota part-way does. Default: accept every message.
   */
  acceptOnly?: number;
}

export interface ReceivedMail {
  /** The `From` header as text (`Name <address>`), or the envelope sender when there is none. */
  from: string;
  /** Envelope recipients (RCPT TO): who the message was actually delivered to. */
  to: string[];
  subject: string;
  text: string;
  /** Empty when the message has no HTML part. */
  html: string;
  /** The message exactly as received after DATA, headers included. */
  raw: string;
  /** True when the session was upgraded with STARTTLS before the message was sent. */
  isTls: boolean;
}

export interface MailSink {
  /** `smtp://127.0.0.1:PORT`, without credentials. */
  url: string;
  /** Every message received so far, oldest first. */
  messages: ReceivedMail[];
  /** The first message (already received or still to come) matching `predicate`; rejects after `timeoutMs`. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

const DEFAULT_WAIT_MS = 5_000;
/** Bulwark's mails are a few kilobytes; anything near this is a bug worth a failed test. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * A real SMTP server on 127.0.0.1 (port 0) that keeps every message it receives, for tests.
 * It logs nothing, skips reverse DNS, and allows AUTH without TLS: acceptable on loopback only.
 */
export async function startMailSink(options: MailSinkOptions = {}): Promise<MailSink> {
  const inbox = new Inbox();
  let accepted = 0;
  const server = new SMTPServer({
    secure: false,
    name: 'mail-sink.test',
    logger: false,
    disableReverseLookup: true,
    allowInsecureAuth: true,
    authOptional: options.authOptional ?? options.requireAuth === undefined,
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: options.startTls === undefined || options.startTls === false ? ['STARTTLS'] : [],
    ...(typeof options.startTls === 'object' ? { key: options.startTls.key, cert: options.startTls.cert } : {}),
    size: MAX_MESSAGE_BYTES,
    onAuth: (auth, _session, callback) => checkAuth(auth, options.requireAuth, callback),
    onData: (stream, session, callback) => {
      readMail(stream, session).then((mail) => {
        if (options.acceptOnly !== undefined && accepted >= options.acceptOnly) {
          callback(Object.assign(new Error('Message refused: quota exceeded'), { responseCode: 554 }));
          return;
        }
        accepted += 1;
        inbox.add(mail);
        callback();
      }, callback);
    },
  });
  // Clients that drop the connection surface as 'error' events; a test sink has nothing to say about them.
  server.on('error', () => {});
  const port = await listen(server);
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages: inbox.messages,
    waitFor: (predicate, timeoutMs = DEFAULT_WAIT_MS) => inbox.waitFor(predicate, timeoutMs),
    close: () =>
      new Promise<void>((resolve) => {
        inbox.rejectWaiting(new Error('mail sink closed'));
        server.close(() => resolve());
      }),
  };
}

interface Waiter {
  predicate: (mail: ReceivedMail) => boolean;
  resolve: (mail: ReceivedMail) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Received messages plus the callers waiting for one. */
class Inbox {
  readonly messages: ReceivedMail[] = [];
  private readonly waiters = new Set<Waiter>();

  add(mail: ReceivedMail): void {
    this.messages.push(mail);
    for (const waiter of this.waiters) {
      if (!waiter.predicate(mail)) continue;
      this.settle(waiter);
      waiter.resolve(mail);
    }
  }

  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs: number): Promise<ReceivedMail> {
    const found = this.messages.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.settle(waiter);
          reject(new Error(`mail sink: no matching message within ${timeoutMs} ms (${this.messages.length} received)`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  rejectWaiting(error: Error): void {
    for (const waiter of this.waiters) {
      this.settle(waiter);
      waiter.reject(error);
    }
  }

  private settle(waiter: Waiter): void {
    this.waiters.delete(waiter);
    clearTimeout(waiter.timer);
  }
}

function checkAuth(
  auth: SMTPServerAuthentication,
  required: MailSinkOptions['requireAuth'],
  callback: (error: Error | null | undefined, response?: { user: string }) => void,
): void {
  const user = auth.username ?? '';
  if (required !== undefined && (user !== required.user || auth.password !== required.pass)) {
    callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    return;
  }
  callback(null, { user });
}

async function readMail(stream: Readable, session: SMTPServerSession): Promise<ReceivedMail> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const parsed = await simpleParser(raw);
  const envelopeFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
  return {
    from: parsed.from?.text ?? envelopeFrom,
    to: session.envelope.rcptTo.map((recipient) => recipient.address),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: parsed.html === false || parsed.html === undefined ? '' : parsed.html,
    raw: raw.toString('utf8'),
    isTls: session.secure,
  };
}

function listen(server: SMTPServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
}
