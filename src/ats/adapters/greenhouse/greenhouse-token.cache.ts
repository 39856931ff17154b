export interface GreenhouseToken {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  /** Scopes the token endpoint reported, or null when it reported none. */
  scopes: string[] | null;
}

/** Tokens are renewed this long before they expire, so a request never leaves with a dying token. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;

/**
 * Access tokens per key (connection, credential, acting user). Concurrent callers that miss share one
 * token request instead of each asking the auth server.
 */
export class GreenhouseTokenCache {
  private readonly tokens = new Map<string, GreenhouseToken>();
  private readonly pending = new Map<string, Promise<GreenhouseToken>>();

  async get(key: string, fetch: () => Promise<GreenhouseToken>): Promise<GreenhouseToken> {
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - TOKEN_REFRESH_MARGIN_MS > Date.now()) return cached;
    const running = this.pending.get(key);
    if (running) return running;
    const request = fetch()
      .then((token) => {
        this.tokens.set(key, token);
        return token;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, request);
    return request;
  }

  /** Drops the token the ATS refused, unless another caller already replaced it. */
  invalidate(key: string, accessToken: string): void {
    if (this.tokens.get(key)?.accessToken === accessToken) this.tokens.delete(key);
  }
}
