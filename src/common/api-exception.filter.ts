import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiErrorBody, isDataException, isDatabaseUnavailable } from './api-error';
import { loggableError } from './http/loggable-error';

/**
 * Turns every exception into `{ code, message, details }`. Unknown errors become 500 without their text;
 * an unreachable database becomes 503 so that callers (the provider) retry; a value Postgres refused (a
 * data exception) is the caller's, a 400. Logged errors never carry the SQL or its parameters.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = toResponse(exception);
    if (status >= 500 && status !== 503) this.logger.error({ err: loggableError(exception) }, 'unhandled error');
    if (status === 503) void reply.header('retry-after', '5');
    void reply.status(status).send(body);
  }
}

export function toResponse(exception: unknown): { status: number; body: ApiErrorBody } {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'object' && response !== null && 'code' in response && 'message' in response) {
      return { status, body: response as ApiErrorBody };
    }
    const said =
      typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
    // Nest's answer for an unknown route ("Cannot GET /the/path") would echo the path back.
    const message = status === 404 && said.startsWith('Cannot ') ? 'no route for this method and path' : said;
    // Keep what a library put in its answer beyond Nest's own fields (e.g. which health check failed).
    const extra =
      typeof response === 'object' && response !== null
        ? Object.fromEntries(Object.entries(response).filter(([key]) => !['message', 'error', 'statusCode'].includes(key)))
        : {};
    return { status, body: { code: codeForStatus(status), message, ...(Object.keys(extra).length > 0 ? { details: extra } : {}) } };
  }
  const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return {
      status: fastifyError.statusCode,
      body: { code: codeForStatus(fastifyError.statusCode), message: fastifyError.message ?? 'bad request' },
    };
  }
  if (isDataException(exception)) {
    const message = 'a value in the request cannot be stored or compared';
    return { status: 400, body: { code: 'INVALID_REQUEST', message, details: [{ path: '$', message }] } };
  }
  if (isDatabaseUnavailable(exception)) {
    return { status: 503, body: { code: 'DATABASE_UNAVAILABLE', message: 'the database is unreachable; retry later' } };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'internal error' } };
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400: return 'INVALID_REQUEST';
    case 401: return 'UNAUTHORIZED';
    case 403: return 'FORBIDDEN';
    case 404: return 'NOT_FOUND';
    case 409: return 'CONFLICT';
    case 413: return 'PAYLOAD_TOO_LARGE';
    case 415: return 'UNSUPPORTED_MEDIA_TYPE';
    case 503: return 'UNAVAILABLE';
    default: return status >= 500 ? 'INTERNAL' : 'INVALID_REQUEST';
  }
}
