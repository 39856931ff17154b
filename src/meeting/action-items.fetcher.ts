import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import axios, { type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { type ActionItemsResult, parseActionItemsText } from './action-items.parser';
import { AssetUrlGuard, type HostResolver } from './asset-url.guard';

export interface ActionItemsFetcherOptions {
  /** Parsed `ASSET_ALLOWED_HOSTS`: `host`, `host:port` or IP literals. */
  allowedHosts: string[];
  /** Whole fetch, DNS to last byte. */
  timeoutMs?: number;
  /** Largest body read (after decompression); the download stops as soon as it is exceeded. */
  maxBytes?: number;
  /** Replaces system DNS (tests, or a resolver with its own policy). */
  resolve?: HostResolver;
}

export const DEFAULT_ACTION_ITEMS_TIMEOUT_MS = 5_000;
export const DEFAULT_ACTION_ITEMS_MAX_BYTES = 1024 * 1024;

class Deadline extends Error {}

/**
 * Fetches and parses the action items of a meeting. Never throws: action items are a nice-to-have in a
 * note, so every refusal or failure becomes `unavailable` with a reason for operators, and the note is
 * still posted.
 */
export class ActionItemsFetcher {
  private readonly guard: AssetUrlGuard;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  // No keep-alive: a pooled socket is keyed by host name, not by the address this fetch checked.
  private readonly httpAgent = new http.Agent({ keepAlive: false });
  private readonly httpsAgent = new https.Agent({ keepAlive: false });

  constructor(options: ActionItemsFetcherOptions) {
    this.guard = new AssetUrlGuard(options.allowedHosts, options.resolve);
    this.timeoutMs = positiveOr(options.timeoutMs, DEFAULT_ACTION_ITEMS_TIMEOUT_MS);
    this.maxBytes = positiveOr(options.maxBytes, DEFAULT_ACTION_ITEMS_MAX_BYTES);
  }

  async fetch(url: string | null): Promise<ActionItemsResult> {
    if (url === null || url.trim() === '') return { status: 'none' };
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Deadline()), this.timeoutMs);
    try {
      return await this.fetchWithin(url, controller.signal);
    } catch (error) {
      return { status: 'unavailable', reason: this.describe(error, controller.signal) };
    } finally {
      clearTimeout(timer);
    }
  }

  private async fetchWithin(url: string, signal: AbortSignal): Promise<ActionItemsResult> {
    const check = await untilAborted(this.guard.check(url), signal);
    if (!check.ok) return { status: 'unavailable', reason: check.reason };

    const response: AxiosResponse<Readable> = await axios.request<Readable>({
      url: check.url.href,
      method: 'GET',
      responseType: 'stream',
      headers: { Accept: 'application/json', 'User-Agent': 'Debrief' },
      // A redirect would lead to a host nobody checked; the provider's asset URLs are direct.
      maxRedirects: 0,
      // An environment proxy would resolve the name itself and undo the pinning.
      proxy: false,
      lookup: pinnedLookup(check.address, check.family),
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      signal,
      validateStatus: () => true,
    });
    const stream = response.data;
    const onAbort = (): void => {
      stream.destroy(new Deadline());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (response.status >= 300 && response.status < 400) {
        const target = redirectTarget(response, check.url);
        return { status: 'unavailable', reason: `redirect refused (HTTP ${response.status}${target})` };
      }
      if (response.status < 200 || response.status >= 300) {
        return { status: 'unavailable', reason: `the asset host answered HTTP ${response.status}` };
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > this.maxBytes) {
        return { status: 'unavailable', reason: `the action items document is larger than ${this.maxBytes} bytes` };
      }
      const body = await readCapped(stream, this.maxBytes);
      if (body === null) {
        return { status: 'unavailable', reason: `the action items document is larger than ${this.maxBytes} bytes` };
      }
      return parseActionItemsText(body.toString('utf8'));
    } finally {
      signal.removeEventListener('abort', onAbort);
      stream.destroy();
    }
  }

  private describe(error: unknown, signal: AbortSignal): string {
    if (signal.aborted || error instanceof Deadline) return `timed out after ${this.timeoutMs} ms`;
    if (axios.isAxiosError(error)) {
      const code = error.code ?? (error.cause as { code?: string } | undefined)?.code;
      return `the request failed${code ? ` (${code})` : ''}`;
    }
    const code = (error as { code?: unknown } | null)?.code;
    return `the request failed${typeof code === 'string' ? ` (${code})` : ''}`;
  }
}

/** Reads at most `maxBytes`, destroying the stream the moment more arrives; null when it was too large. */
async function readCapped(stream: Readable, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    total += buffer.length;
    if (total > maxBytes) {
      stream.destroy();
      return null;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

/** DNS lookups cannot be cancelled, but the fetch need not wait for a slow one. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Deadline());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Deadline());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function redirectTarget(response: AxiosResponse, base: URL): string {
  const location = response.headers['location'];
  if (typeof location !== 'string') return '';
  try {
    // Only the host: the path of a signed URL may carry a token.
    return ` to ${new URL(location, base).host}`;
  } catch {
    return '';
  }
}

/** A DNS lookup that answers every query with the address the guard already checked. */
export function pinnedLookup(address: string, family: 4 | 6): NonNullable<AxiosRequestConfig['lookup']> {
  return (_hostname: string, _options: object, callback) => callback(null, { address, family });
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
