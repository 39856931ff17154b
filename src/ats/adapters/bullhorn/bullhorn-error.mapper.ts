import type { AxiosResponse } from 'axios';
import { AtsError } from '../../ats-error';
import { httpStatusError } from '../../http/ats-http.client';
import type { BullhornErrorBody, OAuthErrorBody } from './bullhorn.types';

export const BULLHORN_PROVIDER = 'bullhorn';

/** OAuth errors that mean the client id/secret, the user or the grant is not accepted. */
const OAUTH_AUTH_ERRORS = new Set(['invalid_client', 'invalid_grant', 'unauthorized_client', 'access_denied', 'invalid_token']);

/**
 * The client's `mapError`: reads OAuth bodies (`{error, error_description}`) and REST bodies
 * (`{errorMessage, errorMessageKey, errorCode, errors[]}`) into the message; the status decides the code,
 * except that a refused grant is AUTH_FAILED whatever its status (Bullhorn answers some with 400).
 */
export function mapBullhornHttpError(response: AxiosResponse): AtsError | null {
  const data = response.data as unknown;
  if (!data || typeof data !== 'object') return null;
  const oauth = data as OAuthErrorBody;
  if (typeof oauth.error === 'string') {
    const base = httpStatusError(
      BULLHORN_PROVIDER,
      response,
      `${oauth.error}${oauth.error_description ? `: ${oauth.error_description}` : ''}`,
    );
    if (!OAUTH_AUTH_ERRORS.has(oauth.error)) return base;
    return new AtsError('AUTH_FAILED', base.message, { status: base.status });
  }
  const body = data as BullhornErrorBody;
  if (typeof body.errorMessage === 'string') {
    const details = (body.errors ?? [])
      .map((e) => [e.propertyName, e.type, e.detailMessage].filter(Boolean).join(' '))
      .filter((d) => d !== '');
    const message = [
      body.errorMessage,
      body.errorMessageKey ? `(${body.errorMessageKey})` : '',
      details.length > 0 ? `[${details.join('; ')}]` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return httpStatusError(BULLHORN_PROVIDER, response, message);
  }
  return null;
}
