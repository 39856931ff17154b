import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { CandidateDirectoryRepository } from '../../src/matching/candidate-directory.repository';
import { adminHeaders, createTestApp, http, TEST_READONLY_TOKEN } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';

/** The console's types are generated from this copy of the OpenAPI document (npm run console:api rewrites it). */
const CONSOLE_DOCUMENT = resolve(process.cwd(), 'console', 'src', 'api', 'openapi.json');

describe('admin routes for the operator console', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { ADMIN_READONLY_TOKENS: TEST_READONLY_TOKEN });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('the console is built against the OpenAPI document the service publishes', async () => {
    const live = `${JSON.stringify((await http(app).get('/docs/json')).body, null, 2)}\n`;
    if (process.env.UPDATE_CONSOLE_API === '1') writeFileSync(CONSOLE_DOCUMENT, live);
    const committed = readFileSync(CONSOLE_DOCUMENT, 'utf8');
    // Unequal: the admin API changed; `npm run console:api` refreshes the copy and the console's types.
    expect(committed === live).toBe(true);
  });

  it('GET /admin/session tells a read-only token from a full one', async () => {
    expect((await http(app).get('/admin/session').set(adminHeaders())).body).toEqual({ actor: expect.stringMatching(/^admin:/), readOnly: false });
    expect((await http(app).get('/admin/session').set(adminHeaders(TEST_READONLY_TOKEN))).body).toEqual({ actor: expect.stringMatching(/^readonly:/), readOnly: true });
    expect((await http(app).get('/admin/session')).status).toBe(401);
  });

  it('GET /admin/providers lists every provider with JSON Schemas of its credentials and settings, to read-only tokens too', async () => {
    const res = await http(app).get('/admin/providers').set(adminHeaders(TEST_READONLY_TOKEN));
    expect(res.status).toBe(200);
    const byName = new Map<string, any>(res.body.items.map((p: any) => [p.provider, p]));
    expect([...byName.keys()]).toEqual(expect.arrayContaining(['ashby', 'bullhorn', 'greenhouse', 'lever', 'sandbox', 'workable']));
    const greenhouse = byName.get('greenhouse');
    expect(greenhouse.credentialsSchema.properties).toEqual(expect.objectContaining({ clientId: expect.anything(), clientSecret: expect.anything() }));
    expect(greenhouse.credentialsSchema.required).toEqual(expect.arrayContaining(['clientId', 'clientSecret']));
    expect(greenhouse.settingsSchema.type).toBe('object');
    expect(greenhouse.capabilities.search).toContain('email');
  });

  it('GET /admin/connections/:id/candidates searches the directory by name, email and phone', async () => {
    const created = await http(app)
      .post('/admin/connections')
      .set(adminHeaders())
      .send({ name: 'Search', provider: 'sandbox', accountId: 'acc_search', settings: { candidates: [] } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await app.get(CandidateDirectoryRepository).upsert(id, [
      { externalId: 'c1', firstName: 'Ada', lastName: 'Lovelace', displayName: 'Ada Lovelace', emails: ['ada@example.com'], phones: ['+14155550100'], updatedAt: null },
      { externalId: 'c2', firstName: 'Adam', lastName: 'Smith', displayName: 'Adam Smith', emails: [], phones: [], updatedAt: null },
      { externalId: 'c3', firstName: 'Grace', lastName: 'Hopper', displayName: 'Grace 100% Hopper', emails: [], phones: [], updatedAt: null },
    ]);
    const search = async (q: string) => (await http(app).get(`/admin/connections/${id}/candidates`).query({ q }).set(adminHeaders(TEST_READONLY_TOKEN))).body;
    expect((await search('ada')).items.map((c: any) => c.externalId)).toEqual(['c1', 'c2']);
    expect((await search('LOVELACE')).items.map((c: any) => c.externalId)).toEqual(['c1']);
    expect((await search('Ada@Example.com')).items.map((c: any) => c.externalId)).toEqual(['c1']);
    expect((await search('(415) 555-0100')).items.map((c: any) => c.externalId)).toEqual(['c1']);
    // LIKE's wildcards are text here.
    expect((await search('0%')).items.map((c: any) => c.externalId)).toEqual(['c3']);
    expect((await search('nobody')).items).toEqual([]);
    const byIds = await http(app).get(`/admin/connections/${id}/candidates`).query({ ids: 'c3,missing,c1' }).set(adminHeaders());
    expect(byIds.body.items.map((c: any) => [c.externalId, c.emails])).toEqual([['c3', []], ['c1', ['ada@example.com']]]);
    const bad = await http(app).get(`/admin/connections/${id}/candidates`).query({ q: 'a' }).set(adminHeaders());
    expect(bad.status).toBe(400);
    expect((await http(app).get('/admin/connections/00000000-0000-4000-8000-000000000000/candidates?q=ada').set(adminHeaders())).status).toBe(404);
  });

  it('GET /admin/overview counts syncs by connection and status, the due queue and failures of the last 24 h', async () => {
    const ds = app.get(DataSource);
    const conn = (await http(app).post('/admin/connections').set(adminHeaders()).send({ name: 'Overview', provider: 'sandbox', accountId: 'acc_overview', settings: { candidates: [] } })).body.id;
    await ds.query(
      `INSERT INTO webhook_events (id, event_type, account_id, provider_created_at, status, signature_scheme)
       SELECT id, 'meeting.completed', 'acc_overview', now(), 'accepted', 'standard' FROM unnest(ARRAY['evt_o1', 'evt_o2', 'evt_o3']) AS id`,
    );
    const [review] = await ds.query(`INSERT INTO syncs (event_id, connection_id, status) VALUES ('evt_o1', $1, 'needs_review') RETURNING id`, [conn]);
    await ds.query(`INSERT INTO syncs (event_id, connection_id, status, next_attempt_at) VALUES ('evt_o2', $1, 'pending', now() - interval '5 minutes')`, [conn]);
    const [failed] = await ds.query(`INSERT INTO syncs (event_id, connection_id, status) VALUES ('evt_o3', $1, 'failed') RETURNING id`, [conn]);
    await ds.query(
      `INSERT INTO sync_attempts (sync_id, attempt, started_at, outcome, error_code) VALUES
       ($1, 1, now() - interval '1 hour', 'failed', 'AUTH_FAILED'), ($1, 2, now() - interval '30 minutes', 'failed', 'AUTH_FAILED'),
       ($1, 3, now() - interval '2 days', 'failed', 'TEMPORARY'), ($2, 1, now(), 'needs_review', null)`,
      [failed.id, review.id],
    );
    const res = await http(app).get('/admin/overview').set(adminHeaders(TEST_READONLY_TOKEN));
    expect(res.status).toBe(200);
    const mine = res.body.connections.find((c: any) => c.connectionId === conn);
    expect(mine.counts).toMatchObject({ needs_review: 1, pending: 1, failed: 1, synced: 0 });
    expect(res.body.queue.due).toBe(1);
    expect(res.body.queue.oldestDueAt).not.toBeNull();
    expect(res.body.failuresLast24h).toEqual([{ code: 'AUTH_FAILED', count: 2 }]);
    expect(res.body.needsReview).toBe(1);
    // The syncs list filters by the candidate a sync is on.
    await ds.query(`UPDATE syncs SET candidate_id = 'cand-x' WHERE id = $1`, [failed.id]);
    const byCandidate = await http(app).get('/admin/syncs').query({ candidateId: 'cand-x' }).set(adminHeaders());
    expect(byCandidate.body.items.map((s: any) => s.id)).toEqual([failed.id]);
  });
});
