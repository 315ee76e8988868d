import { clip } from './finding.js';
import { basePath, report, type ScanContext } from './scan-context.js';

const RISKY_METHODS = ['TRACE', 'CONNECT', 'PUT', 'DELETE'];

/**
 * TRACE echoing the request (cross-site tracing reads headers a script cannot, such as cookies)
 * and methods the base path says it allows.
 */
export async function checkMethods(context: ScanContext): Promise<void> {
  const path = basePath(context);
  const echoHeader = `trace-${context.marker}`;
  const trace = await context.client.send({ method: 'TRACE', path, headers: { 'x-bulwark-scan': echoHeader } });
  if (trace?.status === 200 && trace.text.includes(echoHeader)) {
    report(context, 'http-trace-enabled', trace.url, '200 to TRACE, body echoes the request headers');
  }
  const options = await context.client.send({ method: 'OPTIONS', path });
  const allow = [options?.headers.allow ?? ''].flat().join(', ');
  const risky = allow
    .split(',')
    .map((method) => method.trim().toUpperCase())
    .filter((method) => RISKY_METHODS.includes(method));
  if (options && options.status < 400 && risky.length > 0) {
    report(context, 'http-methods-risky', options.url, `Allow: ${clip(allow, 80)}`);
  }
}
