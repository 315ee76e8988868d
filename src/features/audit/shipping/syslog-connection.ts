import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** Where and how to reach one receiver; files already read (at start, so a missing one refuses early). */
export interface SyslogTarget {
  /** `syslog+tls://host:port` or `tcp://host:port` (loopback only, enforced by the config check). */
  url: string;
  host: string;
  port: number;
  isTls: boolean;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface SyslogConnection {
  /** Resolves once the bytes are handed to the operating system (the socket's write callback). */
  write: (frame: string) => Promise<void>;
  /** False once the receiver closed, reset or failed the connection. */
  isOpen: () => boolean;
  /** Why it is not open, for the log. */
  failure: () => string | null;
  destroy: () => void;
  /** Ends the connection after what was written is flushed. */
  end: () => Promise<void>;
}

/** A receiver that accepts the TCP connection but never finishes the handshake must not hold the shipper. */
const CONNECT_TIMEOUT_MS = 10_000;

/** Parses `syslog+tls://host:port` / `tcp://host:port` (validated by the config schema). */
export function parseSyslogUrl(url: string): Pick<SyslogTarget, 'url' | 'host' | 'port' | 'isTls'> {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { url, host, port: Number(parsed.port), isTls: parsed.protocol === 'syslog+tls:' };
}

/**
 * Opens a connection to the receiver: TLS 1.2 or later with the certificate verified against
 * `ca` (or the system's CAs) and the host name, or plain TCP on loopback. The receiver sends
 * nothing back (RFC 5425 has no acknowledgements), so any data, end or error from it means the
 * connection is no longer usable; the shipper checks that before every batch.
 */
export function openSyslogConnection(target: SyslogTarget): Promise<SyslogConnection> {
  return new Promise((resolve, reject) => {
    const socket: Socket = target.isTls
      ? tlsConnect({
          host: target.host,
          port: target.port,
          minVersion: 'TLSv1.2',
          ...(isIP(target.host) ? {} : { servername: target.host }),
          ...(target.ca ? { ca: target.ca } : {}),
          ...(target.cert && target.key ? { cert: target.cert, key: target.key } : {}),
        })
      : tcpConnect({ host: target.host, port: target.port });
    let failure: string | null = null;
    let isConnected = false;
    const fail = (reason: string) => {
      failure ??= reason;
      socket.destroy();
    };
    const timer = setTimeout(() => fail(`no connection within ${CONNECT_TIMEOUT_MS} ms`), CONNECT_TIMEOUT_MS);
    socket.on('error', (error) => fail(error.message));
    socket.on('data', () => fail('the receiver sent data'));
    socket.on('end', () => fail('the receiver closed the connection'));
    socket.on('close', () => {
      clearTimeout(timer);
      failure ??= 'connection closed';
      if (!isConnected) reject(new Error(failure));
    });
    socket.once(target.isTls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      isConnected = true;
      socket.setNoDelay(true);
      resolve({
        write: (frame) =>
          new Promise((done, refuse) => {
            if (failure !== null) return refuse(new Error(failure));
            socket.write(frame, 'utf8', (error) => (error ? refuse(error) : done()));
          }),
        isOpen: () => failure === null && !socket.destroyed,
        failure: () => failure,
        destroy: () => fail('closed by the shipper'),
        end: () =>
          new Promise((done) => {
            if (socket.destroyed) return done();
            socket.once('close', () => done());
            socket.end();
          }),
      });
    });
  });
}
