import { Headers, SignatureVerifier, VerificationResult, header, hmacSha256, safeEqual, secretKey } from './signature-verifier';

const FAMILIES = ['webhook', 'svix'] as const;

/**
 * Standard Webhooks (and its Svix header names): HMAC-SHA256 over `${id}.${timestamp}.${body}`, header
 * `webhook-signature: v1,<base64> [v1,<base64> …]`, timestamp within the tolerance in both directions.
 * Every configured secret is tried, so secrets can be rotated.
 */
export class StandardWebhooksVerifier implements SignatureVerifier {
  readonly scheme = 'standard-webhooks';
  private readonly keys: Buffer[];

  constructor(secrets: string[], private readonly toleranceSeconds: number) {
    this.keys = secrets.map(secretKey);
  }

  applies(headers: Headers): boolean {
    return FAMILIES.some((f) => header(headers, `${f}-signature`) !== undefined || header(headers, `${f}-id`) !== undefined);
  }

  verify(rawBody: Buffer, headers: Headers, now: Date): VerificationResult {
    const family = FAMILIES.find((f) => header(headers, `${f}-signature`) !== undefined) ?? FAMILIES[0];
    const id = header(headers, `${family}-id`);
    const timestamp = header(headers, `${family}-timestamp`);
    const signatures = header(headers, `${family}-signature`);
    if (!id || !timestamp || !signatures) {
      return { ok: false, reason: `missing ${family}-id, ${family}-timestamp or ${family}-signature header` };
    }
    if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `${family}-timestamp is not a Unix time in seconds` };
    const skew = Math.floor(now.getTime() / 1000) - Number(timestamp);
    if (skew > this.toleranceSeconds) return { ok: false, reason: `${family}-timestamp is too old (${skew}s)` };
    if (skew < -this.toleranceSeconds) return { ok: false, reason: `${family}-timestamp is in the future (${-skew}s)` };

    const candidates = signatures
      .split(' ')
      .map((s) => s.trim())
      .filter((s) => s.startsWith('v1,'))
      .map((s) => strictBase64(s.slice(3)));
    if (candidates.length === 0) return { ok: false, reason: `${family}-signature has no v1 signature` };

    for (const key of this.keys) {
      const expected = hmacSha256(key, `${id}.${timestamp}.`, rawBody);
      // Compare against every signature without stopping early on the first mismatch.
      let matched = false;
      for (const candidate of candidates) matched = (candidate !== null && safeEqual(expected, candidate)) || matched;
      if (matched) return { ok: true, scheme: this.scheme };
    }
    return { ok: false, reason: 'no signature matches any configured secret' };
  }
}

/**
 * Node's base64 decoder skips what it does not understand (trailing junk, the url-safe alphabet, missing
 * padding), so several texts would pass for one signature. The Standard Webhooks reference library compares the
 * signature text with the standard, padded base64 of the HMAC; only that canonical text is read here too.
 */
function strictBase64(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 && bytes.toString('base64') === text ? bytes : null;
}
