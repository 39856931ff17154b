import type { AtsErrorCode } from '../ats/ats-error';

export interface RetrySettings {
  maxAttempts: number;
  baseSeconds: number;
  maxSeconds: number;
}

export type RetryDecision = { action: 'retry'; delaySeconds: number; reason: string } | { action: 'fail'; reason: string };

/** Codes worth another try: the ATS (or the network) may answer differently later. */
const RETRYABLE: ReadonlySet<string> = new Set<AtsErrorCode | 'INTERNAL'>(['RATE_LIMITED', 'TEMPORARY', 'INTERNAL']);

/**
 * The one place that maps an error code to what happens to the sync. Exponential backoff with full
 * jitter, never less than what the ATS asked for (Retry-After), capped; after `maxAttempts`, fail.
 * Authentication, permission, not-found and invalid-request errors fail at once: retrying cannot fix
 * them (the recovery job re-arms auth failures once the connection works again).
 */
export function decideRetry(
  code: string,
  attemptsSoFar: number,
  settings: RetrySettings,
  retryAfterSeconds: number | null = null,
  random: () => number = Math.random,
): RetryDecision {
  if (!RETRYABLE.has(code)) return { action: 'fail', reason: `${code} is not retryable` };
  if (attemptsSoFar >= settings.maxAttempts) {
    return { action: 'fail', reason: `gave up after ${attemptsSoFar} attempts` };
  }
  const exponential = Math.min(settings.maxSeconds, settings.baseSeconds * 2 ** Math.max(0, attemptsSoFar - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  const delaySeconds = Math.min(settings.maxSeconds, Math.max(jittered, retryAfterSeconds ?? 0));
  return {
    action: 'retry',
    delaySeconds: Math.ceil(delaySeconds),
    reason: retryAfterSeconds !== null ? `retry after ${retryAfterSeconds}s as the ATS asked` : 'retry with backoff',
  };
}
