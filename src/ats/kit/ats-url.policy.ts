import {
  addressRange,
  type AllowedHost,
  effectivePort,
  isListedHost,
  normaliseHost,
  parseAllowedHosts,
  parseIp,
} from '../../config/allowed-hosts';

export type AtsUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * Where an adapter may send a connection's credentials: `https` to a host on the vendor's own domains (the
 * domain or a subdomain of it, default port), or any host listed in `ATS_ALLOWED_HOSTS` (then also over
 * http: that is how a local fake or a proxy is reached). Nothing else: no other scheme, no user info in the
 * URL, and loopback, private and link-local addresses only when listed. Reasons name the host, never a path
 * or query.
 */
export class AtsUrlPolicy {
  private readonly allowed: AllowedHost[];

  constructor(allowedHosts: readonly string[]) {
    const { hosts, invalid } = parseAllowedHosts(allowedHosts);
    if (invalid.length > 0) throw new Error(`invalid ATS_ALLOWED_HOSTS entries: ${invalid.join(', ')}`);
    this.allowed = hosts;
  }

  /** The list from `ATS_ALLOWED_HOSTS` in the environment, for adapters built outside the Nest container. */
  static fromEnvironment(env: Record<string, string | undefined> = process.env): AtsUrlPolicy {
    return new AtsUrlPolicy((env.ATS_ALLOWED_HOSTS ?? '').split(','));
  }

  check(raw: string, vendorDomains: readonly string[]): AtsUrlCheck {
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      return { ok: false, reason: 'not a valid absolute URL' };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return { ok: false, reason: `the ${url.protocol.slice(0, 20)} scheme is not allowed (https only)` };
    }
    // `https://api.lever.co@evil.com` sends to evil.com; user info is never a legitimate part of these URLs.
    if (url.username !== '' || url.password !== '') return { ok: false, reason: 'a URL may not carry user info' };
    const host = normaliseHost(url.hostname);
    const port = effectivePort(url);
    if (isListedHost(this.allowed, host, port)) return { ok: true, url };
    const vendor = vendorDomains.join(', ');
    if (parseIp(host) !== null) {
      const range = addressRange(host);
      const kind = range === 'unicast' ? 'an IP address' : `a ${range} address`;
      return { ok: false, reason: `${host} is ${kind}, not a host on ${vendor}; list it in ATS_ALLOWED_HOSTS to allow it` };
    }
    if (!vendorDomains.some((domain) => host === domain || host.endsWith(`.${domain}`))) {
      return { ok: false, reason: `${host} is not on ${vendor} and not listed in ATS_ALLOWED_HOSTS` };
    }
    if (url.protocol !== 'https:') return { ok: false, reason: `${host} must be reached over https` };
    if (url.port !== '') return { ok: false, reason: `${host} must be reached on the https default port` };
    return { ok: true, url };
  }

  /** The same rule bound to one vendor's domains, for the HTTP client to apply to every request. */
  forVendor(vendorDomains: readonly string[]): AtsDestinationGuard {
    return new AtsDestinationGuard(this, vendorDomains);
  }
}

export class AtsDestinationGuard {
  constructor(
    private readonly policy: AtsUrlPolicy,
    readonly vendorDomains: readonly string[],
  ) {}

  /** null when the URL may receive credentials, else why not. */
  refusal(url: string): string | null {
    const result = this.policy.check(url, this.vendorDomains);
    return result.ok ? null : result.reason;
  }
}

/**
 * The request guard for one adapter: the injected policy (from ATS_ALLOWED_HOSTS in the service), else the
 * environment's, for adapters built without the Nest container.
 */
export function destinationGuard(vendorDomains: readonly string[], policy?: AtsUrlPolicy): AtsDestinationGuard {
  return (policy ?? AtsUrlPolicy.fromEnvironment()).forVendor(vendorDomains);
}
