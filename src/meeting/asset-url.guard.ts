import { promises as dns } from 'node:dns';
import ipaddr from 'ipaddr.js';

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

export interface AllowedHost {
  /** Lower-case hostname, or a normalised IP literal. */
  host: string;
  /** null = any port. */
  port: number | null;
  isIp: boolean;
}

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
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    // Reasons name the host but never the path or query: those often carry signed access tokens.
    if (!this.allowed.some((entry) => entry.host === hostname && (entry.port === null || entry.port === port))) {
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
      if (range !== 'unicast' && !this.isListedAddress(address, port)) {
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

  private isListedAddress(address: string, port: number): boolean {
    const normalised = normaliseIp(address);
    return this.allowed.some(
      (entry) => entry.isIp && entry.host === normalised && (entry.port === null || entry.port === port),
    );
  }
}

/**
 * Entries are `host`, `host:port`, an IPv4 literal (optionally with a port), or an IPv6 literal (bare, or
 * `[addr]` / `[addr]:port`). Anything else, such as a URL or a wildcard, is reported as invalid.
 */
export function parseAllowedHosts(entries: readonly string[]): { hosts: AllowedHost[]; invalid: string[] } {
  const hosts: AllowedHost[] = [];
  const invalid: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    const parsed = parseAllowedHost(entry);
    if (parsed === null) invalid.push(raw.trim());
    else hosts.push(parsed);
  }
  return { hosts, invalid };
}

function parseAllowedHost(entry: string): AllowedHost | null {
  if (entry.includes(':') && !entry.startsWith('[') && ipaddr.IPv6.isValid(entry)) {
    return { host: normaliseIp(entry), port: null, isIp: true };
  }
  const match = /^(?:\[([0-9a-f:.]+)\]|([^:[\]/\s@]+))(?::(\d{1,5}))?$/.exec(entry);
  if (match === null) return null;
  const port = match[3] === undefined ? null : Number(match[3]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  if (match[1] !== undefined) {
    return ipaddr.IPv6.isValid(match[1]) ? { host: normaliseIp(match[1]), port, isIp: true } : null;
  }
  const host = normaliseHost(match[2]!);
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return { host: normaliseIp(host), port, isIp: true };
  // Labels of letters, digits, hyphens and underscores: anything else could never equal a URL hostname.
  if (!/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(host)) return null;
  return { host, port, isIp: false };
}

/**
 * The ipaddr.js range of an address, with IPv4-mapped IPv6 judged as the IPv4 address it carries.
 * IPv6 outside 2000::/3 (the global unicast block) is reported as `reserved` because ipaddr.js calls
 * many unassigned blocks `unicast`.
 */
export function addressRange(address: string): string {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return 'invalid';
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range();
    const range = v6.range();
    if (range === 'unicast' && !v6.match(ipaddr.IPv6.parse('2000::'), 3)) return 'reserved';
    return range;
  }
  return (parsed as ipaddr.IPv4).range();
}

export function isPublicAddress(address: string): boolean {
  return addressRange(address) === 'unicast';
}

function parseIp(host: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return ipaddr.IPv4.parse(host);
  if (ipaddr.IPv6.isValid(host)) return ipaddr.IPv6.parse(host);
  return null;
}

function normaliseIp(address: string): string {
  return ipaddr.parse(address).toString();
}

/** URL hostnames keep IPv6 brackets and may end in a root dot; neither should defeat the allow-list. */
function normaliseHost(hostname: string): string {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const lower = bare.toLowerCase().replace(/\.$/, '');
  const ip = parseIp(lower);
  return ip === null ? lower : ip.toString();
}
