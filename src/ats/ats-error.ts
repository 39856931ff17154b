/**
 * Every failure an adapter reports is an AtsError with one of these codes. The failure table in
 * `sync/failure-policy.ts` is the one place that decides what each code means for a sync.
 */
export const ATS_ERROR_CODES = [
  'RATE_LIMITED',
  'TEMPORARY',
  'AUTH_FAILED',
  'NOT_FOUND',
  'INVALID_REQUEST',
  'PERMISSION_DENIED',
  'CONFIGURATION',
] as const;
export type AtsErrorCode = (typeof ATS_ERROR_CODES)[number];

export interface AtsErrorOptions {
  /** Seconds the ATS asked us to wait (Retry-After or a reset header). */
  retryAfterSeconds?: number | null;
  /** HTTP status the ATS answered, when there was one. */
  status?: number | null;
  /**
   * True when a write may have reached the ATS although we saw no answer (timeout after sending,
   * dropped connection). The next attempt must look for the note before posting again.
   */
  uncertain?: boolean;
  cause?: unknown;
}

export class AtsError extends Error {
  readonly retryAfterSeconds: number | null;
  readonly status: number | null;
  readonly uncertain: boolean;

  constructor(
    readonly code: AtsErrorCode,
    message: string,
    options: AtsErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AtsError';
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
    this.status = options.status ?? null;
    this.uncertain = options.uncertain ?? false;
  }
}

export function isAtsError(value: unknown): value is AtsError {
  return value instanceof AtsError;
}

/** The same failure, marked as a write whose outcome is unknown. */
export function asUncertain(error: AtsError): AtsError {
  return new AtsError(error.code, error.message, {
    status: error.status,
    retryAfterSeconds: error.retryAfterSeconds,
    uncertain: true,
    cause: error.cause,
  });
}
