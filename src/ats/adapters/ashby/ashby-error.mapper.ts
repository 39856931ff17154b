import type { AxiosResponse } from 'axios';
import { AtsError, AtsErrorCode, AtsErrorOptions } from '../../ats-error';
import { httpStatusError } from '../../http/ats-http.client';
import type { AshbyEnvelope } from './ashby.types';

export const ASHBY_PROVIDER = 'ashby';

/** An AtsError that keeps Ashby's own error code, so listing can tell an expired sync token from other failures. */
export class AshbyApiError extends AtsError {
  constructor(
    code: AtsErrorCode,
    message: string,
    readonly ashbyCode: string | null,
    options: AtsErrorOptions = {},
  ) {
    super(code, message, options);
  }
}

/** Ashby's codes that mean "start the listing again" rather than "the request is wrong". */
export const RESTART_SYNC_CODES = new Set(['sync_token_expired', 'sync_token_invalid', 'incremental_sync_too_large']);
export const RESTART_CURSOR_CODES = new Set(['next_cursor_expired', 'invalid_next_cursor']);

/** Reads `errorInfo {code, message}` and `errors: [string | {message, parameter}]`, whichever Ashby sent. */
export function readAshbyFailure(data: unknown): { ashbyCode: string | null; message: string } {
  if (!data || typeof data !== 'object') return { ashbyCode: null, message: '' };
  const envelope = data as AshbyEnvelope<unknown>;
  const parts: string[] = [];
  const info = envelope.errorInfo;
  if (info?.message) parts.push(info.message);
  if (Array.isArray(envelope.errors)) {
    for (const e of envelope.errors) {
      if (typeof e === 'string') parts.push(e);
      else if (e && typeof e === 'object') {
        const text = [e.message, e.parameter ? `(${e.parameter})` : ''].filter(Boolean).join(' ');
        if (text) parts.push(text);
      }
    }
  }
  const ashbyCode = typeof info?.code === 'string' && info.code !== '' ? info.code : null;
  return { ashbyCode, message: [ashbyCode, ...parts].filter(Boolean).join(': ') };
}

/**
 * Maps an Ashby failure to Debrief's codes. Ashby's code decides when there is one; otherwise the words of
 * the messages do (the `errors` array carries no code).
 */
export function ashbyFailureCode(ashbyCode: string | null, message: string): AtsErrorCode {
  const text = (ashbyCode ?? message).toLowerCase();
  if (/rate.?limit|too.?many.?requests|throttl/.test(text)) return 'RATE_LIMITED';
  if (/not.?found|does.?not.?exist|no.?such/.test(text)) return 'NOT_FOUND';
  if (/permission|forbidden|not.?allowed|access.?denied/.test(text)) return 'PERMISSION_DENIED';
  if (/api.?key|unauthori[sz]ed|unauthenticated|authentication/.test(text)) return 'AUTH_FAILED';
  if (/internal|unavailable|timeout|timed.?out|try.?again/.test(text)) return 'TEMPORARY';
  return 'INVALID_REQUEST';
}

/** A `success: false` answer (HTTP 200) as an AtsError. */
export function ashbyEnvelopeError(data: unknown, endpoint: string): AshbyApiError {
  const { ashbyCode, message } = readAshbyFailure(data);
  const code = ashbyFailureCode(ashbyCode, message);
  return new AshbyApiError(code, `${ASHBY_PROVIDER}: ${endpoint} failed: ${message || 'success: false'}`, ashbyCode);
}

/**
 * The client's `mapError` for HTTP error statuses. Ashby answers a missing key with 401 and a wrong key or a
 * missing endpoint permission with 403, so a 403 is only PERMISSION_DENIED when it says so. 429s go to the
 * generic reading, which carries Retry-After.
 */
export function mapAshbyHttpError(response: AxiosResponse): AtsError | null {
  if (response.status === 429) return null;
  const { ashbyCode, message } = readAshbyFailure(response.data);
  const base = httpStatusError(ASHBY_PROVIDER, response, message || undefined);
  let code = base.code;
  if (response.status === 403) {
    code = /permission/i.test(`${ashbyCode ?? ''} ${message}`) ? 'PERMISSION_DENIED' : 'AUTH_FAILED';
  } else if (response.status === 400 || response.status === 422) {
    code = ashbyFailureCode(ashbyCode, message);
  }
  return new AshbyApiError(code, base.message, ashbyCode, {
    status: base.status,
    retryAfterSeconds: base.retryAfterSeconds,
  });
}
