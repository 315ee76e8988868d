import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { appError, ERROR_CODES, type HttpErrorCode } from '../errors/index.js';
import { buildProblem } from './problem.js';
import { securityHeaderLines } from './security-headers.js';

/**
 * Node's HTTP parser rejects some requests before Fastify sees them (bad syntax, oversized
 * headers, slow headers). Answer those with the same headers and problem+json as every other
 * error, then close the connection.
 */
export function createClientErrorHandler(isTls: boolean, log: (info: object) => void) {
  const securityLines = securityHeaderLines(isTls);
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const code: HttpErrorCode =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'HTTP_REQUEST_TIMEOUT'
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? 'HTTP_HEADERS_TOO_LARGE'
          : 'HTTP_BAD_REQUEST';
    const status = ERROR_CODES[code].status;
    const requestId = randomUUID();
    log({ requestId, code, reason: error.code });
    const body = JSON.stringify(buildProblem(appError(code), requestId));
    const head =
      `${securityLines}content-type: application/problem+json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nconnection: close\r\n`;
    // A HEAD answer has no body (RFC 9110 §9.3.2); a client reading one takes it for the next answer.
    const content = isHeadRequest(error) ? '' : body;
    if (socket.writable) socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${content}`);
    else socket.destroy();
  };
}

/** Node hands over the bytes of the request it could not parse; the method is their first word. */
function isHeadRequest(error: NodeJS.ErrnoException & { rawPacket?: Buffer }): boolean {
  return error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
}
