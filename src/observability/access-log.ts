import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { RequestMethod } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { redactUrl } from './redact-url';

/** Secrets that must never reach a log line, wherever they appear in what is logged. */
export const REDACTED_PATHS = [
  'credentials',
  '*.credentials',
  'clientSecret',
  '*.clientSecret',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'token',
  '*.token',
];

/** What a handler leaves on the request for its access-log line. */
export interface AccessLogFacts {
  eventId?: string;
  outcome?: string;
  syncs?: number;
}

// Behind Fastify's middleware engine `url` is relative to the mount point; `originalUrl` is the request's own.
type LoggedRequest = IncomingMessage & { id?: unknown; originalUrl?: string } & AccessLogFacts;

/**
 * The access log: one line per request, naming the request but never its headers or body. Headers carry the
 * admin token and webhook signatures (under names an operator may configure), so leaving them out is safer than
 * listing them for redaction, and it is most of the per-request logging cost under load. A webhook's line also
 * says which event it was and what became of it, so intake needs no line of its own.
 */
export function accessLogOptions(level: string): PinoHttpOptions {
  return {
    level,
    base: { pid: process.pid, hostname: hostname(), service: 'debrief' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    wrapSerializers: false,
    serializers: {
      req: (req: LoggedRequest) => requestSummary(req, req.id),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => isProbe(urlOf(req as LoggedRequest)) },
    customSuccessObject: (req, _res, value) => withFacts(req as LoggedRequest, value),
    customErrorObject: (req, _res, _err, value) => withFacts(req as LoggedRequest, value),
  };
}

const urlOf = (req: LoggedRequest): string => req.originalUrl ?? req.url ?? '';

/** What a line says of the request it is about: never its headers (but the user agent) nor its body. */
const requestSummary = (req: LoggedRequest, id: unknown) => ({
  id,
  method: req.method,
  url: redactUrl(urlOf(req)),
  remoteAddress: req.socket?.remoteAddress,
  userAgent: req.headers?.['user-agent'],
});
// Health checks and scrapes come every few seconds and say nothing about the integration's work.
const isProbe = (url: string): boolean => url.startsWith('/health') || url === '/metrics';

function withFacts(req: LoggedRequest, value: Record<string, unknown>): Record<string, unknown> {
  if (req.eventId === undefined) return value;
  return { ...value, eventId: req.eventId, ...(req.outcome !== undefined ? { outcome: req.outcome, syncs: req.syncs } : {}) };
}

/**
 * The webhook route, the one that takes load, is logged by a Fastify hook instead of the request-logging
 * middleware (pino-http behind Fastify's middleware engine), which cost about a tenth of intake's CPU per
 * request: a child logger per request and a pass through the middleware engine. The line is the same as every
 * other route's. Code running for a webhook logs through the root logger, naming the event itself.
 */
export const HOOK_LOGGED_ROUTES = [{ path: 'webhooks/meetings', method: RequestMethod.POST }];
const HOOK_LOGGED_URLS = new Set(HOOK_LOGGED_ROUTES.map((r) => `/${r.path}`));

export function logHookRoutes(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    if (HOOK_LOGGED_URLS.has(request.routeOptions.url ?? '')) {
      const raw = request.raw as LoggedRequest;
      const line = {
        req: requestSummary(raw, request.id),
        res: { statusCode: reply.statusCode },
        responseTime: Math.round(reply.elapsedTime),
      };
      const log = PinoLogger.root;
      if (reply.statusCode >= 500) log.error(withFacts(raw, line), 'request errored');
      else log.info(withFacts(raw, line), 'request completed');
    }
    done();
  });
}
