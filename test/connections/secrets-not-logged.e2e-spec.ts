import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHmac, randomBytes } from 'node:crypto';
import { createApp } from '../../src/app.factory';
import { parseConfig } from '../../src/config/app-config.schema';
import { createTestDatabase, TestDatabase } from '../support/database';
import { drain } from '../support/fixtures';
import { http } from '../support/app';
import { samplePayload, standardHeaders } from '../support/sign';

/**
 * Runs the app as production logs it (pino, LOG_LEVEL=debug, Nest's own logs through pino too) while an
 * operator configures a connection and the provider sends webhooks, and reads every line written: no
 * secret may appear in any of them, in any encoding.
 */
const ADMIN_TOKEN = `admin-${randomBytes(12).toString('hex')}`;
const WEBHOOK_KEY = randomBytes(24);
const WEBHOOK_SECRET = `whsec_${WEBHOOK_KEY.toString('base64')}`;
const HMAC_SECRET = `hmac-${randomBytes(12).toString('hex')}`;
const ENCRYPTION_KEY = randomBytes(32).toString('hex');
const API_KEY = `sk_live_${randomBytes(12).toString('hex')}`;
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const NEW_API_KEY = `sk_live_${randomBytes(12).toString('hex')}`;

describe('secrets never reach the logs', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  const lines: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = parseConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
      WEBHOOK_SECRETS: `${WEBHOOK_SECRET},${HMAC_SECRET}`,
      WEBHOOK_SIGNATURE_HEADER: 'x-signature',
      ADMIN_TOKEN,
      ENCRYPTION_KEY,
      WORKER_ENABLED: 'false',
      SCHEDULER_ENABLED: 'false',
      DATABASE_URL: db.url,
    });
    app = await createApp({ config, databaseUrl: db.url, logDestination: { write: (line: string) => void lines.push(line) } });
    await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('logs requests and outcomes, with the Authorization header redacted and no secret anywhere', async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const created = await http(app)
      .post('/admin/connections')
      .set(auth)
      .send({
        name: 'Logged',
        provider: 'sandbox',
        accountId: 'acc_554433',
        credentials: { apiKey: API_KEY, password: PASSWORD },
        settings: { candidates: [{ id: 'cand-1', firstName: 'First', lastName: 'Last', phones: ['+12345678900'] }] },
      });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await http(app).get(`/admin/connections/${id}`).set(auth)).status).toBe(200);
    expect((await http(app).get('/admin/connections').set(auth)).status).toBe(200);
    expect((await http(app).patch(`/admin/connections/${id}`).set(auth).send({ credentials: { apiKey: NEW_API_KEY } })).status).toBe(200);
    // Refused requests log too: a bad body carrying credentials, a wrong token, a bad signature.
    expect((await http(app).post('/admin/connections').set(auth).send({ provider: 'nope', credentials: { apiKey: API_KEY } })).status).toBe(400);
    expect((await http(app).get('/admin/connections').set({ authorization: `Bearer ${ADMIN_TOKEN}-wrong` })).status).toBe(401);

    const body = JSON.stringify(samplePayload());
    expect((await http(app).post('/webhooks/meetings').set(standardHeaders(body, WEBHOOK_SECRET)).send(body)).body).toEqual({ status: 'accepted' });
    const other = JSON.stringify(samplePayload((p) => (p.id = 'evt_hmac')));
    const mac = createHmac('sha256', HMAC_SECRET).update(other).digest('hex');
    expect((await http(app).post('/webhooks/meetings').set({ 'content-type': 'application/json', 'x-signature': mac }).send(other)).status).toBe(200);
    const forged = standardHeaders(body, `whsec_${randomBytes(24).toString('base64')}`);
    expect((await http(app).post('/webhooks/meetings').set(forged).send(body)).status).toBe(401);
    // The worker decrypts the credentials to post the note: its logs are checked as well.
    await drain(app);

    const output = lines.join('');
    // The capture works: access lines naming each request, and the intake's own lines.
    expect(output).toContain('webhook received');
    expect(output).toContain('request completed');
    const access = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request completed');
    expect(access.find((entry) => entry.req.url === '/webhooks/meetings' && entry.eventId === 'evt_hmac')).toMatchObject({
      service: 'debrief',
      res: { statusCode: 200 },
      outcome: 'accepted',
      syncs: 1,
    });
    // One line per webhook request, refused ones included (three were sent).
    expect(access.filter((entry) => entry.req.url === '/webhooks/meetings').map((entry) => entry.res.statusCode)).toEqual([200, 200, 401]);
    // Headers never reach the access log: neither the admin token nor any signature, under whatever name.
    for (const entry of access) expect(Object.keys(entry.req).sort()).toEqual(['id', 'method', 'remoteAddress', 'url', 'userAgent'].filter((k) => k in entry.req));
    for (const header of ['authorization', 'webhook-signature', 'x-signature', 'webhook-id']) expect(output).not.toContain(`"${header}"`);

    const secrets: Record<string, string> = {
      'admin token': ADMIN_TOKEN,
      'webhook secret': WEBHOOK_SECRET,
      'webhook key (base64 body)': WEBHOOK_SECRET.slice('whsec_'.length),
      'webhook key (hex)': WEBHOOK_KEY.toString('hex'),
      'plain HMAC secret': HMAC_SECRET,
      'encryption key': ENCRYPTION_KEY,
      'encryption key (base64)': Buffer.from(ENCRYPTION_KEY, 'hex').toString('base64'),
      'api key': API_KEY,
      password: PASSWORD,
      'replacement api key': NEW_API_KEY,
      'database URL': db.url,
    };
    for (const [what, secret] of Object.entries(secrets)) {
      expect({ what, leaked: output.includes(secret) }).toEqual({ what, leaked: false });
    }
  });
});
