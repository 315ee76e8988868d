// The image's HEALTHCHECK (the distroless base has no shell and no curl): asks the server's
// liveness route on loopback and exits 0 on a 200, 1 on anything else.
//
// The server speaks HTTPS when TLS is configured (env or config file) and plain HTTP otherwise;
// rather than re-reading its configuration, this tries plain HTTP first, and when the server
// drops the connection (a TLS listener does, on a plain request) asks again over HTTPS.
// The certificate is not verified on that loopback request: it names the public host, not
// 127.0.0.1, and the request sends nothing secret and trusts nothing in the answer but its status.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const TIMEOUT_MS = 4000;
const port = Number(process.env.BULWARK_PORT ?? process.env.BULWARK_SERVER_PORT ?? 8090);
const options = { host: '127.0.0.1', port, path: '/api/health', timeout: TIMEOUT_MS };

/** Resolves with the status, or with the error when no answer came. */
function ask(request, extra) {
  return new Promise((resolve) => {
    const req = request({ ...options, ...extra }, (response) => {
      response.resume();
      resolve({ status: response.statusCode });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', (error) => resolve({ error }));
    req.end();
  });
}

let answer = await ask(httpRequest, {});
if (answer.error && ['ECONNRESET', 'EPIPE'].includes(answer.error.code)) {
  answer = await ask(httpsRequest, { rejectUnauthorized: false });
}
if (answer.status === 200) process.exit(0);
console.error(`bulwark health check: ${answer.error ? answer.error.message : `status ${answer.status}`}`);
process.exit(1);
