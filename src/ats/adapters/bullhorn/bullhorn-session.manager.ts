import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import { AtsError, isAtsError } from '../../ats-error';
import type { AtsHttpClient } from '../../http/ats-http.client';

export interface BullhornAuthConfig {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  /** OAuth host, e.g. `https://auth.bullhornstaffing.com` (no trailing `/oauth`); null: found with loginInfo. */
  authUrl: string | null;
  /** REST login host, e.g. `https://rest.bullhornstaffing.com`; null: found with loginInfo. */
  loginUrl: string | null;
  redirectUri: string | null;
}

/** Where the API user's data centre is looked up; settings.loginInfoUrl points it elsewhere (a test double). */
export interface BullhornDiscovery {
  loginInfoUrl: string;
}

export const DEFAULT_LOGIN_INFO_URL = 'https://rest.bullhornstaffing.com/rest-services/loginInfo';

/** The connection settings the session reads itself: `loginInfoUrl`. */
export function readBullhornDiscovery(settings: Record<string, unknown>): BullhornDiscovery {
  const raw = settings.loginInfoUrl;
  const url = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : DEFAULT_LOGIN_INFO_URL;
  return { loginInfoUrl: url };
}

/** The hosts of one data centre: OAuth (without `/oauth`) and REST login (without `/rest-services`). */
interface DataCentre {
  authUrl: string;
  loginUrl: string;
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
 * Data centres: Bullhorn's getting-started guide (bullhorn.github.io "Getting Started with REST") finds the API
 * user's OAuth and REST hosts with `GET https://rest.bullhornstaffing.com/rest-services/loginInfo?username=`
 * (`oauthUrl` ends in `/oauth`, `restUrl` in `/rest-services`), and Bullhorn's Java SDK (bullhorn/sdk-rest
 * RestApiSession) does the same, then follows one 307/308 on authorize, token and login to the host that holds
 * the user. settings.authUrl and settings.restLoginUrl (or baseUrl) skip the lookup. A redirect is followed
 * once, and only to https on `*.bullhornstaffing.com` or to the host the request went to; the data centre it
 * names is kept for later calls.
 *
 * Every renewal goes through one in-flight promise, so concurrent callers share it: a refresh token dies when
 * a new one is issued, and two refreshes racing would leave the loser with a dead token.
 */
export class BullhornSessionManager {
  private session: BullhornSession | null = null;
  private tokens: OAuthTokens | null = null;
  private renewal: Promise<BullhornSession> | null = null;
  /** The data centre in use: the settings', else loginInfo's, moved by a followed redirect. */
  private dataCentre: DataCentre | null = null;

  constructor(
    private readonly client: AtsHttpClient,
    private readonly config: BullhornAuthConfig,
    private readonly discovery: BullhornDiscovery = readBullhornDiscovery({}),
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
    const url = `${(await this.hosts()).authUrl}/oauth/authorize`;
    const { response, url: answeredBy } = await this.send({ method: 'GET', url, params }, '/oauth/authorize', 'authUrl');
    const location = response.headers?.location;
    if (response.status >= 300 && response.status < 400 && typeof location === 'string') {
      const target = new URL(location, answeredBy);
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
    const url = `${(await this.hosts()).authUrl}/oauth/token`;
    const { response } = await this.send<Record<string, unknown>>({ method: 'POST', url, params }, '/oauth/token', 'authUrl');
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
    const { response } = await this.send<{ BhRestToken?: unknown; restUrl?: unknown }>(
      { method: 'POST', url: loginEndpoint((await this.hosts()).loginUrl), params: { version: '*', access_token: accessToken } },
      '/rest-services/login',
      'loginUrl',
    );
    return response.data ?? {};
  }

  /** The OAuth and REST login hosts: from the settings, else from loginInfo (asked once per manager). */
  private async hosts(): Promise<DataCentre> {
    if (this.dataCentre) return this.dataCentre;
    const { authUrl, loginUrl } = this.config;
    const found = authUrl !== null && loginUrl !== null ? null : await this.loginInfo();
    this.dataCentre = { authUrl: authUrl ?? found!.authUrl, loginUrl: loginUrl ?? found!.loginUrl };
    return this.dataCentre;
  }

  private async loginInfo(): Promise<DataCentre> {
    const from = this.discovery.loginInfoUrl;
    const response = await this.client.request<{ oauthUrl?: unknown; restUrl?: unknown }>({
      method: 'GET',
      url: from,
      params: { username: this.config.username },
    });
    const data = response.status === 200 && response.data && typeof response.data === 'object' ? response.data : {};
    const oauthUrl = typeof data.oauthUrl === 'string' ? data.oauthUrl.trim() : '';
    const restUrl = typeof data.restUrl === 'string' ? data.restUrl.trim() : '';
    if (oauthUrl === '' || restUrl === '') {
      throw new AtsError(
        'AUTH_FAILED',
        'bullhorn: loginInfo names no data centre for the API username (check it, or set settings.authUrl and settings.restLoginUrl)',
        { status: response.status },
      );
    }
    for (const found of [oauthUrl, restUrl]) {
      if (!isTrustedSignInTarget(parseUrl(from, 'settings.loginInfoUrl'), parseUrl(found, 'a URL loginInfo answered'))) {
        throw new AtsError('CONFIGURATION', `bullhorn: loginInfo named ${originOf(found)}, which is not a Bullhorn host`);
      }
    }
    return {
      authUrl: oauthUrl.replace(/\/+$/, '').replace(/\/oauth$/, ''),
      loginUrl: restUrl.replace(/\/+$/, '').replace(/\/rest-services$/, ''),
    };
  }

  /**
   * Sends a sign-in request and follows one 307/308 to another data centre, as Bullhorn's SDK does. The
   * Location carries the whole request (its query) unless it has none, when the original parameters go along.
   * The followed data centre is kept, so later sign-ins go there directly.
   */
  private async send<T>(
    config: AxiosRequestConfig & { url: string },
    endpoint: string,
    host: keyof DataCentre,
  ): Promise<{ response: AxiosResponse<T>; url: string }> {
    const response = await this.client.request<T>(config);
    if (response.status !== 307 && response.status !== 308) return { response, url: config.url };
    const location = response.headers?.location;
    if (typeof location !== 'string' || location.trim() === '') {
      throw new AtsError('TEMPORARY', `bullhorn: ${endpoint} answered ${response.status} without a Location`, { status: response.status });
    }
    const from = parseUrl(config.url, `the ${endpoint} URL`);
    const to = parseUrl(location, `the ${endpoint} redirect`, from);
    if (!isTrustedSignInTarget(from, to)) {
      throw new AtsError('CONFIGURATION', `bullhorn: ${endpoint} redirected to ${to.origin}, which is not a Bullhorn host`, {
        status: response.status,
      });
    }
    const again = await this.client.request<T>({ ...config, url: to.href, params: to.search === '' ? config.params : undefined });
    if (again.status === 307 || again.status === 308) {
      throw new AtsError('TEMPORARY', `bullhorn: ${endpoint} redirected twice`, { status: again.status });
    }
    if (this.dataCentre && to.pathname.endsWith(endpoint)) {
      this.dataCentre = { ...this.dataCentre, [host]: `${to.origin}${to.pathname.slice(0, -endpoint.length)}` };
    }
    return { response: again, url: to.href };
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

/** A redirect or a discovered host is trusted when it is https on Bullhorn's domain, or the host already asked. */
export function isTrustedSignInTarget(from: URL, to: URL): boolean {
  if (to.host === from.host && (to.protocol === from.protocol || to.protocol === 'https:')) return true;
  const host = to.hostname.toLowerCase();
  return to.protocol === 'https:' && to.port === '' && (host === 'bullhornstaffing.com' || host.endsWith('.bullhornstaffing.com'));
}

/** Only AtsErrors leave an adapter: a URL that cannot be read is a configuration fault (settings or loginInfo). */
function parseUrl(value: string, what: string, base?: URL): URL {
  try {
    return new URL(value, base);
  } catch {
    throw new AtsError('CONFIGURATION', `bullhorn: ${what} is not a URL`);
  }
}

/** Only the origin of a URL goes into messages: a sign-in URL's query carries the password. */
function originOf(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    return 'an unreadable URL';
  }
}

function loginEndpoint(loginUrl: string): string {
  const base = loginUrl.replace(/\/+$/, '');
  return base.endsWith('/rest-services') ? `${base}/login` : `${base}/rest-services/login`;
}
