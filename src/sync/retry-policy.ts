import { FAILURE_POLICY, isSyncErrorCode } from './failure-policy';

export interface RetrySettings {
  maxAttempts: number;
  baseSeconds: number;
  maxSeconds: number;
}

export type RetryDecision = { action: 'retry'; delaySeconds: number; reason: string } | { action: 'fail'; reason: string };

/**
 * What happens to the sync after a failed attempt. Whether a code is worth another try is the failure
 * table's answer (`failure-policy.ts`); a code it does not know fails at once. Exponential backoff with full
 * jitter, never less than what the ATS asked for (Retry-After), capped; after `maxAttempts`, fail.
 */
export function decideRetry(
  code: string,
  attemptsSoFar: number,
  settings: RetrySettings,
  retryAfterSeconds: number | null = null,
  random: () => number = Math.random,
): RetryDecision {
  if (!isSyncErrorCode(code) || !FAILURE_POLICY[code].retryNow) return { action: 'fail', reason: `${code} is not retryable` };
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
