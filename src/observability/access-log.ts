import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { Options as PinoHttpOptions } from 'pino-http';

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
      req: (req: LoggedRequest) => ({
        id: req.id,
        method: req.method,
        url: urlOf(req),
        remoteAddress: req.socket?.remoteAddress,
        userAgent: req.headers?.['user-agent'],
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => isProbe(urlOf(req as LoggedRequest)) },
    customSuccessObject: (req, _res, value) => withFacts(req as LoggedRequest, value),
    customErrorObject: (req, _res, _err, value) => withFacts(req as LoggedRequest, value),
  };
}

const urlOf = (req: LoggedRequest): string => req.originalUrl ?? req.url ?? '';
// Health checks and scrapes come every few seconds and say nothing about the integration's work.
const isProbe = (url: string): boolean => url.startsWith('/health') || url === '/metrics';

function withFacts(req: LoggedRequest, value: Record<string, unknown>): Record<string, unknown> {
  if (req.eventId === undefined) return value;
  return { ...value, eventId: req.eventId, ...(req.outcome !== undefined ? { outcome: req.outcome, syncs: req.syncs } : {}) };
}
