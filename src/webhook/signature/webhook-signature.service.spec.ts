import { createHmac } from 'node:crypto';
import { parseConfig } from '../../config/app-config.schema';
import { WebhookSignatureService } from './webhook-signature.service';

const SECRET = 'plain-shared-secret';
const body = Buffer.from('{"id":"evt_1"}');
const service = (env: Record<string, string>) => new WebhookSignatureService(parseConfig(env));

describe('WebhookSignatureService', () => {
  it('accepts anything, with scheme "none", only when no secret is configured', () => {
    expect(service({}).verify(body, {})).toEqual({ ok: true, scheme: 'none' });
    expect(service({ WEBHOOK_SECRETS: SECRET }).verify(body, {}).ok).toBe(false);
  });

  it('names what it expected when the request carries no signature at all', () => {
    const result = service({ WEBHOOK_SECRETS: SECRET, WEBHOOK_SIGNATURE_HEADER: 'X-Signature' }).verify(body, {});
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/missing signature.*webhook-signature.*x-signature/) });
  });

  it('ignores the plain-HMAC header unless WEBHOOK_SIGNATURE_HEADER names it', () => {
    const mac = createHmac('sha256', SECRET).update(body).digest('hex');
    expect(service({ WEBHOOK_SECRETS: SECRET }).verify(body, { 'x-signature': mac }).ok).toBe(false);
    expect(service({ WEBHOOK_SECRETS: SECRET, WEBHOOK_SIGNATURE_HEADER: 'X-Signature' }).verify(body, { 'x-signature': mac })).toEqual({
      ok: true,
      scheme: 'hmac-sha256',
    });
  });

  it('passes when any applicable scheme passes, and reports every failing scheme otherwise', () => {
    const signatures = service({ WEBHOOK_SECRETS: SECRET, WEBHOOK_SIGNATURE_HEADER: 'x-signature' });
    const mac = createHmac('sha256', SECRET).update(body).digest('hex');
    const brokenStandard = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' };
    expect(signatures.verify(body, { ...brokenStandard, 'x-signature': mac }).ok).toBe(true);
    const result = signatures.verify(body, { ...brokenStandard, 'x-signature': '00'.repeat(32) });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/standard-webhooks: .*; hmac-sha256: /) });
  });
});
