import { parseRateLimitReset, parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('reads delta seconds', () => expect(parseRetryAfter('7', now)).toBe(7));
  it('reads an HTTP date', () => expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30));
  it('answers null for garbage or nothing', () => {
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
  it('never answers a negative wait', () => expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0));
});

describe('parseRateLimitReset', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('reads an epoch in seconds', () => expect(parseRateLimitReset(String(now.getTime() / 1000 + 9), now)).toBe(9));
  it('reads an epoch in milliseconds', () => expect(parseRateLimitReset(String(now.getTime() + 4000), now)).toBe(4));
  it('reads delta seconds', () => expect(parseRateLimitReset('3', now)).toBe(3));
});
