import { promises as dns } from 'node:dns';
import {
  addressRange,
  type AllowedHost,
  effectivePort,
  isListedAddress,
  isListedHost,
  normaliseHost,
  parseAllowedHosts,
  parseIp,
} from '../config/allowed-hosts';

export { addressRange, isPublicAddress, parseAllowedHosts, type AllowedHost } from '../config/allowed-hosts';

/**
 * Decides whether a URL from a webhook payload may be fetched, and to which address. Payload URLs come
 * from outside, so without this check a crafted `actionItemsUrl` could make Debrief read its own
 * network (cloud metadata, admin ports, the database).
 *
 * Rules: http/https only; the host (and port, when the entry names one) must be in the allow-list; every
 * address the host resolves to must be global unicast, unless that address is itself listed as a literal
 * IP (an operator who lists 127.0.0.1 means it). The caller connects to the returned address and never
 * resolves the name again, so a DNS answer that changes between check and connect cannot redirect it.
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export type AssetUrlCheck =
  | { ok: true; url: URL; hostname: string; address: string; family: 4 | 6 }
  | { ok: false; reason: string };

export const systemResolver: HostResolver = async (hostname) => {
  const answers = await dns.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export class AssetUrlGuard {
  private readonly allowed: AllowedHost[];

  constructor(
    allowedHosts: readonly string[],
    private readonly resolve: HostResolver = systemResolver,
  ) {
    const { hosts, invalid } = parseAllowedHosts(allowedHosts);
    // A typo here would silently block (or worse, widen) fetches, so it is refused where it is configured.
    if (invalid.length > 0) throw new Error(`invalid allowed asset host entries: ${invalid.join(', ')}`);
    this.allowed = hosts;
  }

  async check(raw: string): Promise<AssetUrlCheck> {
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      return { ok: false, reason: 'the URL is not a valid absolute URL' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { ok: false, reason: `only http and https URLs are fetched (got ${url.protocol.slice(0, 20)})` };
    }
    const hostname = normaliseHost(url.hostname);
    const port = effectivePort(url);
    // Reasons name the host but never the path or query: those often carry signed access tokens.
    if (!isListedHost(this.allowed, hostname, port)) {
      return { ok: false, reason: `host ${hostname}:${port} is not in the allowed asset hosts` };
    }

    let addresses: ResolvedAddress[];
    const literal = parseIp(hostname);
    if (literal !== null) {
      addresses = [{ address: literal.toString(), family: literal.kind() === 'ipv6' ? 6 : 4 }];
    } else {
      try {
        addresses = await this.resolve(hostname);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const detail = typeof code === 'string' ? ` (${code})` : '';
        return { ok: false, reason: `host ${hostname} could not be resolved${detail}` };
      }
      if (addresses.length === 0) return { ok: false, reason: `host ${hostname} did not resolve to any address` };
    }

    // Every answer must pass, not just the first: the connection layer could otherwise pick a refused one.
    for (const { address } of addresses) {
      const range = addressRange(address);
      if (range !== 'unicast' && !isListedAddress(this.allowed, address, port)) {
        return {
          ok: false,
          reason:
            `host ${hostname} resolves to ${address} (${range}), ` +
            'which is only fetched when that address is listed explicitly',
        };
      }
    }
    const first = addresses[0]!;
    return { ok: true, url, hostname, address: first.address, family: first.family };
  }
}
