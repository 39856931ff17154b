import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CandidateDirectoryRepository } from '../../src/matching/candidate-directory.repository';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain } from '../support/fixtures';
import { accept, onlySyncOf, seedEvent, syncDetail, syncsOf } from './sync-test-support';

const FIRST_LAST = { id: 'cand-1', firstName: 'First', lastName: 'Last', phones: ['+12345678900'], emails: [] };

/** What operators do to syncs after the fact: run one again, and deliver an old event to a new connection. */
describe('sync admin actions', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const notesOf = (connectionId: string): Promise<Array<{ candidate_id: string }>> =>
    db.dataSource.query(`SELECT candidate_id FROM sandbox_notes WHERE connection_id = $1`, [connectionId]);

  it('retries a failed sync on request, once the cause is fixed, and refuses to retry a synced one', async () => {
    // The directory still knows a candidate the ATS had archived: the post is refused for good.
    const { id: connectionId } = await createSandboxConnection(app, { accountId: 'acc_retry', candidates: [] });
    await app.get(CandidateDirectoryRepository).upsert(connectionId, [
      { externalId: 'cand-1', firstName: 'First', lastName: 'Last', displayName: 'First Last', phones: ['+12345678900'], emails: [], updatedAt: null },
    ]);
    await accept(app, seedEvent('evt_retry', (p) => (p.data.organization.accountId = 'acc_retry')));
    await drain(app);
    const failed = await onlySyncOf(app, 'evt_retry');
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastError: { code: 'NOT_FOUND' } });

    // Nothing retries it by itself.
    expect(await drain(app)).toBe(0);

    await http(app)
      .patch(`/admin/connections/${connectionId}`)
      .set(adminHeaders())
      .send({ settings: { candidates: [FIRST_LAST] } })
      .expect(200);
    const retried = await http(app).post(`/admin/syncs/${failed.id}/retry`).set(adminHeaders());
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    expect(await drain(app)).toBe(1);

    const synced = await syncDetail(app, failed.id);
    expect(synced).toMatchObject({ status: 'synced', candidateId: 'cand-1', attempts: 1, lastError: null });
    expect(synced.attemptsHistory.map((a: { outcome: string }) => a.outcome)).toEqual(['failed', 'synced']);
    expect(await notesOf(connectionId)).toEqual([{ candidate_id: 'cand-1' }]);

    const again = await http(app).post(`/admin/syncs/${failed.id}/retry`).set(adminHeaders());
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    const unknown = await http(app).post('/admin/syncs/00000000-0000-4000-8000-000000000000/retry').set(adminHeaders());
    expect(unknown.status).toBe(404);
    expect(await drain(app)).toBe(0);
    expect(await notesOf(connectionId)).toHaveLength(1);
  });

  it('replays an event to a connection added after it arrived, without touching the syncs it already had', async () => {
    const { id: first } = await createSandboxConnection(app, { accountId: 'acc_replay', candidates: [FIRST_LAST] });
    await accept(app, seedEvent('evt_replay', (p) => (p.data.organization.accountId = 'acc_replay')));
    await drain(app);
    const [original] = await syncsOf(app, 'evt_replay');
    expect(original).toMatchObject({ connectionId: first, status: 'synced' });

    const { id: added } = await createSandboxConnection(app, { accountId: 'acc_replay', candidates: [FIRST_LAST] });
    // Neither a disabled connection nor another organisation's gets the event.
    const { id: disabled } = await createSandboxConnection(app, { accountId: 'acc_replay', candidates: [FIRST_LAST] });
    await http(app).patch(`/admin/connections/${disabled}`).set(adminHeaders()).send({ enabled: false }).expect(200);
    await createSandboxConnection(app, { accountId: 'acc_elsewhere', candidates: [FIRST_LAST] });

    const replay = await http(app).post('/admin/events/evt_replay/replay').set(adminHeaders());
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ eventId: 'evt_replay', created: 1 });
    expect(replay.body.syncIds).toHaveLength(1);
    expect(await drain(app)).toBe(1);

    const syncs = await syncsOf(app, 'evt_replay');
    expect(syncs).toHaveLength(2);
    const byConnection = Object.fromEntries(syncs.map((s) => [s.connectionId, s]));
    expect(byConnection[first]).toMatchObject({ id: original!.id, status: 'synced', attempts: 1 });
    expect(byConnection[added]).toMatchObject({ id: replay.body.syncIds[0], status: 'synced', candidateId: 'cand-1' });
    expect(await notesOf(first)).toHaveLength(1);
    expect(await notesOf(added)).toHaveLength(1);

    const twice = await http(app).post('/admin/events/evt_replay/replay').set(adminHeaders());
    expect(twice.body).toMatchObject({ created: 0, syncIds: [] });
    expect(await drain(app)).toBe(0);
    const event = await http(app).get('/admin/events/evt_replay').set(adminHeaders());
    expect(event.body.syncs).toHaveLength(2);

    expect((await http(app).post('/admin/events/evt_unknown/replay').set(adminHeaders())).status).toBe(404);
  });
});
