import { createHmac } from 'node:crypto';
import { StandardWebhooksVerifier } from './standard-webhooks.verifier';

// The published Standard Webhooks / Svix test vector: an independent check that the scheme is the real one.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const at = (seconds: number) => new Date(seconds * 1000);

function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret);
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

function headers(signature: string, id = VECTOR.id, timestamp: number | string = VECTOR.timestamp, family = 'webhook') {
  return { [`${family}-id`]: id, [`${family}-timestamp`]: String(timestamp), [`${family}-signature`]: signature };
}

describe('StandardWebhooksVerifier', () => {
  const verifier = new StandardWebhooksVerifier([VECTOR.secret], 300);
  const body = Buffer.from(VECTOR.body);
  const now = at(VECTOR.timestamp);

  it('accepts the published test vector, under both header families', () => {
    expect(verifier.verify(body, headers(VECTOR.signature), now)).toEqual({ ok: true, scheme: 'standard-webhooks' });
    expect(verifier.verify(body, headers(VECTOR.signature, VECTOR.id, VECTOR.timestamp, 'svix'), now).ok).toBe(true);
  });

  it('applies only when the request carries the scheme headers', () => {
    expect(verifier.applies({})).toBe(false);
    expect(verifier.applies({ 'x-other': 'v1,abc' })).toBe(false);
    expect(verifier.applies({ 'webhook-signature': 'v1,abc' })).toBe(true);
    expect(verifier.applies({ 'svix-id': 'msg_1' })).toBe(true);
  });

  it('refuses a body changed by a single byte, and whitespace re-serialisation', () => {
    expect(verifier.verify(Buffer.from('{"test": 2432232315}'), headers(VECTOR.signature), now).ok).toBe(false);
    expect(verifier.verify(Buffer.from('{"test":2432232314}'), headers(VECTOR.signature), now).ok).toBe(false);
  });

  it('binds the signature to the message id and the timestamp', () => {
    expect(verifier.verify(body, headers(VECTOR.signature, 'msg_other'), now).ok).toBe(false);
    expect(verifier.verify(body, headers(VECTOR.signature, VECTOR.id, VECTOR.timestamp + 1), now).ok).toBe(false);
  });

  it('accepts timestamps up to the tolerance either way and refuses beyond it', () => {
    expect(verifier.verify(body, headers(VECTOR.signature), at(VECTOR.timestamp + 300)).ok).toBe(true);
    expect(verifier.verify(body, headers(VECTOR.signature), at(VECTOR.timestamp - 300)).ok).toBe(true);
    const old = verifier.verify(body, headers(VECTOR.signature), at(VECTOR.timestamp + 301));
    expect(old).toEqual({ ok: false, reason: expect.stringContaining('too old') });
    const future = verifier.verify(body, headers(VECTOR.signature), at(VECTOR.timestamp - 301));
    expect(future).toEqual({ ok: false, reason: expect.stringContaining('in the future') });
  });

  it('uses the configured tolerance', () => {
    const strict = new StandardWebhooksVerifier([VECTOR.secret], 10);
    expect(strict.verify(body, headers(VECTOR.signature), at(VECTOR.timestamp + 10)).ok).toBe(true);
    expect(strict.verify(body, headers(VECTOR.signature), at(VECTOR.timestamp + 11)).ok).toBe(false);
  });

  it('accepts a header with several signatures when any one is valid', () => {
    const other = sign('whsec_' + Buffer.alloc(24, 7).toString('base64'), VECTOR.id, VECTOR.timestamp, VECTOR.body);
    expect(verifier.verify(body, headers(`${other} ${VECTOR.signature}`), now).ok).toBe(true);
    expect(verifier.verify(body, headers(`v2,abc ${VECTOR.signature} v1,AAAA`), now).ok).toBe(true);
    expect(verifier.verify(body, headers(`${other} v1,AAAA`), now).ok).toBe(false);
  });

  it('tries every configured secret (rotation), whsec_ and raw alike', () => {
    const raw = 'a-raw-shared-secret';
    const rotated = new StandardWebhooksVerifier(['whsec_' + Buffer.alloc(24, 1).toString('base64'), raw, VECTOR.secret], 300);
    expect(rotated.verify(body, headers(VECTOR.signature), now).ok).toBe(true);
    expect(rotated.verify(body, headers(sign(raw, VECTOR.id, VECTOR.timestamp, VECTOR.body)), now).ok).toBe(true);
    const alone = new StandardWebhooksVerifier(['whsec_' + Buffer.alloc(24, 1).toString('base64')], 300);
    expect(alone.verify(body, headers(VECTOR.signature), now)).toEqual({ ok: false, reason: 'no signature matches any configured secret' });
  });

  it.each([
    ['no id', { 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature }, 'missing'],
    ['no timestamp', { 'webhook-id': VECTOR.id, 'webhook-signature': VECTOR.signature }, 'missing'],
    ['no signature', { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp) }, 'missing'],
    ['a timestamp in milliseconds', headers(VECTOR.signature, VECTOR.id, VECTOR.timestamp * 1000), 'not a Unix time'],
    ['a non-numeric timestamp', headers(VECTOR.signature, VECTOR.id, 'yesterday'), 'not a Unix time'],
    ['a signature without version', headers(VECTOR.signature.slice(3)), 'no v1 signature'],
    ['only other versions', headers(`v1a,${VECTOR.signature.slice(3)}`), 'no v1 signature'],
    ['an empty v1 signature', headers('v1,'), 'no signature matches'],
    ['a signature that is not base64', headers('v1,%%%%'), 'no signature matches'],
    ['a truncated signature', headers(VECTOR.signature.slice(0, 20)), 'no signature matches'],
    ['the right signature with trailing junk', headers(`${VECTOR.signature}junk`), 'no signature matches'],
    ['the right signature without its padding', headers(VECTOR.signature.replace(/=+$/, '')), 'no signature matches'],
    ['the right signature in the url-safe alphabet', headers(VECTOR.signature.replace(/\+/g, '-').replace(/\//g, '_')), 'no signature matches'],
    ['the right signature with a space inside', headers(`${VECTOR.signature.slice(0, 10)}\t${VECTOR.signature.slice(10)}`), 'no signature matches'],
  ])('refuses %s with a reason', (_label, given, reason) => {
    const result = verifier.verify(body, given, now);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});
