import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain, sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';
import { onlySyncId, runJob, syncRow } from './job-fixtures';

describe('retention', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { RETENTION_DAYS: '30' });
    await createSandboxConnection(app);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function meeting(eventId: string, change: (p: Record<string, any>) => void = () => {}): Promise<string> {
    await sendWebhook(app, samplePayload((p) => {
      p.id = eventId;
      change(p);
    }));
    await drain(app);
    return onlySyncId(db.dataSource, eventId);
  }

  async function age(eventId: string, days: number): Promise<void> {
    const shift = `make_interval(days => ${days})`;
    await db.dataSource.query(`UPDATE webhook_events SET received_at = received_at - ${shift} WHERE id = $1`, [eventId]);
    await db.dataSource.query(`UPDATE syncs SET created_at = created_at - ${shift}, finished_at = finished_at - ${shift} WHERE event_id = $1`, [eventId]);
  }

  const payloadOf = async (eventId: string) =>
    (await db.dataSource.query(`SELECT raw_body, raw_body_purged_at FROM webhook_events WHERE id = $1`, [eventId]))[0];

  it('purges old payloads and note bodies, keeps outcomes, and keeps what a sync still needs', async () => {
    const oldSynced = await meeting('evt_old_synced');
    const recent = await meeting('evt_recent');
    const oldUnmatched = await meeting('evt_old_unmatched', (p) => {
      p.data.meeting.atsRecordName = 'Nobody Known';
      p.data.meeting.participants = ['+14155550100'];
    });
    const oldPending = await meeting('evt_old_pending');
    const oldFailedFinal = await meeting('evt_old_failed_final');
    const oldFailedRecoverable = await meeting('evt_old_failed_recoverable');
    await db.dataSource.query(`UPDATE syncs SET status = 'pending', next_attempt_at = now() + interval '1 hour' WHERE id = $1`, [oldPending]);
    const fail = `UPDATE syncs SET status = 'failed', last_error_code = $2, rendered_note = NULL, note_ref = NULL, candidate_id = NULL WHERE id = $1`;
    await db.dataSource.query(fail, [oldFailedFinal, 'NOT_FOUND']);
    await db.dataSource.query(fail, [oldFailedRecoverable, 'TEMPORARY']);
    for (const id of ['evt_old_synced', 'evt_old_unmatched', 'evt_old_pending', 'evt_old_failed_final', 'evt_old_failed_recoverable']) await age(id, 31);
    // An event nobody routed (no sync at all) is purged too.
    await sendWebhook(app, samplePayload((p) => {
      p.id = 'evt_old_unrouted';
      p.data.organization.accountId = 'acc_nobody';
    }));
    await age('evt_old_unrouted', 31);
    const before = (await syncRow(db.dataSource, oldSynced));
    expect(before.rendered_note).not.toBeNull();

    const run = await runJob(app, 'retention');
    expect(run.body).toMatchObject({ outcome: 'succeeded', summary: { retentionDays: 30, payloadsPurged: 3, notesPurged: 1 } });

    // Purged: the payload and the note body; kept: status, candidate, note reference, attempts.
    expect(await payloadOf('evt_old_synced')).toEqual({ raw_body: null, raw_body_purged_at: expect.any(Date) });
    expect(await payloadOf('evt_old_unrouted')).toMatchObject({ raw_body: null });
    expect(await payloadOf('evt_old_failed_final')).toMatchObject({ raw_body: null });
    const after = await syncRow(db.dataSource, oldSynced);
    expect(after).toMatchObject({ status: 'synced', candidate_id: before.candidate_id, rendered_note: null, note_ref: before.note_ref });
    const detail = await http(app).get(`/admin/syncs/${oldSynced}`).set(adminHeaders());
    expect(detail.body.attemptsHistory).toHaveLength(1);
    expect(detail.body.note).toMatchObject({ externalNoteId: before.note_ref.externalNoteId });

    // Kept: recent ones, and payloads a sync still needs (unmatched, pending, failed but still recoverable).
    for (const id of ['evt_recent', 'evt_old_unmatched', 'evt_old_pending', 'evt_old_failed_recoverable']) {
      expect((await payloadOf(id)).raw_body).toEqual(expect.any(String));
    }
    expect((await syncRow(db.dataSource, recent)).rendered_note).not.toBeNull();
    expect((await syncRow(db.dataSource, oldPending)).rendered_note).not.toBeNull();
    expect((await syncRow(db.dataSource, oldUnmatched)).status).toBe('unmatched');

    // Nothing older than the period survives, apart from the payloads and notes syncs still need.
    const olderBodies = await db.dataSource.query(`SELECT id FROM webhook_events WHERE raw_body IS NOT NULL AND received_at < now() - interval '30 days' ORDER BY id`);
    expect(olderBodies.map((r: { id: string }) => r.id)).toEqual(['evt_old_failed_recoverable', 'evt_old_pending', 'evt_old_unmatched']);
    const olderNotes = await db.dataSource.query(`SELECT event_id, status FROM syncs WHERE rendered_note IS NOT NULL AND created_at < now() - interval '30 days' ORDER BY event_id`);
    // A sync still open keeps the note it is about to post.
    expect(olderNotes).toEqual([{ event_id: 'evt_old_pending', status: 'pending' }]);
    // GET /admin/retention states the period the job applies.
    expect((await http(app).get('/admin/retention').set(adminHeaders())).body).toMatchObject({ retentionDays: 30, nextPurgeAt: expect.any(String) });

    // Idempotent: a second run finds nothing more.
    expect((await runJob(app, 'retention')).body.summary).toMatchObject({ payloadsPurged: 0, notesPurged: 0 });
  });
});
