import { Headers, SignatureVerifier, VerificationResult, header, hmacSha256, safeEqual, secretKey } from './signature-verifier';

/**
 * For providers that sign only the body: hex HMAC-SHA256 of the raw body in the header named by
 * WEBHOOK_SIGNATURE_HEADER, with or without a `sha256=` prefix. No timestamp, so no replay window: the
 * event-id idempotency is what makes a replay harmless.
 */
export class BodyHmacVerifier implements SignatureVerifier {
  readonly scheme = 'hmac-sha256';
  private readonly keys: Buffer[];

  constructor(secrets: string[], private readonly headerName: string) {
    this.keys = secrets.map(secretKey);
  }

  applies(headers: Headers): boolean {
    return header(headers, this.headerName) !== undefined;
  }

  verify(rawBody: Buffer, headers: Headers): VerificationResult {
    const value = header(headers, this.headerName)?.trim() ?? '';
    const hex = value.toLowerCase().startsWith('sha256=') ? value.slice(7) : value;
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) return { ok: false, reason: `${this.headerName} is not a hex SHA-256 HMAC` };
    const given = Buffer.from(hex, 'hex');
    let matched = false;
    for (const key of this.keys) matched = safeEqual(hmacSha256(key, rawBody), given) || matched;
    return matched ? { ok: true, scheme: this.scheme } : { ok: false, reason: `${this.headerName} does not match any configured secret` };
  }
}
