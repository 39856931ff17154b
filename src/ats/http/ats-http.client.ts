import axios, { AxiosError, AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import { asUncertain, AtsError, AtsErrorCode } from '../ats-error';
import type { AtsDestinationGuard } from '../kit/ats-url.policy';
import { LocalRateGate, RateGate } from '../rate-limit/rate-gate';
import { parseRateLimitReset, parseRetryAfter } from './retry-after';

export interface AtsHttpClientOptions {
  provider: string;
  connectionId: string;
  /** Requests allowed per interval for this connection. */
  rateLimit: { limit: number; intervalMs: number };
  /**
   * Admits each request at that limit; the factory passes the connection's shared gate. Without one the client
   * keeps the limit on its own, which holds only while nothing else talks to the connection's ATS.
   */
  gate?: RateGate;
  timeoutMs?: number;
  /** How many 429s one call absorbs (waiting as told) before it reports RATE_LIMITED. */
  max429Retries?: number;
  /** Longest wait, in seconds, a call absorbs in place; longer waits are handed back to the sync's retry policy. */
  maxInPlaceWaitSeconds?: number;
  /**
   * Provider-specific reading of an error answer, tried before the generic status mapping.
   * Return null to fall back to the generic mapping.
   */
  mapError?: (response: AxiosResponse) => AtsError | null;
  /**
   * Where requests may go (vendor domains, ATS_ALLOWED_HOSTS). Checked on every request, before the rate gate,
   * so credentials never leave for a host the policy refuses, whatever the stored settings or an ATS's answer say.
   */
  destinations?: AtsDestinationGuard;
}

const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);
/**
 * Answers after which a write may have been applied: a server error or gateway failure (the origin may have
 * stored it and only the answer was lost), a request timeout, or "too early". Other 4xx answers (429 included)
 * are refusals: nothing was stored.
 */
const UNCERTAIN_WRITE_STATUS = (status: number) => status >= 500 || status === 408 || status === 425;

/** Per-request options the HTTP method alone cannot tell. */
export interface AtsRequestOptions {
  /**
   * Whether the request changes something in the ATS (its failures may then be uncertain). Defaults to the
   * method: POST, PUT, PATCH and DELETE write; RPC-style APIs that read with POST say `write: false`.
   */
  write?: boolean;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The HTTP client every adapter uses: axios with a timeout, a per-connection rate gate, rate-limit
 * headers honoured, 429s absorbed within bounds, and every failure turned into a coded AtsError.
 */
export class AtsHttpClient {
  private readonly http: AxiosInstance;
  private readonly gate: RateGate;
  private blockedUntil = 0;

  constructor(private readonly options: AtsHttpClientOptions) {
    this.http = axios.create({ timeout: options.timeoutMs ?? 15_000, maxRedirects: 0, validateStatus: () => true });
    this.gate = options.gate ?? new LocalRateGate(options.rateLimit);
  }

  get rateLimit(): { limit: number; intervalMs: number } {
    return this.options.rateLimit;
  }

  /** Sends one request; resolves with a 2xx/3xx response, rejects with an AtsError. */
  async request<T = unknown>(config: AxiosRequestConfig, options: AtsRequestOptions = {}): Promise<AxiosResponse<T>> {
    const max429 = this.options.max429Retries ?? 2;
    const maxWait = this.options.maxInPlaceWaitSeconds ?? 30;
    const write = options.write ?? WRITE_METHODS.has((config.method ?? 'get').toLowerCase());
    for (let attempt = 0; ; attempt++) {
      const response = await this.send<T>(config, write);
      if (response.status < 400) return response;
      let error = this.toError(response);
      if (write && UNCERTAIN_WRITE_STATUS(response.status) && !error.uncertain) error = asUncertain(error);
      if (error.code === 'RATE_LIMITED' && attempt < max429) {
        const wait = error.retryAfterSeconds ?? 2 ** attempt;
        if (wait <= maxWait) {
          this.blockFor(wait);
          continue;
        }
      }
      throw error;
    }
  }

  private async send<T>(config: AxiosRequestConfig, write: boolean): Promise<AxiosResponse<T>> {
    this.assertDestination(config);
    const waitMs = this.blockedUntil - Date.now();
    if (waitMs > 0) await sleep(waitMs);
    // Rejects (TEMPORARY) only before anything is sent, so such a failure is never an uncertain write.
    await this.gate.acquire();
    let response: AxiosResponse<T>;
    try {
      response = await this.http.request<T>(config);
    } catch (err) {
      throw this.networkError(err, write);
    }
    this.readRateHeaders(response);
    return response;
  }

  private assertDestination(config: AxiosRequestConfig): void {
    const guard = this.options.destinations;
    if (!guard) return;
    let target: string;
    try {
      target = new URL(config.url ?? '', config.baseURL).toString();
    } catch {
      target = config.url ?? '';
    }
    const refusal = guard.refusal(target);
    if (refusal) throw new AtsError('CONFIGURATION', `${this.options.provider}: request refused: ${refusal}`);
  }

  private blockFor(seconds: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, Date.now() + seconds * 1000);
  }

  /** When an API says the window is used up, hold this connection's calls until it resets. */
  private readRateHeaders(response: AxiosResponse): void {
    const h = response.headers ?? {};
    const remaining = h['x-ratelimit-remaining'] ?? h['x-rate-limit-remaining'] ?? h['ratelimit-remaining'];
    if (remaining === undefined || Number(remaining) > 0) return;
    const reset = parseRateLimitReset(h['x-ratelimit-reset'] ?? h['x-rate-limit-reset'] ?? h['ratelimit-reset']);
    if (reset !== null && reset <= (this.options.maxInPlaceWaitSeconds ?? 30)) this.blockFor(reset);
  }

  private toError(response: AxiosResponse): AtsError {
    const specific = this.options.mapError?.(response);
    if (specific) return specific;
    return httpStatusError(this.options.provider, response);
  }

  private networkError(err: unknown, write: boolean): AtsError {
    if (err instanceof AtsError) return err;
    const e = err as AxiosError;
    const code = e.code ?? '';
    const sent = code !== 'ECONNREFUSED' && code !== 'ENOTFOUND' && code !== 'EAI_AGAIN';
    return new AtsError('TEMPORARY', `${this.options.provider}: ${code || 'network error'}: ${e.message}`, {
      uncertain: sent && write,
      cause: err,
    });
  }
}

const STATUS_CODES: Array<[(s: number) => boolean, AtsErrorCode]> = [
  [(s) => s === 401 || s === 412, 'AUTH_FAILED'],
  [(s) => s === 403, 'PERMISSION_DENIED'],
  [(s) => s === 404 || s === 410, 'NOT_FOUND'],
  [(s) => s === 429, 'RATE_LIMITED'],
  [(s) => s === 408 || s === 425 || s >= 500, 'TEMPORARY'],
  [(s) => s >= 300, 'INVALID_REQUEST'],
];

/** The generic reading of an HTTP error status; adapters refine it with `mapError`. */
export function httpStatusError(provider: string, response: AxiosResponse, message?: string): AtsError {
  const status = response.status;
  const code = STATUS_CODES.find(([test]) => test(status))?.[1] ?? 'TEMPORARY';
  const h = response.headers ?? {};
  const retryAfter =
    parseRetryAfter(h['retry-after']) ??
    parseRateLimitReset(h['x-ratelimit-reset'] ?? h['x-rate-limit-reset'] ?? h['ratelimit-reset']);
  // Adapters' own readings of the vendor's error fields are bounded the same way as the generic one.
  const said = message ? `: ${bounded(message)}` : describeBody(response.data);
  return new AtsError(code, `${provider}: HTTP ${status}${said}`, {
    status,
    retryAfterSeconds: code === 'RATE_LIMITED' || code === 'TEMPORARY' ? retryAfter : null,
  });
}

/**
 * What an error answer says, from the vendor's own error fields only (`message`, `error`, `errorMessage`,
 * `error_description`, `errors`), as bounded strings. A body that is not JSON is described by its status alone:
 * whatever a host answers must not be echoed into messages, logs or the admin API.
 */
export function describeBody(data: unknown): string {
  if (!data || typeof data !== 'object') return '';
  const d = data as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of ['message', 'errorMessage', 'error', 'error_description', 'errors']) {
    collectErrorText(d[key], parts, 0);
  }
  const text = [...new Set(parts)].join('; ');
  return text === '' ? '' : `: ${bounded(text)}`;
}

function bounded(text: string): string {
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text;
}

const MAX_ERROR_TEXT = 200;
const MAX_ERROR_PARTS = 5;

function collectErrorText(value: unknown, into: string[], depth: number): void {
  if (into.length >= MAX_ERROR_PARTS || depth > 2 || value === null || value === undefined) return;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed !== '') into.push(trimmed.slice(0, MAX_ERROR_TEXT));
  } else if (Array.isArray(value)) {
    for (const item of value.slice(0, MAX_ERROR_PARTS)) collectErrorText(item, into, depth + 1);
  } else if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    collectErrorText(o.message ?? o.errorMessage ?? o.error ?? o.detail, into, depth + 1);
  }
}
