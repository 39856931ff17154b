import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SyncRepository } from '../../src/sync/sync.repository';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain, sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';
import { onlySyncId, runJob, syncRow } from './job-fixtures';

describe('stale-lease sweeper and recovery', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let connectionId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { RECOVERY_INTERVAL_HOURS: '6', RECOVERY_MAX_REARMS: '2' });
    connectionId = (await createSandboxConnection(app)).id;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function received(eventId: string): Promise<string> {
    expect((await sendWebhook(app, samplePayload((p) => (p.id = eventId)))).body).toEqual({ status: 'accepted' });
    return onlySyncId(db.dataSource, eventId);
  }

  /** Puts a sync in `failed` with a code, as the pipeline leaves it, `hoursAgo` hours ago. */
  async function failedWith(syncId: string, code: string, hoursAgo: number): Promise<void> {
    await db.dataSource.query(
      `UPDATE syncs SET status = 'failed', last_error_code = $2, last_error_message = 'test', attempts = 8,
              finished_at = now() - make_interval(hours => $3) WHERE id = $1`,
      [syncId, code, hoursAgo],
    );
  }

  it('puts a sync whose worker died back in the queue at once, marked uncertain, with the lapse in its history', async () => {
    const syncId = await received('evt_dead_worker');
    const [claimed] = await app.get(SyncRepository).claim('worker-that-died', 1, 60);
    expect(claimed!.id).toBe(syncId);
    // Another worker holds a live lease on another sync: that one is not touched.
    const other = await received('evt_live_worker');
    const [live] = await app.get(SyncRepository).claim('live-worker', 1, 600);
    expect(live!.id).toBe(other);
    await db.dataSource.query(`UPDATE syncs SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [syncId]);

    const run = await runJob(app, 'stale-lease-sweeper');
    expect(run.body).toMatchObject({ outcome: 'succeeded', summary: { released: 1, syncIds: [syncId] } });
    expect(await syncRow(db.dataSource, syncId)).toMatchObject({ status: 'pending', note_uncertain: true, lease_owner: null });
    expect(await syncRow(db.dataSource, other)).toMatchObject({ status: 'processing', lease_owner: 'live-worker' });

    await drain(app);
    const detail = await http(app).get(`/admin/syncs/${syncId}`).set(adminHeaders());
    expect(detail.body).toMatchObject({ status: 'synced', noteUncertain: false });
    expect(detail.body.attemptsHistory.map((h: Record<string, any>) => [h.outcome, h.worker, h.error?.code ?? null])).toEqual([
      ['lease_expired', 'worker-that-died', 'LEASE_EXPIRED'],
      ['synced', expect.any(String), null],
    ]);
    // The note was posted once.
    expect(await db.dataSource.query(`SELECT 1 FROM sandbox_notes WHERE body_text LIKE '%evt_dead_worker%'`)).toHaveLength(1);
    await db.dataSource.query(`UPDATE syncs SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [other]);
    await runJob(app, 'stale-lease-sweeper');
    await drain(app);
  });

  it('re-arms a temporary or authentication failure after the interval, a limited number of times', async () => {
    const syncId = await received('evt_auth_failed');
    await failedWith(syncId, 'AUTH_FAILED', 1);
    expect((await runJob(app, 'recovery')).body.summary).toMatchObject({ rearmed: 0 });

    await failedWith(syncId, 'AUTH_FAILED', 7);
    const run = await runJob(app, 'recovery');
    expect(run.body.summary).toMatchObject({ rearmed: 1, syncIds: [syncId] });
    expect(await syncRow(db.dataSource, syncId)).toMatchObject({ status: 'pending', attempts: 0, recovery_count: 1 });
    // Once re-armed it is the worker's: a second run does nothing.
    expect((await runJob(app, 'recovery')).body.summary).toMatchObject({ rearmed: 0 });

    // The credentials work again (the sandbox always does): the note is filed.
    await drain(app);
    expect(await syncRow(db.dataSource, syncId)).toMatchObject({ status: 'synced', recovery_count: 1 });
    expect(await db.dataSource.query(`SELECT 1 FROM sandbox_notes WHERE body_text LIKE '%evt_auth_failed%'`)).toHaveLength(1);
  });

  it('stops after RECOVERY_MAX_REARMS and never re-arms failures that need a person', async () => {
    const flaky = await received('evt_flaky');
    const missing = await received('evt_not_found');
    await failedWith(flaky, 'TEMPORARY', 7);
    await failedWith(missing, 'NOT_FOUND', 7);

    for (let round = 1; round <= 2; round++) {
      expect((await runJob(app, 'recovery')).body.summary).toMatchObject({ rearmed: 1, syncIds: [flaky] });
      await failedWith(flaky, 'TEMPORARY', 7);
    }
    expect((await runJob(app, 'recovery')).body.summary).toMatchObject({ rearmed: 0 });
    expect(await syncRow(db.dataSource, flaky)).toMatchObject({ status: 'failed', recovery_count: 2 });
    expect(await syncRow(db.dataSource, missing)).toMatchObject({ status: 'failed', recovery_count: 0 });
  });

  it('leaves failures of a disabled connection alone', async () => {
    const syncId = await received('evt_disabled_failure');
    await failedWith(syncId, 'RATE_LIMITED', 7);
    await http(app).patch(`/admin/connections/${connectionId}`).set(adminHeaders()).send({ enabled: false });
    try {
      expect((await runJob(app, 'recovery')).body.summary).toMatchObject({ rearmed: 0 });
    } finally {
      await http(app).patch(`/admin/connections/${connectionId}`).set(adminHeaders()).send({ enabled: true });
    }
    expect((await runJob(app, 'recovery')).body.summary).toMatchObject({ rearmed: 1 });
  });
});
