import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConnectionsService } from '../../src/connections/connections.service';
import { adminHeaders, createTestApp, http, TEST_ADMIN_TOKEN } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { samplePayload, standardHeaders } from '../support/sign';

const SECRET_KEY = 'sk_live_connection_secret_4f1c2a';
const SECRET_PASSWORD = 'pw-connection-secret-9b7e';
const REPLACED_KEY = 'sk_live_replacement_secret_77d0';

describe('connections admin', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { ADMIN_READONLY_TOKENS: 'read-only-token-abcdef' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const admin = () => ({
    post: (path: string, body: unknown) => http(app).post(path).set(adminHeaders()).send(body as object),
    patch: (path: string, body: unknown) => http(app).patch(path).set(adminHeaders()).send(body as object),
    get: (path: string) => http(app).get(path).set(adminHeaders()),
    delete: (path: string) => http(app).delete(path).set(adminHeaders()),
  });
  const newConnection = (overrides: Record<string, unknown> = {}) => ({
    name: 'Acme Greenhouse',
    provider: 'sandbox',
    accountId: 'acc_acme',
    teamId: 'team_sales',
    credentials: { apiKey: SECRET_KEY, nested: { password: SECRET_PASSWORD } },
    settings: { defaultPhoneRegion: 'GB' },
    ...overrides,
  });

  /** Every text of every row of every table: the secret must be in none of them, in any form. */
  async function databaseText(): Promise<string> {
    const tables: Array<{ table_name: string }> = await db.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const parts: string[] = [];
    for (const { table_name } of tables) {
      const rows: Array<{ row: string }> = await db.dataSource.query(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
      parts.push(...rows.map((r) => r.row));
    }
    return parts.join('\n');
  }

  function expectNoSecrets(body: unknown) {
    const text = JSON.stringify(body);
    for (const secret of [SECRET_KEY, SECRET_PASSWORD, REPLACED_KEY]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/"credentials(Encrypted)?"/);
    expect(text).not.toContain('credentials_encrypted');
  }

  describe('CRUD', () => {
    let id: string;

    it('creates a connection and answers it without its credentials', async () => {
      const res = await admin().post('/admin/connections', newConnection());
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Acme Greenhouse',
        provider: 'sandbox',
        accountId: 'acc_acme',
        teamId: 'team_sales',
        settings: { defaultPhoneRegion: 'GB' },
        enabled: true,
        hasCredentials: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        // Answered as the create commits: the first refresh (no scheduler in this app) has not run.
        directory: { candidates: 0, complete: false, running: false, pages: 0, lastFullRefreshAt: null },
      });
      expectNoSecrets(res.body);
      id = res.body.id;
    });

    it('stores the credentials encrypted: the row never holds them readably', async () => {
      const [row] = await db.dataSource.query('SELECT credentials_encrypted FROM connections WHERE id = $1', [id]);
      expect(row.credentials_encrypted).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      const everything = await databaseText();
      for (const secret of [SECRET_KEY, SECRET_PASSWORD]) {
        expect(everything).not.toContain(secret);
        expect(everything).not.toContain(Buffer.from(secret).toString('base64'));
        expect(everything).not.toContain(Buffer.from(secret).toString('hex'));
      }
      // …and only the service decrypts them, for the adapters.
      const { ctx } = await app.get(ConnectionsService).context(id);
      expect(ctx.credentials).toEqual({ apiKey: SECRET_KEY, nested: { password: SECRET_PASSWORD } });
    });

    it('gets and lists it, without credentials', async () => {
      const one = await admin().get(`/admin/connections/${id}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id, name: 'Acme Greenhouse', hasCredentials: true });
      expectNoSecrets(one.body);

      const list = await admin().get('/admin/connections');
      expect(list.status).toBe(200);
      const items = list.body.items ?? list.body;
      expect(items.map((c: { id: string }) => c.id)).toContain(id);
      expectNoSecrets(list.body);

      const filtered = await admin().get('/admin/connections?accountId=acc_nobody');
      expect(filtered.body.items ?? filtered.body).toEqual([]);
    });

    it('patches fields and leaves the others alone', async () => {
      const res = await admin().patch(`/admin/connections/${id}`, { name: 'Acme (renamed)', teamId: null, enabled: false });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, name: 'Acme (renamed)', teamId: null, enabled: false, accountId: 'acc_acme', hasCredentials: true });
      expectNoSecrets(res.body);
      const { ctx } = await app.get(ConnectionsService).context(id);
      expect(ctx.credentials).toEqual({ apiKey: SECRET_KEY, nested: { password: SECRET_PASSWORD } });
    });

    it('replaces the credentials as a whole on PATCH, still encrypted and never answered', async () => {
      const res = await admin().patch(`/admin/connections/${id}`, { credentials: { apiKey: REPLACED_KEY }, enabled: true });
      expect(res.status).toBe(200);
      expectNoSecrets(res.body);
      const { ctx } = await app.get(ConnectionsService).context(id);
      expect(ctx.credentials).toEqual({ apiKey: REPLACED_KEY });
      expect(await databaseText()).not.toContain(REPLACED_KEY);
    });

    it('creates a connection without credentials', async () => {
      const { credentials: _omitted, ...body } = newConnection({ name: 'No credentials', teamId: undefined });
      const res = await admin().post('/admin/connections', body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ hasCredentials: false, teamId: null });
    });

    it('deletes it: then 404 everywhere, gone from the list, and no event routes to it', async () => {
      expect((await admin().delete(`/admin/connections/${id}`)).status).toBe(204);
      expect((await admin().get(`/admin/connections/${id}`)).status).toBe(404);
      expect((await admin().patch(`/admin/connections/${id}`, { name: 'x' })).status).toBe(404);
      expect((await admin().delete(`/admin/connections/${id}`)).status).toBe(404);
      const list = await admin().get('/admin/connections?accountId=acc_acme');
      expect((list.body.items ?? list.body).map((c: { id: string }) => c.id)).not.toContain(id);

      const body = JSON.stringify(samplePayload((p) => ((p.id = 'evt_after_delete'), (p.data.organization = { accountId: 'acc_acme', teamId: 'team_sales' }))));
      const res = await http(app).post('/webhooks/meetings').set(standardHeaders(body)).send(body);
      expect(res.body).toEqual({ status: 'accepted' });
      const syncs = await db.dataSource.query(`SELECT connection_id FROM syncs WHERE event_id = 'evt_after_delete'`);
      expect(syncs.map((s: { connection_id: string }) => s.connection_id)).not.toContain(id);
    });

    it.each(['00000000-0000-4000-8000-000000000000', 'not-a-uuid', "1' OR '1'='1"])('answers 404 for an unknown id (%s)', async (unknown) => {
      const res = await admin().get(`/admin/connections/${encodeURIComponent(unknown)}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('invalid bodies: 400 naming each path, nothing stored', () => {
    let before: number;
    beforeEach(async () => {
      before = (await db.dataSource.query('SELECT count(*)::int AS n FROM connections'))[0].n;
    });
    afterEach(async () => {
      expect((await db.dataSource.query('SELECT count(*)::int AS n FROM connections'))[0].n).toBe(before);
    });

    const paths = (res: { body: { details?: Array<{ path: string }> } }) => (res.body.details ?? []).map((d) => d.path).sort();

    it.each<[string, unknown, string[]]>([
      ['an empty body', {}, ['$.accountId', '$.name', '$.provider']],
      ['a blank name', { ...newConnection(), name: '   ' }, ['$.name']],
      ['a numeric accountId', { ...newConnection(), accountId: 5 }, ['$.accountId']],
      ['credentials that are not an object', { ...newConnection(), credentials: 'sk_live_in_a_string' }, ['$.credentials']],
      ['credentials as an array', { ...newConnection(), credentials: ['a'] }, ['$.credentials']],
      ['settings that are not an object', { ...newConnection(), settings: 3 }, ['$.settings']],
      ['enabled as a string', { ...newConnection(), enabled: 'yes' }, ['$.enabled']],
      ['unknown fields', { ...newConnection(), secretKey: 'x', owner: 'y' }, ['$.owner', '$.secretKey']],
      ['an unknown provider', { ...newConnection(), provider: 'not-an-ats' }, ['$.provider']],
    ])('on create: %s', async (_label, body, expected) => {
      const res = await admin().post('/admin/connections', body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', message: expect.any(String) });
      expect(paths(res)).toEqual(expected);
      expectNoSecrets(res.body);
      expect(JSON.stringify(res.body)).not.toContain('sk_live_in_a_string');
    });

    it('on create: malformed JSON', async () => {
      const res = await http(app).post('/admin/connections').set({ ...adminHeaders(), 'content-type': 'application/json' }).send('{"name": ');
      expect(res.status).toBe(400);
    });

    it.each<[string, unknown, string[]]>([
      ['an unknown provider', { provider: 'not-an-ats' }, ['$.provider']],
      ['a blank accountId', { accountId: ' ' }, ['$.accountId']],
      ['credentials set to null', { credentials: null }, ['$.credentials']],
      ['an unknown field', { id: '00000000-0000-4000-8000-000000000000' }, ['$.id']],
    ])('on patch: %s', async (_label, body, expected) => {
      const created = await admin().post('/admin/connections', newConnection({ name: 'Patch target' }));
      before += 1;
      const res = await admin().patch(`/admin/connections/${created.body.id}`, body);
      expect(res.status).toBe(400);
      expect(paths(res)).toEqual(expected);
      const unchanged = await admin().get(`/admin/connections/${created.body.id}`);
      expect(unchanged.body).toMatchObject({ provider: 'sandbox', accountId: 'acc_acme', hasCredentials: true });
    });
  });

  describe('authentication', () => {
    const routes: Array<[string, string]> = [
      ['POST', '/admin/connections'],
      ['GET', '/admin/connections'],
      ['GET', '/admin/connections/00000000-0000-4000-8000-000000000000'],
      ['PATCH', '/admin/connections/00000000-0000-4000-8000-000000000000'],
      ['DELETE', '/admin/connections/00000000-0000-4000-8000-000000000000'],
    ];
    const call = (method: string, path: string, headers: Record<string, string>) => {
      const client = http(app);
      const req = method === 'POST' ? client.post(path) : method === 'PATCH' ? client.patch(path) : method === 'DELETE' ? client.delete(path) : client.get(path);
      return req.set(headers).send(method === 'POST' || method === 'PATCH' ? newConnection() : undefined);
    };

    it.each(routes)('%s %s answers 401 without a token, with a wrong one, or another scheme', async (method, path) => {
      for (const headers of [
        {} as Record<string, string>,
        { authorization: 'Bearer wrong-token' },
        { authorization: `Bearer ${TEST_ADMIN_TOKEN}x` },
        { authorization: `Basic ${Buffer.from(`admin:${TEST_ADMIN_TOKEN}`).toString('base64')}` },
        { authorization: TEST_ADMIN_TOKEN },
        { authorization: 'Bearer ' },
      ]) {
        const res = await call(method, path, headers);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ code: 'UNAUTHORIZED' });
      }
      expect((await db.dataSource.query(`SELECT count(*)::int AS n FROM connections WHERE name = 'Acme Greenhouse' AND deleted_at IS NULL`))[0].n).toBe(0);
    });

    it('lets a read-only token read but not write', async () => {
      const readOnly = { authorization: 'Bearer read-only-token-abcdef' };
      expect((await http(app).get('/admin/connections').set(readOnly)).status).toBe(200);
      expect((await http(app).post('/admin/connections').set(readOnly).send(newConnection())).status).toBe(403);
    });
  });
});

describe('connections admin without ADMIN_TOKEN', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { ADMIN_TOKEN: undefined, NODE_ENV: 'development' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('is disabled, never open: 401 with or without a token, and nothing created', async () => {
    for (const headers of [{}, adminHeaders(), { authorization: 'Bearer ' }]) {
      const create = await http(app).post('/admin/connections').set(headers).send({ name: 'x', provider: 'sandbox', accountId: 'a' });
      expect(create.status).toBe(401);
      expect(create.body).toMatchObject({ code: 'ADMIN_DISABLED' });
      expect((await http(app).get('/admin/connections').set(headers)).status).toBe(401);
    }
    expect(await db.dataSource.query('SELECT id FROM connections')).toEqual([]);
  });

  it('still serves the webhook and health', async () => {
    expect((await http(app).get('/health')).status).toBe(200);
    const body = JSON.stringify(samplePayload());
    expect((await http(app).post('/webhooks/meetings').set(standardHeaders(body)).send(body)).body).toEqual({ status: 'accepted' });
  });
});
