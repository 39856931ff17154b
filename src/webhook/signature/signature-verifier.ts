import { createHmac, timingSafeEqual } from 'node:crypto';

export type Headers = Record<string, string | string[] | undefined>;

export type VerificationResult = { ok: true; scheme: string } | { ok: false; reason: string };

/** One signing scheme. `applies` says whether the request carries this scheme's headers at all. */
export interface SignatureVerifier {
  readonly scheme: string;
  applies(headers: Headers): boolean;
  verify(rawBody: Buffer, headers: Headers, now: Date): VerificationResult;
}

/** `whsec_<base64>` secrets are base64 key bytes (Standard Webhooks); any other secret is used as its UTF-8 bytes. */
export function secretKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function hmacSha256(key: Buffer, ...parts: Array<string | Buffer>): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Constant-time comparison that does not leak length through an early return on mismatched sizes. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}
