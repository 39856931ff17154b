import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AshbyFakeServer, ALL_ASHBY_PERMISSIONS } from '../fakes/ashby-fake-server';
import { BullhornFakeServer } from '../fakes/bullhorn-fake-server';
import { GreenhouseFakeServer } from '../fakes/greenhouse-fake-server';
import { LeverFakeServer } from '../fakes/lever-fake-server';
import { WorkableFakeServer } from '../fakes/workable-fake-server';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';

const ASHBY_KEY = 'ashby-key-do-not-leak-5c1e';

/** A host that must never receive anything: records every request and what it carried. */
class Listener {
  readonly received: Array<{ url: string; authorization: string | undefined; body: string }> = [];
  private server: Server | null = null;

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        this.received.push({ url: req.url ?? '', authorization: req.headers.authorization, body });
        res.writeHead(500, { 'content-type': 'text/plain' }).end('listener internals: db=10.0.0.5');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

describe('connection contract through the admin API', () => {
  const greenhouse = new GreenhouseFakeServer();
  const lever = new LeverFakeServer('lever-key', 'user-key-owner');
  const ashby = new AshbyFakeServer();
  const bullhorn = new BullhornFakeServer();
  const workable = new WorkableFakeServer('wk-token');
  const listener = new Listener();
  let db: TestDatabase;
  let app: NestFastifyApplication;

  const FAST = { timeoutMs: 2000, rateLimit: { limit: 200, intervalMs: 1000 } };
  /** Valid credentials and settings for every provider, pointed at its fake. */
  const valid = (): Record<string, { credentials: Record<string, unknown>; settings: Record<string, unknown> }> => ({
    greenhouse: {
      credentials: { clientId: greenhouse.clientId, clientSecret: greenhouse.clientSecret },
      settings: { baseUrl: greenhouse.baseUrl, authUrl: greenhouse.url, ...FAST },
    },
    lever: { credentials: { apiKey: lever.apiKey }, settings: { baseUrl: lever.baseUrl, ...FAST } },
    ashby: { credentials: { apiKey: ASHBY_KEY }, settings: { baseUrl: ashby.url, ...FAST } },
    bullhorn: {
      credentials: {
        clientId: bullhorn.client.id,
        clientSecret: bullhorn.client.secret,
        username: bullhorn.apiUser.username,
        password: bullhorn.apiUser.password,
      },
      settings: { authUrl: bullhorn.url, baseUrl: bullhorn.url, ...FAST },
    },
    workable: { credentials: { token: workable.token }, settings: { baseUrl: workable.baseUrl, ...FAST } },
  });
  const PROVIDERS = ['greenhouse', 'lever', 'ashby', 'bullhorn', 'workable'] as const;
  const URL_SETTINGS: Record<string, string[]> = {
    greenhouse: ['baseUrl', 'authUrl'],
    lever: ['baseUrl'],
    ashby: ['baseUrl'],
    bullhorn: ['authUrl', 'restLoginUrl', 'loginInfoUrl', 'baseUrl'],
    workable: ['baseUrl'],
  };

  const admin = {
    post: (path: string, body?: unknown) => http(app).post(path).set(adminHeaders()).send(body as object),
    patch: (path: string, body: unknown) => http(app).patch(path).set(adminHeaders()).send(body as object),
  };
  let accounts = 0;
  const create = (provider: string, overrides: { credentials?: unknown; settings?: unknown } = {}) =>
    admin.post('/admin/connections', {
      name: `Acme ${provider}`,
      provider,
      accountId: `acc_contract_${++accounts}`,
      credentials: overrides.credentials ?? valid()[provider]!.credentials,
      settings: overrides.settings ?? valid()[provider]!.settings,
    });
  const paths = (body: { details?: Array<{ path: string }> }) => (body.details ?? []).map((d) => d.path).sort();

  beforeAll(async () => {
    await Promise.all([greenhouse.start(), lever.start(), ashby.start(), bullhorn.start(), workable.start(), listener.start()]);
    greenhouse.users.push({ id: 4242, name: 'Debrief Bot', first_name: 'Debrief', last_name: 'Bot', primary_email: 'bot@acme.test', deactivated: false });
    lever.users.push({ id: 'user-key-owner', name: 'Integration Key', email: 'it@acme.test', accessRole: 'super admin', deactivatedAt: null });
    const keyOwner = ashby.addUser({ email: 'integrations@acme.test', firstName: 'Integration', lastName: 'Key' });
    ashby.addKey(ASHBY_KEY, ALL_ASHBY_PERMISSIONS, keyOwner.id);
    bullhorn.apiUserId = 7;
    bullhorn.addUser({ id: 7, email: 'api@acme.test', firstName: 'Api', lastName: 'User' });
    db = await createTestDatabase();
    // Only the fakes' ports are listed: the listener shares their address but not their port.
    const fakes = [greenhouse.url, lever.baseUrl, ashby.url, bullhorn.url, workable.baseUrl].map((u) => new URL(u).host);
    app = await createTestApp(db.url, { ATS_ALLOWED_HOSTS: fakes.join(',') });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await Promise.all([greenhouse.stop(), lever.stop(), ashby.stop(), bullhorn.stop(), workable.stop(), listener.stop()]);
  });

  it.each(PROVIDERS)('%s: accepts its valid settings and refuses bad ones with a 400 naming each path', async (provider) => {
    expect((await create(provider)).status).toBe(201);
    const bad = await create(provider, {
      settings: { ...valid()[provider]!.settings, rateLimit: { limit: 1e-9, intervalMs: 1000 }, timeoutMs: -1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(paths(bad.body)).toEqual(['$.settings.rateLimit.limit', '$.settings.timeoutMs']);

    const noCredentials = await create(provider, { credentials: {} });
    expect(noCredentials.status).toBe(400);
    expect(paths(noCredentials.body)).toEqual(Object.keys(valid()[provider]!.credentials).map((k) => `$.credentials.${k}`).sort());

    for (const key of URL_SETTINGS[provider]!) {
      for (const target of [listener.url, 'http://169.254.169.254/latest', 'http://10.0.0.5', 'file:///etc/passwd', `https://x.example@127.0.0.1`]) {
        const res = await create(provider, { settings: { ...valid()[provider]!.settings, [key]: target } });
        expect(res.status).toBe(400);
        expect(paths(res.body)).toEqual([`$.settings.${key}`]);
      }
    }
  });

  it('answers an unknown provider with a 400 naming the providers', async () => {
    const res = await create('greenhous', { credentials: {}, settings: {} });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ path: '$.provider', message: expect.stringContaining('greenhouse') }]);
    expect(res.body.details[0].message).toContain('workable');
  });

  it('PATCH validates the merged connection and needs the credentials to move them', async () => {
    const created = await create('lever');
    const id = created.body.id as string;

    const limit = await admin.patch(`/admin/connections/${id}`, { settings: { ...valid().lever!.settings, rateLimit: { limit: 1e-9, intervalMs: 1000 } } });
    expect(limit.status).toBe(400);
    expect(paths(limit.body)).toEqual(['$.settings.rateLimit.limit']);

    const moved = await admin.patch(`/admin/connections/${id}`, { settings: { ...valid().lever!.settings, baseUrl: `${ashby.url}/v1` } });
    expect(moved.status).toBe(400);
    expect(paths(moved.body)).toEqual(['$.settings.baseUrl']);
    expect(moved.body.details[0].message).toContain('credentials');

    const otherProvider = await admin.patch(`/admin/connections/${id}`, { provider: 'ashby' });
    expect(otherProvider.status).toBe(400);
    expect(paths(otherProvider.body)).toEqual(['$.provider']);

    // With the credentials in the same request the move is the operator's own.
    const withKey = await admin.patch(`/admin/connections/${id}`, {
      credentials: { apiKey: lever.apiKey },
      settings: { ...valid().lever!.settings, baseUrl: `${ashby.url}/v1` },
    });
    expect(withKey.status).toBe(200);
    // Settings that do not move the credentials change without them; the merged result is still judged.
    expect((await admin.patch(`/admin/connections/${id}`, { settings: { ...withKey.body.settings, userId: 'user-key-owner' } })).status).toBe(200);
    expect((await admin.patch(`/admin/connections/${id}`, { name: 'Renamed' })).status).toBe(200);
    const wrongKeys = await admin.patch(`/admin/connections/${id}`, { credentials: { token: 'x' } });
    expect(paths(wrongKeys.body)).toEqual(['$.credentials.apiKey', '$.credentials.token']);
  });

  it.each(PROVIDERS)('%s: a stored URL setting pointing at an unlisted listener never receives the credentials', async (provider) => {
    const created = await create(provider);
    expect(created.status).toBe(201);
    // As a connection stored before the rule, or after its host left ATS_ALLOWED_HOSTS, would be.
    const settings = { ...valid()[provider]!.settings };
    for (const key of URL_SETTINGS[provider]!) if (key in settings) settings[key] = `${listener.url}/x`;
    await db.dataSource.query(`UPDATE connections SET settings = $2::jsonb WHERE id = $1`, [created.body.id, JSON.stringify(settings)]);

    const res = await admin.post(`/admin/connections/${created.body.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.checks).toEqual(expect.arrayContaining([expect.objectContaining({ ok: false, code: 'CONFIGURATION' })]));
    expect(JSON.stringify(res.body)).toContain('loopback');
    expect(listener.received).toEqual([]);
  });

  it.each(PROVIDERS)('%s: without settings.userId the test passes with a warning and re-arms', async (provider) => {
    const created = await create(provider);
    const id = created.body.id as string;
    // A sync that failed for want of a working credential, made through real intake.
    const eventId = `evt_contract_${provider}`;
    const accountId = created.body.accountId as string;
    const intake = await sendWebhook(app, samplePayload((p) => {
      p.id = eventId;
      p.data.organization.accountId = accountId;
    }));
    expect(intake.body).toEqual({ status: 'accepted' });
    const [sync] = await db.dataSource.query(`SELECT id FROM syncs WHERE event_id = $1 AND connection_id = $2`, [eventId, id]);
    await db.dataSource.query(
      `UPDATE syncs SET status = 'failed', attempts = 1, last_error_code = 'AUTH_FAILED', last_error_message = 'test' WHERE id = $1`,
      [sync.id],
    );

    const res = await admin.post(`/admin/connections/${id}/test`);
    expect(res.status).toBe(200);
    const fallback = res.body.checks.find((c: { check: string }) => c.check === 'fallback author');
    expect(fallback).toEqual({
      check: 'fallback author',
      ok: false,
      severity: 'advisory',
      code: 'CONFIGURATION',
      detail: expect.stringMatching(/^settings\.userId is not set: meetings whose owner is not an? \w+ (user|member) cannot be filed$/),
    });
    expect(res.body.checks.filter((c: { ok: boolean; severity?: string }) => !c.ok && c.severity !== 'advisory')).toEqual([]);
    expect(res.body).toMatchObject({ ok: true, rearmed: 1 });
    const [row] = await db.dataSource.query(`SELECT status FROM syncs WHERE id = $1`, [sync.id]);
    expect(row.status).toBe('pending');
  });
});
