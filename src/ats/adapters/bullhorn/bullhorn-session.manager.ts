import { AtsError, isAtsError } from '../../ats-error';
import type { AtsHttpClient } from '../../http/ats-http.client';

export interface BullhornAuthConfig {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  /** OAuth host, e.g. `https://auth.bullhornstaffing.com` (no trailing `/oauth`). */
  authUrl: string;
  /** REST login host, e.g. `https://rest.bullhornstaffing.com`. */
  loginUrl: string;
  redirectUri: string | null;
}

export interface BullhornSession {
  bhRestToken: string;
  /** Ends with `/`; every REST path is relative to it. */
  restUrl: string;
  expiresAt: number;
}

interface OAuthTokens {
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string | null;
}

/** Renew this long before Bullhorn's own expiry, so a call never starts on a session about to lapse. */
const SESSION_MARGIN_MS = 30_000;
const ACCESS_MARGIN_MS = 60_000;
/** Access tokens live 10 minutes when Bullhorn does not say. */
const DEFAULT_ACCESS_SECONDS = 600;
/** Used only when `ping` cannot tell the session's expiry. */
const FALLBACK_SESSION_MS = 5 * 60_000;

/**
 * One Bullhorn REST session per connection: OAuth authorization code (server-side login), token refresh, then
 * `/rest-services/login` for a BhRestToken and the corporation's restUrl.
 *
 * Every renewal goes through one in-flight promise, so concurrent callers share it: a refresh token dies when
 * a new one is issued, and two refreshes racing would leave the loser with a dead token.
 */
export class BullhornSessionManager {
  private session: BullhornSession | null = null;
  private tokens: OAuthTokens | null = null;
  private renewal: Promise<BullhornSession> | null = null;

  constructor(
    private readonly client: AtsHttpClient,
    private readonly config: BullhornAuthConfig,
  ) {}

  /** A live session, renewed first when it is missing or about to expire. */
  async current(): Promise<BullhornSession> {
    if (this.session && Date.now() < this.session.expiresAt - SESSION_MARGIN_MS) return this.session;
    return this.renew();
  }

  /**
   * Drops the session a call was refused with. A caller holding an older token than the current one changes
   * nothing, so a burst of refusals causes one renewal, not one each.
   */
  invalidate(bhRestToken: string): void {
    if (this.session?.bhRestToken === bhRestToken) this.session = null;
  }

  private renew(): Promise<BullhornSession> {
    if (!this.renewal) {
      this.renewal = this.login().finally(() => {
        this.renewal = null;
      });
    }
    return this.renewal;
  }

  private async login(): Promise<BullhornSession> {
    let accessToken = await this.accessToken();
    let login: { BhRestToken?: unknown; restUrl?: unknown };
    try {
      login = await this.restLogin(accessToken);
    } catch (err) {
      if (!isAtsError(err) || err.code !== 'AUTH_FAILED') throw err;
      // Bullhorn refused the access token (expired early or revoked): get a fresh one once.
      if (this.tokens) this.tokens.accessExpiresAt = 0;
      accessToken = await this.accessToken();
      login = await this.restLogin(accessToken);
    }
    if (typeof login.BhRestToken !== 'string' || typeof login.restUrl !== 'string') {
      throw new AtsError('TEMPORARY', 'bullhorn: /login answered without BhRestToken and restUrl');
    }
    const restUrl = login.restUrl.endsWith('/') ? login.restUrl : `${login.restUrl}/`;
    const expiresAt = await this.sessionExpiry(login.BhRestToken, restUrl);
    this.session = { bhRestToken: login.BhRestToken, restUrl, expiresAt };
    return this.session;
  }

  /** A usable access token: the cached one, else a refreshed one, else a new authorization. */
  private async accessToken(): Promise<string> {
    const now = Date.now();
    if (this.tokens && now < this.tokens.accessExpiresAt - ACCESS_MARGIN_MS) return this.tokens.accessToken;
    if (this.tokens?.refreshToken) {
      try {
        return await this.exchange({ grant_type: 'refresh_token', refresh_token: this.tokens.refreshToken });
      } catch (err) {
        // A refused refresh token (another login replaced it) means starting over; anything else is not ours to fix.
        if (!isAtsError(err) || (err.code !== 'AUTH_FAILED' && err.code !== 'INVALID_REQUEST')) throw err;
        this.tokens = null;
      }
    }
    const code = await this.authorizationCode();
    return this.exchange({ grant_type: 'authorization_code', code });
  }

  /** Bullhorn's server-side login: the authorize endpoint answers a 302 whose Location carries `code`. */
  private async authorizationCode(): Promise<string> {
    const c = this.config;
    const params: Record<string, string> = {
      client_id: c.clientId,
      response_type: 'code',
      username: c.username,
      password: c.password,
      action: 'Login',
    };
    if (c.redirectUri) params.redirect_uri = c.redirectUri;
    const response = await this.client.request({ method: 'GET', url: `${c.authUrl}/oauth/authorize`, params });
    const location = response.headers?.location;
    if (response.status >= 300 && response.status < 400 && typeof location === 'string') {
      const target = new URL(location, c.authUrl);
      const code = target.searchParams.get('code');
      if (code) return code;
      const error = target.searchParams.get('error_description') ?? target.searchParams.get('error');
      throw new AtsError('AUTH_FAILED', `bullhorn: authorization refused${error ? `: ${error}` : ''}`, {
        status: response.status,
      });
    }
    // A login page instead of a redirect: the username or password was not accepted.
    throw new AtsError('AUTH_FAILED', 'bullhorn: authorization did not return a code (check the API username and password)', {
      status: response.status,
    });
  }

  private async exchange(grant: Record<string, string>): Promise<string> {
    const c = this.config;
    const params: Record<string, string> = { ...grant, client_id: c.clientId, client_secret: c.clientSecret };
    if (c.redirectUri && grant.grant_type === 'authorization_code') params.redirect_uri = c.redirectUri;
    const response = await this.client.request<Record<string, unknown>>({
      method: 'POST',
      url: `${c.authUrl}/oauth/token`,
      params,
    });
    const data = response.data ?? {};
    if (typeof data.access_token !== 'string') {
      throw new AtsError('AUTH_FAILED', 'bullhorn: the token endpoint answered without an access_token', {
        status: response.status,
      });
    }
    const seconds = typeof data.expires_in === 'number' ? data.expires_in : Number(data.expires_in) || DEFAULT_ACCESS_SECONDS;
    this.tokens = {
      accessToken: data.access_token,
      accessExpiresAt: Date.now() + seconds * 1000,
      refreshToken: typeof data.refresh_token === 'string' ? data.refresh_token : (this.tokens?.refreshToken ?? null),
    };
    return data.access_token;
  }

  private async restLogin(accessToken: string): Promise<{ BhRestToken?: unknown; restUrl?: unknown }> {
    const response = await this.client.request<{ BhRestToken?: unknown; restUrl?: unknown }>({
      method: 'POST',
      url: loginEndpoint(this.config.loginUrl),
      params: { version: '*', access_token: accessToken },
    });
    return response.data ?? {};
  }

  /** `GET {restUrl}ping` tells when the session lapses; without it, assume a short life. */
  private async sessionExpiry(bhRestToken: string, restUrl: string): Promise<number> {
    try {
      const response = await this.client.request<{ sessionExpires?: unknown }>({
        method: 'GET',
        url: `${restUrl}ping`,
        headers: { BhRestToken: bhRestToken },
      });
      const expires = Number(response.data?.sessionExpires);
      if (Number.isFinite(expires) && expires > Date.now()) return expires;
    } catch {
      // The session works or it does not; the next call will tell.
    }
    return Date.now() + FALLBACK_SESSION_MS;
  }
}

function loginEndpoint(loginUrl: string): string {
  const base = loginUrl.replace(/\/+$/, '');
  return base.endsWith('/rest-services') ? `${base}/login` : `${base}/rest-services/login`;
}
