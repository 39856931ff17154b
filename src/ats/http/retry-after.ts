/**
 * Reads how long an API asked us to wait, in seconds, from `Retry-After` (delta seconds or an HTTP date)
 * or from a rate-limit reset header (delta seconds, or an epoch in seconds or milliseconds).
 */
export function parseRetryAfter(value: string | undefined | null, now: Date = new Date()): number | null {
  if (value === undefined || value === null) return null;
  const trimmed = String(value).trim();
  if (trimmed === '') return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.max(0, Math.ceil(Number(trimmed)));
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

/** A reset header is either seconds until the reset or an epoch timestamp (seconds or milliseconds). */
export function parseRateLimitReset(value: string | undefined | null, now: Date = new Date()): number | null {
  if (value === undefined || value === null) return null;
  const trimmed = String(value).trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return parseRetryAfter(trimmed, now);
  const n = Number(trimmed);
  const nowMs = now.getTime();
  if (n > 1e12) return Math.max(0, Math.ceil((n - nowMs) / 1000));
  if (n > 1e9) return Math.max(0, Math.ceil(n - nowMs / 1000));
  return Math.max(0, Math.ceil(n));
}
