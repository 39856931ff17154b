import type { AxiosResponse } from 'axios';
import { AtsError } from '../../ats-error';
import { httpStatusError } from '../../http/ats-http.client';

export const SALESFORCE_PROVIDER = 'salesforce';

/** How long an org whose daily API allowance is used up is left alone (the allowance is a rolling 24 hours). */
export const DAILY_LIMIT_BACKOFF_SECONDS = 3600;

export interface SalesforceApiError {
  message?: string;
  errorCode?: string;
  fields?: string[];
}

const OAUTH_AUTH_ERRORS = new Set(['invalid_client', 'invalid_client_id', 'invalid_grant', 'unauthorized_client', 'inactive_user', 'inactive_org']);

/** REST error codes whose meaning does not follow from the status alone. */
const CODES: Record<string, AtsError['code']> = {
  INVALID_SESSION_ID: 'AUTH_FAILED',
  REQUEST_LIMIT_EXCEEDED: 'RATE_LIMITED',
  INSUFFICIENT_ACCESS: 'PERMISSION_DENIED',
  INSUFFICIENT_ACCESS_OR_READONLY: 'PERMISSION_DENIED',
  INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: 'PERMISSION_DENIED',
  API_DISABLED_FOR_ORG: 'PERMISSION_DENIED',
  API_CURRENTLY_DISABLED: 'PERMISSION_DENIED',
  NOT_FOUND: 'NOT_FOUND',
  ENTITY_IS_DELETED: 'NOT_FOUND',
  INVALID_CROSS_REFERENCE_KEY: 'NOT_FOUND',
  INVALID_TYPE: 'CONFIGURATION',
  INVALID_FIELD: 'CONFIGURATION',
  SERVER_UNAVAILABLE: 'TEMPORARY',
  UNABLE_TO_LOCK_ROW: 'TEMPORARY',
};

/**
 * REST errors are an array `[{ message, errorCode, fields }]` (REST API Developer Guide, "Status Codes and Error
 * Responses"); the token endpoint answers `{ error, error_description }`. The error code refines the status:
 * REQUEST_LIMIT_EXCEEDED (403, the org's daily allowance) is a rate limit with a long wait, not a permission.
 */
export function mapSalesforceHttpError(response: AxiosResponse): AtsError | null {
  const data = response.data as unknown;
  if (!data || typeof data !== 'object') return null;
  if (!Array.isArray(data)) {
    const oauth = data as { error?: unknown; error_description?: unknown };
    if (typeof oauth.error !== 'string') return null;
    const base = httpStatusError(SALESFORCE_PROVIDER, response, `${oauth.error}${typeof oauth.error_description === 'string' ? `: ${oauth.error_description}` : ''}`);
    return OAUTH_AUTH_ERRORS.has(oauth.error) ? new AtsError('AUTH_FAILED', base.message, { status: base.status }) : base;
  }
  return salesforceErrors(data as SalesforceApiError[], response);
}

/** The same reading for an error list found inside a composite answer (status from the sub-response). */
export function salesforceErrors(errors: SalesforceApiError[], response: Pick<AxiosResponse, 'status' | 'headers' | 'data'>): AtsError {
  const first = errors.find((e) => e?.errorCode !== 'PROCESSING_HALTED') ?? errors[0] ?? {};
  const message = errors
    .slice(0, 3)
    .map((e) => [e?.errorCode, e?.message].filter(Boolean).join(': '))
    .join('; ');
  const base = httpStatusError(SALESFORCE_PROVIDER, response as AxiosResponse, message);
  const code = first.errorCode ? CODES[first.errorCode] : undefined;
  if (!code || code === base.code) return base;
  return new AtsError(code, base.message, {
    status: base.status,
    retryAfterSeconds: code === 'RATE_LIMITED' ? DAILY_LIMIT_BACKOFF_SECONDS : code === 'TEMPORARY' ? base.retryAfterSeconds : null,
  });
}
