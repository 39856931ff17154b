import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EventRepository } from '../../src/sync/event.repository';
import { SyncRepository } from '../../src/sync/sync.repository';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';

/** A claim brings each sync's inputs (event, connection, newest mapping) in its own statement; each must get its own. */
describe('a claimed sync comes with its inputs', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let syncs: SyncRepository;
  let plain: string;
  let mapped: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    syncs = app.get(SyncRepository);
    plain = (await createSandboxConnection(app, { accountId: 'acc_plain' })).id;
    mapped = (await createSandboxConnection(app, { accountId: 'acc_mapped' })).id;
    for (const title of ['first title', 'second title']) {
      const res = await http(app).put(`/admin/connections/${mapped}/mapping`).set(adminHeaders()).send({ titleTemplate: title });
      expect(res.status).toBe(200);
    }
    for (const [id, account] of [['evt_plain', 'acc_plain'], ['evt_mapped', 'acc_mapped'], ['evt_purged', 'acc_plain']]) {
      expect((await sendWebhook(app, samplePayload((p) => ((p.id = id), (p.data.organization.accountId = account))))).status).toBe(200);
    }
    await app.get(EventRepository).purgeBodies(['evt_purged']);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('gives each claimed sync its own event, connection and newest mapping', async () => {
    const claimed = await syncs.claim('inputs-test', 10, 60);
    const byEvent = new Map(claimed.map((s) => [s.eventId, s]));
    expect([...byEvent.keys()].sort()).toEqual(['evt_mapped', 'evt_plain', 'evt_purged']);

    const p = byEvent.get('evt_plain')!;
    expect(p.connectionId).toBe(plain);
    expect(p.inputs.event).toEqual({ found: true, rawBody: expect.stringContaining('"evt_plain"') });
    expect(p.inputs.connection).toMatchObject({ id: plain, provider: 'sandbox', accountId: 'acc_plain', enabled: true, deletedAt: null });
    expect(p.inputs.mapping).toBeNull();

    const m = byEvent.get('evt_mapped')!;
    expect(m.inputs.event).toEqual({ found: true, rawBody: expect.stringContaining('"evt_mapped"') });
    expect(m.inputs.connection?.id).toBe(mapped);
    expect(m.inputs.mapping).toMatchObject({ version: 2, document: expect.objectContaining({ titleTemplate: 'second title' }) });

    expect(byEvent.get('evt_purged')!.inputs.event).toEqual({ found: true, rawBody: null });
  });

  it('reads the connection as it is when claimed, soft-deleted included', async () => {
    expect((await sendWebhook(app, samplePayload((p) => ((p.id = 'evt_after_delete'), (p.data.organization.accountId = 'acc_mapped'))))).status).toBe(200);
    expect((await http(app).delete(`/admin/connections/${mapped}`).set(adminHeaders())).status).toBeLessThan(300);
    const [claimed] = await syncs.claim('inputs-test', 10, 60);
    expect(claimed?.eventId).toBe('evt_after_delete');
    expect(claimed!.inputs.connection).toMatchObject({ id: mapped, deletedAt: expect.any(Date) });
  });

  it("sends a connection's settings and credentials again only when the row changed", async () => {
    const claimOne = async (id: string) => {
      expect((await sendWebhook(app, samplePayload((p) => ((p.id = id), (p.data.organization.accountId = 'acc_plain'))))).status).toBe(200);
      const [claimed] = await syncs.claim('inputs-test', 10, 60);
      expect(claimed?.eventId).toBe(id);
      return claimed!.inputs.connection!;
    };
    const first = await claimOne('evt_snapshot_1');
    const second = await claimOne('evt_snapshot_2');
    // Unchanged: the settings this process already holds, not a second copy.
    expect(second.settings).toBe(first.settings);
    expect(second.credentialsEncrypted).toBe(first.credentialsEncrypted);

    // Changed through the API: the new settings arrive.
    const res = await http(app).patch(`/admin/connections/${plain}`).set(adminHeaders()).send({ settings: { userId: 'fallback-author' } });
    expect(res.status).toBe(200);
    const third = await claimOne('evt_snapshot_3');
    expect(third.settings).toMatchObject({ userId: 'fallback-author' });

    // Changed behind the service's back (updated_at untouched): the row's version still tells.
    await db.dataSource.query(`UPDATE connections SET settings = settings || '{"userId": "changed-in-sql"}'::jsonb WHERE id = $1`, [plain]);
    const fourth = await claimOne('evt_snapshot_4');
    expect(fourth.settings).toMatchObject({ userId: 'changed-in-sql' });
    expect(fourth.credentialsEncrypted).toBe(first.credentialsEncrypted);
  });
});
