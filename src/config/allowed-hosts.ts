import ipaddr from 'ipaddr.js';

/**
 * Operator-listed hosts (`ASSET_ALLOWED_HOSTS`, `ATS_ALLOWED_HOSTS`) and the address ranges Debrief refuses
 * to reach unless such a list names them. One reading for every guard, so a list means the same everywhere.
 */
export interface AllowedHost {
  /** Lower-case hostname, or a normalised IP literal. */
  host: string;
  /** null = any port. */
  port: number | null;
  isIp: boolean;
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
  // A URL whose last label is a number is read as an IPv4 address (`2130706433`, `0x7f.1`, `127.1` are all
  // 127.0.0.1), so an entry written that way would never equal a URL's hostname.
  if (/(^|\.)(0x[0-9a-f]*|\d+)$/.test(host)) return null;
  // Labels of letters, digits, hyphens and underscores: anything else could never equal a URL hostname.
  if (!/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(host)) return null;
  return { host, port, isIp: false };
}

/** Whether `host:port` (host as `normaliseHost` gives it) is on the list. */
export function isListedHost(allowed: readonly AllowedHost[], host: string, port: number): boolean {
  return allowed.some((entry) => entry.host === host && (entry.port === null || entry.port === port));
}

/** Whether the address is on the list as a literal IP (a listed name never vouches for its addresses). */
export function isListedAddress(allowed: readonly AllowedHost[], address: string, port: number): boolean {
  const normalised = normaliseIp(address);
  return allowed.some((entry) => entry.isIp && entry.host === normalised && (entry.port === null || entry.port === port));
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

export function parseIp(host: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return ipaddr.IPv4.parse(host);
  if (ipaddr.IPv6.isValid(host)) return ipaddr.IPv6.parse(host);
  return null;
}

export function normaliseIp(address: string): string {
  return ipaddr.parse(address).toString();
}

/** URL hostnames keep IPv6 brackets and may end in a root dot; neither should defeat an allow-list. */
export function normaliseHost(hostname: string): string {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const lower = bare.toLowerCase().replace(/\.$/, '');
  const ip = parseIp(lower);
  return ip === null ? lower : ip.toString();
}

/** The port a URL connects to, its scheme's default when it names none. */
export function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}
