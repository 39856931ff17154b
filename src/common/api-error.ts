import { HttpException } from '@nestjs/common';

/** Every error Debrief answers has one shape: `{ code, message, details }`. */
export interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export class ApiError extends HttpException {
  constructor(status: number, code: string, message: string, details?: unknown) {
    super({ code, message, ...(details === undefined ? {} : { details }) } satisfies ApiErrorBody, status);
  }
}

export const badRequest = (message: string, details?: unknown) => new ApiError(400, 'INVALID_REQUEST', message, details);
export const notFound = (what: string, details?: unknown) => new ApiError(404, 'NOT_FOUND', `${what} not found`, details);
export const conflict = (message: string, details?: unknown) => new ApiError(409, 'CONFLICT', message, details);

/** True for Postgres "data exception" errors (SQLSTATE class 22): a value it refused, not a fault of its own. */
export function isDataException(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.driverError?.code === 'string' ? e.driverError.code : '';
  return /^22[0-9A-Z]{3}$/.test(code);
}

/** True for errors that mean the database could not be reached (as opposed to a query it refused). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    const code = typeof e.code === 'string' ? e.code : '';
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '53300'].includes(code)) return true;
    if (code.startsWith('08')) return true;
    const message = typeof e.message === 'string' ? e.message : '';
    if (/Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused|the database system is (shutting down|starting up)/i.test(message)) return true;
    current = e.driverError ?? e.cause;
  }
  return false;
}
