import { randomUUID } from 'node:crypto';
import { createServer as createPlainServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as TlsServer } from 'node:tls';
import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { FrozenConfig } from '../config/index.js';
import { appError } from '../errors/index.js';
import { createCidrMatcher } from '../lib/net/cidr.js';
import { registerClientAddress } from './client-address.js';
import { createClientErrorHandler } from './client-error.js';
import { capConnectionsPerAddress } from './connection-cap.js';
import type { HttpApp } from './http-app.js';
import { registerJsonBodyParser } from './json-body.js';
import { redactUrl } from './logger.js';
import { trackRouteMethods } from './method-not-allowed.js';
import { type HttpMetricsSink, registerHttpMetrics } from './metrics-hooks.js';
import { registerNulGuard } from './nul-guard.js';
import { registerOpenApi } from './openapi.js';
import { handleError, sendProblem, toAppError } from './problem.js';
import { registerStrictQueryValues } from './query-values.js';
import { HSTS_VALUE, securityHeaders } from './security-headers.js';
import { readTlsOptions, watchTlsFiles } from './tls.js';

export type { HttpApp } from './http-app.js';

/** Security-relevant events the pipeline reports; app/ wires them to the audit log. */
export interface HttpSecurityEvent {
  type: 'tls.reload' | 'tls.reload.failure';
  details: Record<string, unknown>;
}

export interface HttpServerOptions {
  config: FrozenConfig;
  logger: Logger;
  version: string;
  onSecurityEvent?: (event: HttpSecurityEvent) => void;
  /** Told of every answer and of the refusals with their own series (GET /metrics). */
  metrics?: HttpMetricsSink;
  /** How often certificate files are polled for changes. */
  tlsWatchIntervalMs?: number;
}

const TIMEOUT_CHECK_INTERVAL_MS = 1000;
/** Seconds an overloaded server asks clients to wait. */
const OVERLOAD_RETRY_AFTER_SECONDS = 5;
/** Seconds a client should wait before retrying while the server is shutting down. */
const CLOSING_RETRY_AFTER_SECONDS = 5;

/**
 * Builds the Fastify instance with the whole security pipeline in place. Features add their
 * routes afterwards; every route, and every 404, 405, 413 and 500, goes through the same hooks.
 */
/**
 * @fastify/under-pressure reports an event-loop delay of Infinity when a whole sampling
 * interval went by without one sample (the loop was busy compiling routes at start-up, say).
 * That is "not measured", not overload: the next interval has real samples, so serve now
 * rather than refuse the first requests after every start.
 */
export function isMeasuredOverload(type: string, value: number | undefined): boolean {
  return !(type === 'eventLoopDelay' && value === Number.POSITIVE_INFINITY);
}

export async function createHttpServer(options: HttpServerOptions): Promise<HttpApp> {
  const { config, logger } = options;
  const isTls = Boolean(config.tls.cert && config.tls.key);
  const headers = securityHeaders(isTls);
  const hstsBehindProxy = !isTls && config.server.trustedProxies.length > 0;
  let isClosing = false;
  let stopWatchingTls = () => {};

  /** Security headers and the request id, on hooked answers and on those that skip the hooks. */
  const applyPipelineHeaders = (request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(headers).header('x-request-id', request.id);
    // Behind a TLS-terminating proxy, HSTS goes out when that (trusted) proxy says the client
    // used HTTPS; Fastify reads X-Forwarded-Proto from trusted peers only.
    if (hstsBehindProxy && request.protocol === 'https') reply.header('strict-transport-security', HSTS_VALUE);
  };

  const fastify = Fastify({
    loggerInstance: logger,
    genReqId: () => randomUUID(),
    // An incoming X-Request-Id is not trusted: ids must be unique and safe to log.
    requestIdHeader: false,
    // One line per request, written by our onResponse hook with redacted values.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: config.server.bodyLimitBytes,
    // Path parameters carry ids up to WebAuthn's 1,023-byte credential ids (base64url).
    routerOptions: { maxParamLength: 2048 },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: false,
    // The TLS server itself comes from serverFactory; this only makes Fastify's URLs say https.
    ...(isTls ? { https: true as never } : {}),
    forceCloseConnections: 'idle',
    trustProxy: config.server.trustedProxies.length > 0 ? [...config.server.trustedProxies] : false,
    clientErrorHandler: createClientErrorHandler(isTls, (info) => logger.info(info, 'client error')),
    // Requests that fail before routing (a bad percent-encoding, an over-long path parameter)
    // get the same headers, request id and problem+json as every other answer.
    frameworkErrors: (error, request, reply) => {
      applyPipelineHeaders(request, reply);
      const refusal = toAppError(error);
      request.log.info({ method: request.method, url: redactUrl(request.url), code: refusal.code }, 'request refused');
      sendProblem(reply, refusal);
    },
    ajv: {
      customOptions: {
        removeAdditional: false,
        // No coercion anywhere: it turned a JSON `null` rule ("administrators only") into `""`
        // ("anyone") and `["a@b.c"]` into an email. Query and path values are converted
        // strictly from their schemas instead (query-values.ts).
        coerceTypes: false,
        // The first error only: with every error collected, 80,000 unknown keys or 20,000 bad
        // array items made as many error objects, and a 6 MB answer, from one 1 MiB body.
        allErrors: false,
        useDefaults: true,
      },
    },
    serverFactory: (handler) => {
      // Node checks header and request timeouts on this interval (30 s by default); check every
      // second so slow clients are cut off close to the configured limits.
      // Node refuses an HTTP/1.1 request without Host itself, with a bare 400 outside the
      // pipeline (no security headers, no request id); the onRequest hook refuses it instead.
      const httpOptions = { connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS, requireHostHeader: false };
      const server = isTls
        ? createHttpsServer(
            { ...httpOptions, ...readTlsOptions({ cert: config.tls.cert as string, key: config.tls.key as string }) },
            handler,
          )
        : createPlainServer(httpOptions, handler);
      // Node answers an unknown `Expect` with its own bare 417, outside the pipeline; HTTP lets a
      // server ignore expectations it does not know (RFC 9110 §10.1.1), so serve the request.
      server.on('checkExpectation', handler);
      server.headersTimeout = config.server.headersTimeoutMs;
      server.requestTimeout = config.server.requestTimeoutMs;
      server.keepAliveTimeout = config.server.keepAliveTimeoutMs;
      // A socket silent this long mid-request (a stalled body) is destroyed.
      server.timeout = config.server.bodyIdleTimeoutMs;
      const isTrustedProxy = createCidrMatcher(config.server.trustedProxies);
      const isAllowListed = createCidrMatcher(config.abuse.allowList);
      capConnectionsPerAddress(server, config.abuse, (ip) => isTrustedProxy(ip) || isAllowListed(ip));
      if (isTls) {
        stopWatchingTls = watchTlsFiles(
          server as unknown as TlsServer,
          { cert: config.tls.cert as string, key: config.tls.key as string },
          (event) => {
            const type = event.reloaded ? 'tls.reload' : 'tls.reload.failure';
            logger[event.reloaded ? 'info' : 'warn']({ error: event.error }, type);
            options.onSecurityEvent?.({ type, details: event.error ? { error: event.error } : {} });
          },
          options.tlsWatchIntervalMs,
        );
      }
      return server;
    },
  }) as unknown as FastifyInstance;
  // Handlers take request types from their TypeBox schemas (http-app.ts); Ajv still validates.
  const app: HttpApp = fastify.withTypeProvider<TypeBoxTypeProvider>();

  const allowedMethods = trackRouteMethods(app);
  registerClientAddress(app, config.abuse.ipv6PrefixLength);
  registerStrictQueryValues(app);
  registerNulGuard(app);
  if (options.metrics) registerHttpMetrics(app, options.metrics);

  // Hooks on the hot path are callback-style: cheaper than async ones in Fastify.
  app.addHook('onRequest', (request, reply, done) => {
    applyPipelineHeaders(request, reply);
    if (isMissingRequiredHost(request)) {
      return done(appError('HTTP_BAD_HOST', { detail: 'An HTTP/1.1 request needs a Host header (RFC 9112 §3.2).' }));
    }
    if (!isClosing) return done();
    done(
      appError('HTTP_UNAVAILABLE', {
        detail: 'The server is shutting down.',
        expose: true,
        headers: { 'retry-after': String(CLOSING_RETRY_AFTER_SECONDS), connection: 'close' },
      }),
    );
  });
  // Requests already in flight at shutdown are answered, then their connection is closed
  // so that draining does not wait for keep-alive timeouts.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (isClosing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        url: redactUrl(request.url),
        ip: request.client.address,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
    done();
  });
  app.addHook('preClose', async () => {
    isClosing = true;
    stopWatchingTls();
  });

  registerJsonBodyParser(app, config.server.bodyLimitBytes);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(async (request, reply) => {
    const allow = allowedMethods(request.url);
    if (allow.length > 0) {
      return sendProblem(reply, appError('HTTP_METHOD_NOT_ALLOWED', { headers: { allow: allow.join(', ') } }));
    }
    return sendProblem(reply, appError('HTTP_NOT_FOUND'));
  });

  if (config.cors.origins.length > 0) {
    await app.register(cors, {
      origin: config.cors.origins.includes('*') ? '*' : [...config.cors.origins],
      credentials: config.cors.credentials,
      maxAge: config.cors.maxAgeSeconds,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Content-Type', 'Authorization', 'X-CSRF-Token'],
      exposedHeaders: ['X-Request-Id', 'Retry-After'],
      strictPreflight: true,
    });
  }
  // Load shedding: past the event-loop delay limit, new requests get 503 instead of queueing
  // until everything times out.
  await app.register(underPressure, {
    maxEventLoopDelay: config.abuse.maxEventLoopDelayMs,
    pressureHandler: (_request, _reply, type, value) => {
      if (!isMeasuredOverload(type, value)) return undefined;
      options.metrics?.observeRefusal({ kind: 'load_shed' });
      return Promise.reject(
        appError('HTTP_UNAVAILABLE', {
          detail: 'The server is overloaded; retry shortly.',
          expose: true,
          headers: { 'retry-after': String(OVERLOAD_RETRY_AFTER_SECONDS) },
        }),
      );
    },
  });
  await registerOpenApi(app, options.version);
  return app;
}

/** RFC 9112 §3.2: an HTTP/1.1 request without a Host header is refused with 400. */
function isMissingRequiredHost(request: FastifyRequest): boolean {
  return request.raw.httpVersion === '1.1' && request.headers.host === undefined;
}
