import { createServer, IncomingMessage, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { AppConfig } from '../../config/app-config';
import type { ApiErrorBody } from '../api-error';
import { parseQueryStrictly } from './strict-query';

/**
 * The HTTP server's own limits. Fastify leaves request and idle timeouts at 0 (none), so a client that sends
 * nothing, or one byte now and then, would hold a socket (and a file descriptor) for ever.
 *  - HTTP_HEADERS_TIMEOUT_MS: the request line and headers must arrive within it (a silent socket is closed);
 *  - HTTP_REQUEST_TIMEOUT_MS: the whole request, body included (a body dribbled byte by byte is cut off);
 *  - HTTP_IDLE_TIMEOUT_MS: a socket with no traffic at all, in either direction, is closed (0, the default: never,
 *    since an admin job run answers only when the job is done);
 *  - HTTP_KEEP_ALIVE_TIMEOUT_MS: how long a connection waits for its next request;
 *  - HTTP_MAX_CONNECTIONS: sockets beyond it are closed on arrival.
 * Node checks the first two on a timer; its default period (30 s) is shortened so that they hold to within
 * about a second.
 */
export function httpServerOptions(config: AppConfig): FastifyServerOptions {
  return {
    bodyLimit: config.WEBHOOK_BODY_LIMIT_BYTES,
    trustProxy: true,
    serverFactory: (handler) => {
      const server = createServer(
        {
          requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
          headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
          keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
          connectionsCheckingInterval: Math.min(1000, config.HTTP_HEADERS_TIMEOUT_MS),
        },
        handler,
      );
      server.keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
      server.setTimeout(config.HTTP_IDLE_TIMEOUT_MS);
      server.maxConnections = config.HTTP_MAX_CONNECTIONS;
      return server;
    },
    clientErrorHandler,
    frameworkErrors,
    routerOptions: {
      // An event id may be 255 characters (the intake schema's bound); the router's default is 100.
      maxParamLength: 512,
      querystringParser: parseQueryStrictly,
    },
  } as FastifyServerOptions;
}

const json = (code: string, message: string, details?: unknown): string =>
  JSON.stringify({ code, message, ...(details === undefined ? {} : { details }) } satisfies ApiErrorBody);

/**
 * Errors Node's HTTP parser meets before there is a request (headers too large, a malformed request line, a
 * timeout): answered in the common shape, never with what was sent.
 */
function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'REQUEST_TIMEOUT', 'the request did not arrive in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'HEADERS_TOO_LARGE', 'the request line and headers are too large']
        : [400, 'INVALID_REQUEST', 'the request is not valid HTTP/1.1'];
  const body = json(code, message);
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroySoon();
}

/** The router's own refusals (a URL that does not decode, a path segment too long), without echoing the URL. */
function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const [status, code, message] =
    error.code === 'FST_ERR_BAD_URL'
      ? [400, 'INVALID_REQUEST', 'the URL is not percent-encoded UTF-8']
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? [414, 'URI_TOO_LONG', 'a segment of the URL path is too long']
        : [500, 'INTERNAL', 'internal error'];
  void reply.code(status).type('application/json').send(json(code, message, status === 500 ? undefined : [{ path: '$', message }]));
}

/**
 * An oversized body is refused with 413, but Node closes the socket as soon as that answer is written while the
 * client is still sending: the client then meets a reset (EPIPE) and never reads the status, which a provider
 * takes for "retry". So the answer waits until the rest of the body has been read and thrown away, up to
 * `discardBytes`; a client that sends more than that is cut off.
 */
export function answerOversizedBodiesReadably(fastify: FastifyInstance, discardBytes: number): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const raw: IncomingMessage = request.raw;
    if (reply.statusCode !== 413 || raw.complete || raw.destroyed) return done(null, payload);
    let discarded = 0;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      raw.off('data', onData);
      raw.off('end', settle);
      raw.off('close', settle);
      done(null, payload);
    };
    const onData = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > discardBytes) {
        raw.socket.destroy();
        settle();
      }
    };
    raw.on('data', onData);
    raw.once('end', settle);
    raw.once('close', settle);
    raw.resume();
  });
}
