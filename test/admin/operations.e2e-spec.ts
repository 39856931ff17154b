import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer } from 'node:net';
import {
  auditPageSchema,
  connectionPageSchema,
  connectionTestResponseSchema,
  resyncResponseSchema,
  syncPageSchema,
} from '../../src/admin/admin-api.schemas';
import { adminHeaders, createTestApp, http, TEST_READONLY_TOKEN } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain, sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';

const SECRET = 'gh-client-secret-that-must-never-be-stored-in-clear';

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('operating Debrief through the admin API', () => {
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

  const admin = (token?: string) => ({
    get: (path: string) => http(app).get(path).set(adminHeaders(token)),
    post: (path: string, body?: object) => http(app).post(path).set(adminHeaders(token)).send(body),
    put: (path: string, body?: object) => http(app).put(path).set(adminHeaders(token)).send(body),
    patch: (path: string, body?: object) => http(app).patch(path).set(adminHeaders(token)).send(body),
    delete: (path: string) => http(app).delete(path).set(adminHeaders(token)),
  });
  const query = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);

  /** A sync row in a chosen state and age, made through real intake (one event, routed to the given account). */
  let eventCounter = 0;
  async function syncsFor(accountId: string): Promise<Array<{ id: string; connection_id: string }>> {
    const id = `evt_ops_${++eventCounter}`;
    const res = await sendWebhook(app, samplePayload((p) => {
      p.id = id;
      p.data.organization.accountId = accountId;
    }));
    expect(res.body).toEqual({ status: 'accepted' });
    return query(`SELECT id, connection_id FROM syncs WHERE event_id = $1`, [id]);
  }
  async function setSync(id: string, status: string, daysAgo: number, errorCode: string | null = null) {
    await query(
      `UPDATE syncs SET status = $2, created_at = now() - make_interval(days => $3), last_error_code = $4,
              last_error_message = CASE WHEN $4::text IS NULL THEN NULL ELSE 'test' END WHERE id = $1`,
      [id, status, daysAgo, errorCode],
    );
  }
  const statusOf = async (id: string) => (await query(`SELECT status FROM syncs WHERE id = $1`, [id]))[0].status;

  describe('connections: create, change, page, filter', () => {
    it('pages through every connection in creation order, with filters', async () => {
      const created: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await admin().post('/admin/connections', {
          name: `Org ${i}`,
          provider: i % 2 === 0 ? 'sandbox' : 'lever',
          accountId: `acc_page_${i % 2}`,
          credentials: i % 2 === 0 ? undefined : { apiKey: `lever-key-${i}` },
        });
        expect(res.status).toBe(201);
        created.push(res.body.id);
      }
      await admin().patch(`/admin/connections/${created[1]}`, { enabled: false });
      await admin().delete(`/admin/connections/${created[4]}`);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await admin().get(`/admin/connections?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        connectionPageSchema.parse(res.body);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((c: { id: string }) => c.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual(created.slice(0, 4));

      const lever = await admin().get('/admin/connections?provider=lever');
      expect(lever.body.items.map((c: { id: string }) => c.id)).toEqual([created[1], created[3]]);
      expect(lever.body.items.every((c: Record<string, unknown>) => c.hasCredentials === true && !('credentials' in c))).toBe(true);
      const disabled = await admin().get('/admin/connections?enabled=false');
      expect(disabled.body.items.map((c: { id: string }) => c.id)).toEqual([created[1]]);
      const account = await admin().get('/admin/connections?accountId=acc_page_0&enabled=true');
      expect(account.body.items.map((c: { id: string }) => c.id)).toEqual([created[0], created[2]]);

      const badLimit = await admin().get('/admin/connections?limit=0');
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.details[0].path).toBe('$.limit');
      const badCursor = await admin().get('/admin/connections?cursor=bm90LWEtY3Vyc29y');
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.details[0].path).toBe('$.cursor');

      // Leave only what the rest of the file expects.
      for (const id of created.slice(0, 4)) await admin().delete(`/admin/connections/${id}`);
    });

    it('pages syncs that share a creation instant without skipping or repeating any', async () => {
      const first = await createSandboxConnection(app, { accountId: 'acc_same_instant' });
      const second = await createSandboxConnection(app, { accountId: 'acc_same_instant' });
      const rows = await syncsFor('acc_same_instant');
      expect(rows).toHaveLength(2);
      const instants = await query(`SELECT DISTINCT created_at FROM syncs WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
      expect(instants).toHaveLength(1);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await admin().get(`/admin/syncs?limit=1&connectionId=${first.id}${cursor ? `&cursor=${cursor}` : ''}`);
        syncPageSchema.parse(res.body);
        seen.push(...res.body.items.map((s: { id: string }) => s.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(1);
      const both: string[] = [];
      cursor = null;
      do {
        const res = await admin().get(`/admin/syncs?limit=1&status=pending${cursor ? `&cursor=${cursor}` : ''}`);
        both.push(...res.body.items.map((s: { id: string }) => s.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(both.sort()).toEqual(rows.map((r) => r.id).sort());
      await query(`UPDATE syncs SET status = 'skipped' WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
      await admin().delete(`/admin/connections/${first.id}`);
      await admin().delete(`/admin/connections/${second.id}`);
    });
  });

  describe('resync', () => {
    let a: string;
    let b: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      a = (await createSandboxConnection(app, { accountId: 'acc_resync' })).id;
      b = (await createSandboxConnection(app, { accountId: 'acc_resync' })).id;
      const plan: Array<[string, string, string, number]> = [
        // name, connection, status, days ago
        ['aFailedRecent', 'a', 'failed', 3],
        ['bFailedRecent', 'b', 'failed', 2],
        ['aFailedOld', 'a', 'failed', 10],
        ['bFailedOld', 'b', 'failed', 12],
        ['aSynced', 'a', 'synced', 1],
        ['bUnmatched', 'b', 'unmatched', 1],
        ['aUnmatched', 'a', 'unmatched', 1],
        ['bProcessing', 'b', 'processing', 1],
        ['aSkipped', 'a', 'skipped', 4],
        ['bSkipped', 'b', 'skipped', 4],
      ];
      for (let i = 0; i < plan.length; i += 2) {
        const rows = await syncsFor('acc_resync');
        for (const [name, which, status, days] of plan.slice(i, i + 2)) {
          const row = rows.find((r) => r.connection_id === (which === 'a' ? a : b))!;
          ids[name] = row.id;
          await setSync(row.id, status, days, status === 'failed' ? 'TEMPORARY' : null);
        }
      }
    });

    const window = () => ({ from: new Date(Date.now() - 7 * 86_400_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });

    it('re-arms every failed sync of the last week in one call, and nothing else', async () => {
      const dry = await admin().post('/admin/resync', { ...window(), dryRun: true });
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({ dryRun: true, matched: 2, rearmed: 0 });
      expect(dry.body.ids.sort()).toEqual([ids.aFailedRecent, ids.bFailedRecent].sort());
      expect(await statusOf(ids.aFailedRecent)).toBe('failed');

      const res = await admin().post('/admin/resync', window());
      expect(res.status).toBe(200);
      resyncResponseSchema.parse(res.body);
      expect(res.body).toMatchObject({ dryRun: false, matched: 2, rearmed: 2, idsTruncated: false });
      expect(res.body.ids.sort()).toEqual([ids.aFailedRecent, ids.bFailedRecent].sort());
      const [rearmed] = await query(`SELECT status, attempts, last_error_code FROM syncs WHERE id = $1`, [ids.aFailedRecent]);
      expect(rearmed).toEqual({ status: 'pending', attempts: 0, last_error_code: null });
      for (const name of ['aFailedOld', 'bFailedOld']) expect(await statusOf(ids[name])).toBe('failed');
      for (const name of ['aUnmatched', 'bUnmatched']) expect(await statusOf(ids[name])).toBe('unmatched');
      expect(await statusOf(ids.aSynced)).toBe('synced');
      expect(await statusOf(ids.bProcessing)).toBe('processing');
    });

    it('narrows to one connection and to named statuses', async () => {
      const all = await admin().post('/admin/resync', {});
      expect(all.body.ids.sort()).toEqual([ids.aFailedOld, ids.bFailedOld].sort());

      for (const name of ['aFailedOld', 'bFailedOld']) await setSync(ids[name], 'failed', name === 'aFailedOld' ? 10 : 12, 'AUTH_FAILED');
      const onlyA = await admin().post('/admin/resync', { connectionId: a });
      expect(onlyA.body).toMatchObject({ rearmed: 1, ids: [ids.aFailedOld] });
      expect(await statusOf(ids.bFailedOld)).toBe('failed');

      const unmatched = await admin().post('/admin/resync', { statuses: ['unmatched', 'skipped'], connectionId: b });
      expect(unmatched.body.ids.sort()).toEqual([ids.bUnmatched, ids.bSkipped].sort());
      expect(await statusOf(ids.aUnmatched)).toBe('unmatched');

      const beforeWindow = await admin().post('/admin/resync', { statuses: ['skipped'], to: new Date(Date.now() - 5 * 86_400_000).toISOString() });
      expect(beforeWindow.body).toMatchObject({ matched: 0, rearmed: 0, ids: [] });
    });

    it('never touches a synced sync unless asked twice, and then looks for its note before posting', async () => {
      const implicit = await admin().post('/admin/resync', { statuses: ['synced'] });
      expect(implicit.status).toBe(400);
      expect(implicit.body.details).toEqual([{ path: '$.statuses[0]', message: expect.stringContaining('includeSynced') }]);
      expect(await statusOf(ids.aSynced)).toBe('synced');

      const processing = await admin().post('/admin/resync', { statuses: ['processing'] });
      expect(processing.status).toBe(400);
      expect(processing.body.details[0].path).toBe('$.statuses[0]');
      const backwards = await admin().post('/admin/resync', { from: new Date().toISOString(), to: new Date(Date.now() - 1000).toISOString() });
      expect(backwards.status).toBe(400);
      expect(backwards.body.details[0].path).toBe('$.to');

      // A real synced sync: posted once, then re-run on purpose.
      const own = await createSandboxConnection(app, { accountId: 'acc_synced_rerun' });
      const [row] = await syncsFor('acc_synced_rerun');
      await drain(app);
      expect(await statusOf(row.id)).toBe('synced');
      const explicit = await admin().post('/admin/resync', { statuses: ['synced'], includeSynced: true, connectionId: own.id });
      expect(explicit.body).toMatchObject({ rearmed: 1, ids: [row.id] });
      const [armed] = await query(`SELECT status, note_uncertain FROM syncs WHERE id = $1`, [row.id]);
      expect(armed).toEqual({ status: 'pending', note_uncertain: true });
      await drain(app);
      expect(await statusOf(row.id)).toBe('synced');
      const notes = await query(`SELECT count(*)::int AS n FROM sandbox_notes WHERE connection_id = $1`, [own.id]);
      expect(notes[0].n).toBe(1);
      await admin().delete(`/admin/connections/${own.id}`);
    });
  });

  describe('connection test', () => {
    it('passes on a sound sandbox connection and re-arms the syncs that failed for want of it', async () => {
      const conn = await createSandboxConnection(app, { accountId: 'acc_test_ok' });
      const codes = ['AUTH_FAILED', 'PERMISSION_DENIED', 'TEMPORARY', 'NOT_FOUND', 'INVALID_REQUEST'];
      const byCode: Record<string, string> = {};
      for (const code of codes) {
        const [row] = await syncsFor('acc_test_ok');
        await setSync(row.id, 'failed', 1, code);
        byCode[code] = row.id;
      }
      const res = await admin().post(`/admin/connections/${conn.id}/test`);
      expect(res.status).toBe(200);
      connectionTestResponseSchema.parse(res.body);
      expect(res.body).toMatchObject({ ok: true, rearmed: 3 });
      expect(res.body.checks.length).toBeGreaterThan(0);
      for (const code of ['AUTH_FAILED', 'PERMISSION_DENIED', 'TEMPORARY']) expect(await statusOf(byCode[code])).toBe('pending');
      for (const code of ['NOT_FOUND', 'INVALID_REQUEST']) expect(await statusOf(byCode[code])).toBe('failed');
    });

    it('reports failed checks with 200 and re-arms nothing when the ATS cannot be reached', async () => {
      const port = await closedPort();
      const gh = await admin().post('/admin/connections', {
        name: 'Greenhouse down',
        provider: 'greenhouse',
        accountId: 'acc_test_down',
        credentials: { clientId: 'client', clientSecret: SECRET },
        settings: { baseUrl: `http://127.0.0.1:${port}/v3`, authUrl: `http://127.0.0.1:${port}/token` },
      });
      expect(gh.status).toBe(201);
      const [row] = await syncsFor('acc_test_down');
      await setSync(row.id, 'failed', 1, 'AUTH_FAILED');

      const res = await admin().post(`/admin/connections/${gh.body.id}/test`);
      expect(res.status).toBe(200);
      connectionTestResponseSchema.parse(res.body);
      expect(res.body.ok).toBe(false);
      expect(res.body.rearmed).toBe(0);
      expect(res.body.checks).toEqual(expect.arrayContaining([expect.objectContaining({ ok: false, code: 'TEMPORARY' })]));
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
      expect(await statusOf(row.id)).toBe('failed');

      const noCredentials = await admin().post('/admin/connections', { name: 'Greenhouse bare', provider: 'greenhouse', accountId: 'acc_test_bare' });
      const bare = await admin().post(`/admin/connections/${noCredentials.body.id}/test`);
      expect(bare.status).toBe(200);
      expect(bare.body.ok).toBe(false);
      expect(bare.body.checks[0]).toMatchObject({ ok: false, code: 'CONFIGURATION' });

      const refused = await admin().post('/admin/connections', {
        name: 'Sandbox',
        provider: 'sandbox',
        accountId: 'acc_test_broken',
        settings: { candidates: 'not a list' },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual([expect.objectContaining({ path: '$.settings.candidates' })]);
      // Stored before the contract refused it: the test says so rather than pass.
      const broken = await createSandboxConnection(app, { accountId: 'acc_test_broken' });
      await query(`UPDATE connections SET settings = '{"candidates":"not a list"}'::jsonb WHERE id = $1`, [broken.id]);
      const sandbox = await admin().post(`/admin/connections/${broken.id}/test`);
      expect(sandbox.body).toMatchObject({ ok: false, rearmed: 0 });
      expect(sandbox.body.checks).toEqual([expect.objectContaining({ check: 'configuration', code: 'CONFIGURATION' })]);
      expect((await admin().post('/admin/connections/00000000-0000-4000-8000-000000000000/test')).status).toBe(404);
    });
  });

  describe('audit log', () => {
    it('records every change with the token that made it, and never a secret', async () => {
      const port = await closedPort();
      const urls = { baseUrl: `http://127.0.0.1:${port}/v3`, authUrl: `http://127.0.0.1:${port}/token` };
      const created = await admin().post('/admin/connections', {
        name: 'Audited',
        provider: 'greenhouse',
        accountId: 'acc_audit',
        credentials: { clientId: 'client', clientSecret: SECRET },
        settings: { userId: '7', ...urls },
      });
      const id = created.body.id;
      await admin().patch(`/admin/connections/${id}`, {
        name: 'Audited, renamed',
        credentials: { clientId: 'client', clientSecret: `${SECRET}-2` },
        settings: { userId: '8', ...urls },
      });
      await admin().put(`/admin/connections/${id}/mapping`, { titleTemplate: '{{meeting.name}}' });
      await admin().post(`/admin/connections/${id}/test`);
      await admin().delete(`/admin/connections/${id}`);

      const res = await admin().get(`/admin/audit?targetId=${id}`);
      expect(res.status).toBe(200);
      auditPageSchema.parse(res.body);
      const actions = res.body.items.map((e: { action: string }) => e.action);
      expect(actions).toEqual(['connection.delete', 'connection.test', 'mapping.put', 'connection.update', 'connection.create']);
      for (const entry of res.body.items) {
        expect(entry.actor).toMatch(/^admin:[0-9a-f]{8}$/);
        expect(Date.parse(entry.at)).not.toBeNaN();
      }
      const update = res.body.items.find((e: { action: string }) => e.action === 'connection.update');
      expect(update.detail).toEqual({
        changes: { name: { from: 'Audited', to: 'Audited, renamed' } },
        credentialsChanged: true,
        settingsKeysChanged: ['userId'],
      });
      expect(res.body.items.find((e: { action: string }) => e.action === 'mapping.put').detail).toMatchObject({ version: 1, previousVersion: 0 });

      const dump = JSON.stringify(await query(`SELECT * FROM admin_audit`));
      expect(dump).not.toContain(SECRET);

      const mappingOnly = await admin().get(`/admin/audit?targetType=mapping&targetId=${id}`);
      expect(mappingOnly.body.items).toHaveLength(1);
    });

    it('records retry, resolve, resync and replay, and pages newest first', async () => {
      const conn = await createSandboxConnection(app, { accountId: 'acc_audit_syncs' });
      const [failed] = await syncsFor('acc_audit_syncs');
      await setSync(failed.id, 'failed', 1, 'TEMPORARY');
      expect((await admin().post(`/admin/syncs/${failed.id}/retry`)).status).toBe(200);
      const [review] = await syncsFor('acc_audit_syncs');
      await setSync(review.id, 'needs_review', 1);
      expect((await admin().post(`/admin/syncs/${review.id}/resolve`, { candidateId: 'cand-1' })).status).toBe(200);
      expect((await admin().post('/admin/resync', { connectionId: conn.id })).status).toBe(200);
      const [{ event_id }] = await query(`SELECT event_id FROM syncs WHERE id = $1`, [review.id]);
      expect((await admin().post(`/admin/events/${event_id}/replay`)).status).toBe(200);

      const retry = await admin().get(`/admin/audit?targetType=sync&targetId=${failed.id}`);
      expect(retry.body.items).toEqual([expect.objectContaining({ action: 'sync.retry', detail: { previousStatus: 'failed', lastErrorCode: 'TEMPORARY' } })]);
      const resolve = await admin().get(`/admin/audit?targetId=${review.id}`);
      expect(resolve.body.items).toEqual([expect.objectContaining({ action: 'sync.resolve', detail: { previousStatus: 'needs_review', candidateId: 'cand-1' } })]);
      const resync = await admin().get(`/admin/audit?targetType=syncs&targetId=${conn.id}`);
      expect(resync.body.items[0]).toMatchObject({ action: 'syncs.resync', detail: { statuses: ['failed'], connectionId: conn.id } });
      expect((await admin().get(`/admin/audit?action=event.replay`)).body.items[0]).toMatchObject({ targetType: 'event', targetId: event_id });

      const newest: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await admin().get(`/admin/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        newest.push(...page.body.items.map((e: { id: string }) => e.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      const all = (await query(`SELECT a.id::text AS id FROM admin_audit a ORDER BY a.id DESC`)).map((r: { id: string }) => r.id);
      expect(newest).toEqual(all);
      expect((await admin().get('/admin/audit?cursor=xyz')).status).toBe(400);
    });
  });

  describe('read-only tokens', () => {
    it('are refused on every write route and change nothing; reads and previews are allowed', async () => {
      const conn = await createSandboxConnection(app, { accountId: 'acc_readonly' });
      const [sync] = await syncsFor('acc_readonly');
      await setSync(sync.id, 'needs_review', 1);
      const [{ event_id }] = await query(`SELECT event_id FROM syncs WHERE id = $1`, [sync.id]);
      const auditBefore = (await query(`SELECT count(*)::int AS n FROM admin_audit`))[0].n;
      const ro = admin(TEST_READONLY_TOKEN);

      const writes: Array<[string, () => PromiseLike<{ status: number; body: { code?: string } }>]> = [
        ['create connection', () => ro.post('/admin/connections', { name: 'x', provider: 'sandbox', accountId: 'acc_x' })],
        ['update connection', () => ro.patch(`/admin/connections/${conn.id}`, { name: 'renamed' })],
        ['delete connection', () => ro.delete(`/admin/connections/${conn.id}`)],
        ['put mapping', () => ro.put(`/admin/connections/${conn.id}/mapping`, {})],
        ['test connection', () => ro.post(`/admin/connections/${conn.id}/test`)],
        ['retry sync', () => ro.post(`/admin/syncs/${sync.id}/retry`)],
        ['resolve sync', () => ro.post(`/admin/syncs/${sync.id}/resolve`, { candidateId: 'cand-1' })],
        ['resync', () => ro.post('/admin/resync', { statuses: ['needs_review'] })],
        ['replay event', () => ro.post(`/admin/events/${event_id}/replay`)],
      ];
      for (const [route, call] of writes) {
        const res = await call();
        expect({ route, status: res.status, code: res.body.code }).toEqual({ route, status: 403, code: 'READ_ONLY_TOKEN' });
      }
      expect(await statusOf(sync.id)).toBe('needs_review');
      expect((await admin().get(`/admin/connections/${conn.id}`)).body.name).toBe('Sandbox');
      expect((await query(`SELECT count(*)::int AS n FROM admin_audit`))[0].n).toBe(auditBefore);

      const reads: Array<[string, () => PromiseLike<{ status: number }>]> = [
        ['list connections', () => ro.get('/admin/connections')],
        ['get connection', () => ro.get(`/admin/connections/${conn.id}`)],
        ['get mapping', () => ro.get(`/admin/connections/${conn.id}/mapping`)],
        ['list syncs', () => ro.get('/admin/syncs?status=needs_review')],
        ['get sync', () => ro.get(`/admin/syncs/${sync.id}`)],
        ['get event', () => ro.get(`/admin/events/${event_id}`)],
        ['list audit', () => ro.get('/admin/audit')],
        ['preview', () => ro.post(`/admin/connections/${conn.id}/preview`, { eventId: event_id })],
      ];
      for (const [route, call] of reads) expect({ route, status: (await call()).status }).toEqual({ route, status: 200 });
      expect((await http(app).get('/admin/audit')).status).toBe(401);
    });
  });
});
