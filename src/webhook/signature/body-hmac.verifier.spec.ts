import { createHmac } from 'node:crypto';
import { BodyHmacVerifier } from './body-hmac.verifier';

const SECRET = 'plain-shared-secret';
const body = Buffer.from('{"id":"evt_1"}');
const hex = (secret: string, data: Buffer) => createHmac('sha256', secret).update(data).digest('hex');

describe('BodyHmacVerifier', () => {
  const verifier = new BodyHmacVerifier(['older-secret', SECRET], 'x-signature');

  it('applies only when the configured header is present', () => {
    expect(verifier.applies({})).toBe(false);
    expect(verifier.applies({ 'x-signature': 'abc' })).toBe(true);
  });

  it('accepts the hex HMAC of the body with or without sha256=, in either case', () => {
    const mac = hex(SECRET, body);
    expect(verifier.verify(body, { 'x-signature': mac })).toEqual({ ok: true, scheme: 'hmac-sha256' });
    expect(verifier.verify(body, { 'x-signature': `sha256=${mac}` }).ok).toBe(true);
    expect(verifier.verify(body, { 'x-signature': `SHA256=${mac.toUpperCase()}` }).ok).toBe(true);
  });

  it('accepts any configured secret', () => {
    expect(verifier.verify(body, { 'x-signature': hex('older-secret', body) }).ok).toBe(true);
  });

  it.each([
    ['a wrong secret', hex('wrong', body), 'does not match'],
    ['another body', hex(SECRET, Buffer.from('{"id":"evt_2"}')), 'does not match'],
    ['a non-hex value', 'not-a-signature', 'not a hex'],
    ['a truncated value', hex(SECRET, body).slice(0, 40), 'not a hex'],
    ['an empty value', '', 'not a hex'],
  ])('refuses %s', (_label, value, reason) => {
    expect(verifier.verify(body, { 'x-signature': value })).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});
