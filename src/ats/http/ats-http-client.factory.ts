import { AtsCapabilities, AtsContext } from '../ats-adapter.port';
import { AtsError } from '../ats-error';
import { rateLimitSetting } from '../kit/connection-settings';
import { LocalRateGates, RateGateSource } from '../rate-limit/rate-gate';
import { AtsHttpClient, AtsHttpClientOptions } from './ats-http.client';

/**
 * One AtsHttpClient per connection (and timeout), shared by every concurrent worker of the process; each
 * connection's requests pass one rate gate, keyed by the connection id, from `gates`: the schedule all
 * instances share (RateSlotStore) in the service, a gate of this process alone when none is given.
 * `settings.rateLimit = { limit, intervalMs }` overrides the ATS's documented default.
 */
export class AtsHttpClientFactory {
  private readonly clients = new Map<string, AtsHttpClient>();

  constructor(
    private readonly provider: string,
    private readonly capabilities: AtsCapabilities,
    private readonly extra: Partial<AtsHttpClientOptions> = {},
    private readonly gates: RateGateSource = new LocalRateGates(),
  ) {}

  /** `timeoutMs` is the adapter's reading of the connection's timeout setting; null keeps the factory's default. */
  forContext(ctx: AtsContext, timeoutMs: number | null = null): AtsHttpClient {
    const rateLimit = readRateLimit(ctx.settings.rateLimit, this.provider) ?? this.capabilities.rateLimit;
    const key = `${ctx.connectionId}:${rateLimit.limit}/${rateLimit.intervalMs}:${timeoutMs ?? 'default'}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new AtsHttpClient({
        provider: this.provider,
        connectionId: ctx.connectionId,
        rateLimit,
        gate: this.gates.gateFor(ctx.connectionId, rateLimit),
        ...this.extra,
        ...(timeoutMs !== null ? { timeoutMs } : {}),
      });
      this.clients.set(key, client);
    }
    return client;
  }
}

/** The connection contract's reading of `settings.rateLimit`: absent → null, invalid → CONFIGURATION. */
function readRateLimit(value: unknown, provider: string): { limit: number; intervalMs: number } | null {
  const parsed = rateLimitSetting.safeParse(value ?? undefined);
  if (!parsed.success) {
    throw new AtsError('CONFIGURATION', `${provider}: settings.rateLimit must be { limit: whole number ≥ 1, intervalMs: whole number ≥ 100 }`);
  }
  return parsed.data ?? null;
}
