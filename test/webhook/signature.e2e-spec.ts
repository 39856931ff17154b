import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHmac, randomBytes } from 'node:crypto';
import { createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { samplePayload, standardHeaders } from '../support/sign';

/**
 * The webhook's signature gate, end to end: every refusal is a 401 that says why and stores nothing; every
 * accepted form stores the event. Two Standard Webhooks secrets are configured (an older and a newer one, as
 * during a rotation) plus a raw secret for providers that sign the body only.
 */
const OLDER = `whsec_${randomBytes(24).toString('base64')}`;
const NEWER = `whsec_${randomBytes(32).toString('base64')}`;
const PLAIN = 'plain-body-secret-for-hmac';
const HMAC_HEADER = 'X-Meeting-Signature';
const now = () => Math.floor(Date.now() / 1000);

let counter = 0;
const freshBody = () => JSON.stringify(samplePayload((p) => (p.id = `evt_sig_${++counter}_${randomBytes(3).toString('hex')}`)));
const idOf = (body: string) => (JSON.parse(body) as { id: string }).id;
const hmacHex = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

describe('webhook signatures', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { WEBHOOK_SECRETS: `${NEWER}, ${OLDER},${PLAIN}`, WEBHOOK_SIGNATURE_HEADER: HMAC_HEADER });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const post = (body: string, headers: Record<string, string>) =>
    http(app).post('/webhooks/meetings').set({ 'content-type': 'application/json', ...headers }).send(body);
  const stored = async (id: string) => (await db.dataSource.query('SELECT signature_scheme FROM webhook_events WHERE id = $1', [id])) as Array<{ signature_scheme: string }>;

  async function expectAccepted(body: string, headers: Record<string, string>, scheme: string) {
    const res = await post(body, headers);
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { status: 'accepted' } });
    expect(await stored(idOf(body))).toEqual([{ signature_scheme: scheme }]);
  }

  async function expectRefused(body: string, headers: Record<string, string>, reason: RegExp) {
    const res = await post(body, headers);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 'INVALID_SIGNATURE', message: expect.stringMatching(reason) });
    expect(await stored(idOf(body))).toEqual([]);
  }

  describe('accepts', () => {
    it('a request signed with the newer secret', async () => {
      const body = freshBody();
      await expectAccepted(body, standardHeaders(body, NEWER), 'standard-webhooks');
    });

    it('a request signed with the older of two configured secrets (rotation)', async () => {
      const body = freshBody();
      await expectAccepted(body, standardHeaders(body, OLDER), 'standard-webhooks');
    });

    it('several signatures in one header where only one is valid', async () => {
      const body = freshBody();
      const headers = standardHeaders(body, NEWER);
      const wrong = standardHeaders(body, `whsec_${randomBytes(24).toString('base64')}`, { id: headers['webhook-id'], timestamp: Number(headers['webhook-timestamp']) });
      headers['webhook-signature'] = `${wrong['webhook-signature']} v1,bm90LWEtc2lnbmF0dXJl ${headers['webhook-signature']}`;
      await expectAccepted(body, headers, 'standard-webhooks');
    });

    it('the svix- header family', async () => {
      const body = freshBody();
      await expectAccepted(body, standardHeaders(body, OLDER, { family: 'svix' }), 'standard-webhooks');
    });

    it('a timestamp within the tolerance, in the past and in the future', async () => {
      const past = freshBody();
      await expectAccepted(past, standardHeaders(past, NEWER, { timestamp: now() - 240 }), 'standard-webhooks');
      const ahead = freshBody();
      await expectAccepted(ahead, standardHeaders(ahead, NEWER, { timestamp: now() + 240 }), 'standard-webhooks');
    });

    it('a plain HMAC-SHA256 hex of the body, with and without sha256=', async () => {
      const bare = freshBody();
      await expectAccepted(bare, { [HMAC_HEADER]: hmacHex(PLAIN, bare) }, 'hmac-sha256');
      const prefixed = freshBody();
      await expectAccepted(prefixed, { [HMAC_HEADER]: `sha256=${hmacHex(PLAIN, prefixed)}` }, 'hmac-sha256');
    });

    it('the raw body exactly as signed, whitespace and key order included', async () => {
      const body = `{ "createdAt": 1765198584697,\n  "eventType": "meeting.completed", "id": "evt_sig_spacing",
        "data": { "organization": { "accountId": "acc_x" }, "meeting": { "id": "mtg_x" } } }`;
      await expectAccepted(body, standardHeaders(body, NEWER), 'standard-webhooks');
      const [row] = await db.dataSource.query('SELECT raw_body FROM webhook_events WHERE id = $1', ['evt_sig_spacing']);
      expect(row.raw_body).toBe(body);
    });
  });

  describe('refuses with 401 and the reason, storing nothing', () => {
    it('a request without any signature header', async () => {
      const body = freshBody();
      await expectRefused(body, {}, /missing signature: expected webhook-id, webhook-timestamp and webhook-signature headers or a x-meeting-signature header/);
    });

    it.each([
      ['webhook-id', /missing webhook-id, webhook-timestamp or webhook-signature/],
      ['webhook-timestamp', /missing webhook-id, webhook-timestamp or webhook-signature/],
      ['webhook-signature', /missing webhook-id, webhook-timestamp or webhook-signature/],
    ])('a request without %s', async (name, reason) => {
      const body = freshBody();
      const headers = standardHeaders(body, NEWER);
      delete headers[name];
      await expectRefused(body, headers, reason);
    });

    it('a request signed with a secret that is not configured', async () => {
      const body = freshBody();
      await expectRefused(body, standardHeaders(body, `whsec_${randomBytes(24).toString('base64')}`), /no signature matches any configured secret/);
    });

    it('a body changed after signing', async () => {
      const body = freshBody();
      const headers = standardHeaders(body, NEWER);
      await expectRefused(body.replace('First Last', 'Other Person'), headers, /no signature matches/);
    });

    it('a body re-serialised after signing (same JSON, other bytes)', async () => {
      const body = freshBody();
      const headers = standardHeaders(body, NEWER);
      await expectRefused(JSON.stringify(JSON.parse(body), null, 2), headers, /no signature matches/);
    });

    it('a signature replayed under another message id', async () => {
      const body = freshBody();
      const headers = standardHeaders(body, NEWER);
      await expectRefused(body, { ...headers, 'webhook-id': 'msg_replayed' }, /no signature matches/);
    });

    it('a stale timestamp, even correctly signed', async () => {
      const body = freshBody();
      await expectRefused(body, standardHeaders(body, NEWER, { timestamp: now() - 3600 }), /webhook-timestamp is too old/);
    });

    it('a timestamp in the future beyond the tolerance', async () => {
      const body = freshBody();
      await expectRefused(body, standardHeaders(body, NEWER, { timestamp: now() + 3600 }), /webhook-timestamp is in the future/);
    });

    it.each([
      ['a bare base64 value', (sig: string) => sig.slice(3), /has no v1 signature/],
      ['an unknown version', (sig: string) => `v2,${sig.slice(3)}`, /has no v1 signature/],
      ['garbage', () => 'garbage', /has no v1 signature/],
      ['an empty v1 value', () => 'v1,', /no signature matches/],
      ['a truncated signature', (sig: string) => sig.slice(0, 12), /no signature matches/],
    ])('a malformed signature header: %s', async (_label, mangle, reason) => {
      const body = freshBody();
      const headers = standardHeaders(body, NEWER);
      headers['webhook-signature'] = mangle(headers['webhook-signature']);
      await expectRefused(body, headers, reason);
    });

    it('a timestamp that is not Unix seconds', async () => {
      const body = freshBody();
      const headers = standardHeaders(body, NEWER);
      await expectRefused(body, { ...headers, 'webhook-timestamp': new Date().toISOString() }, /not a Unix time in seconds/);
    });

    it('a plain HMAC made with a wrong secret', async () => {
      const body = freshBody();
      await expectRefused(body, { [HMAC_HEADER]: hmacHex('not-the-secret', body) }, /x-meeting-signature does not match any configured secret/);
    });

    it('a plain HMAC of another body', async () => {
      const body = freshBody();
      await expectRefused(body, { [HMAC_HEADER]: `sha256=${hmacHex(PLAIN, freshBody())}` }, /does not match any configured secret/);
    });

    it('a plain-HMAC header that is empty or not hex', async () => {
      const body = freshBody();
      await expectRefused(body, { [HMAC_HEADER]: '' }, /x-meeting-signature is not a hex SHA-256 HMAC/);
      await expectRefused(body, { [HMAC_HEADER]: 'sha256=zz' }, /x-meeting-signature is not a hex SHA-256 HMAC/);
    });

    it('an unsigned request even when its JSON is broken (the signature is checked before parsing)', async () => {
      const res = await post('{"id": "evt_broken"', {});
      expect(res.status).toBe(401);
    });

    it('and nothing refused ever reached the database', async () => {
      const rows = await db.dataSource.query(`SELECT count(*)::int AS n FROM webhook_events`);
      const syncs = await db.dataSource.query(`SELECT count(*)::int AS n FROM syncs`);
      // Only the accepted requests above: nine stored events, no connection so no sync.
      expect(rows[0].n).toBe(9);
      expect(syncs[0].n).toBe(0);
    });
  });
});
