import type { AxiosResponse } from 'axios';
import { AtsError } from '../../ats-error';
import { httpStatusError } from '../../http/ats-http.client';

export const HUBSPOT_PROVIDER = 'hubspot';

/**
 * When HubSpot says the day's allowance is spent, Debrief waits this long before asking again: the daily
 * counter resets at midnight in the account's own time zone, which the API does not tell an app.
 */
export const DAILY_LIMIT_RETRY_SECONDS = 3600;

/** HubSpot's error body: `{status: "error", message, correlationId, category}`, plus `policyName` on a 429. */
export interface HubSpotErrorBody {
  status?: string;
  message?: string;
  correlationId?: string;
  category?: string;
  errorType?: string;
  policyName?: string;
}

/**
 * The client's `mapError`. The status decides the code, except that a 429 under the `DAILY` policy is the
 * day's allowance, not a ten-second burst: its wait is at least an hour, so the sync waits instead of spinning.
 * The category is quoted (it names the missing scope or the invalid property); the correlation id lets
 * HubSpot support find the request.
 */
export function mapHubSpotHttpError(response: AxiosResponse): AtsError | null {
  const data = response.data as unknown;
  if (!data || typeof data !== 'object') return null;
  const body = data as HubSpotErrorBody;
  if (typeof body.message !== 'string' && typeof body.category !== 'string') return null;
  const text = [body.category, body.message, body.correlationId ? `(correlationId ${body.correlationId})` : '']
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .join(': ');
  const base = httpStatusError(HUBSPOT_PROVIDER, response, text);
  if (response.status === 429 && isDailyPolicy(body.policyName)) {
    return new AtsError('RATE_LIMITED', `${HUBSPOT_PROVIDER}: daily API limit reached: ${body.message ?? 'HTTP 429'}`, {
      status: 429,
      retryAfterSeconds: Math.max(base.retryAfterSeconds ?? 0, DAILY_LIMIT_RETRY_SECONDS),
    });
  }
  return base;
}

export function isDailyPolicy(policyName: unknown): boolean {
  return typeof policyName === 'string' && policyName.toUpperCase() === 'DAILY';
}
