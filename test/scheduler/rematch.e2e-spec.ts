import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain, sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';
import { ageSync, onlySyncId, runJob, syncRow } from './job-fixtures';

const LATE_CANDIDATE = { id: 'cand-late', firstName: 'First', lastName: 'Last', phones: ['+12345678900'], emails: [] };
const HOUR = 60;
const DAY = 24 * HOUR;

describe('re-matching unmatched syncs', () => {
  let db: TestDatabase;
  let a: NestFastifyApplication;
  let b: NestFastifyApplication;
  let connectionId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Two instances on one database, as a deployment with several replicas runs.
    [a, b] = await Promise.all([createTestApp(db.url), createTestApp(db.url)]);
    connectionId = (await createSandboxConnection(a, { candidates: [] })).id;
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  async function unmatchedMeeting(eventId: string, name: string, phone: string): Promise<string> {
    const res = await sendWebhook(a, samplePayload((p) => {
      p.id = eventId;
      p.data.meeting.atsRecordName = name;
      p.data.meeting.participants = [phone];
    }));
    expect(res.body).toEqual({ status: 'accepted' });
    await drain(a);
    const id = await onlySyncId(db.dataSource, eventId);
    expect((await syncRow(db.dataSource, id)).status).toBe('unmatched');
    return id;
  }

  it('files the note once the candidate exists in the ATS, an hour later, without anyone touching the sync', async () => {
    const syncId = await unmatchedMeeting('evt_late_candidate', 'First Last', '+12345678900');

    // Too early: the first step of the ladder is 15 minutes after the meeting arrived.
    expect((await runJob(a, 'rematch')).body.summary).toMatchObject({ rearmed: 0 });

    // The recruiter creates the candidate in the ATS; an hour passes.
    const patched = await http(a).patch(`/admin/connections/${connectionId}`).set(adminHeaders())
      .send({ settings: { candidates: [LATE_CANDIDATE] } });
    expect(patched.status).toBe(200);
    await ageSync(db.dataSource, syncId, HOUR + 1);

    // Both instances fire the job at once and then both workers drain.
    const runs = await Promise.all([runJob(a, 'rematch'), runJob(b, 'rematch')]);
    for (const run of runs) expect([200, 409]).toContain(run.status);
    const rearmed = runs.filter((r) => r.status === 200).reduce((n, r) => n + r.body.summary.rearmed, 0);
    expect(rearmed).toBe(1);
    await Promise.all([drain(a), drain(b)]);

    const sync = await syncRow(db.dataSource, syncId);
    expect(sync).toMatchObject({ status: 'synced', candidate_id: 'cand-late', rematch_count: 1, attempts: 1 });
    const notes = await db.dataSource.query(`SELECT candidate_id FROM sandbox_notes WHERE body_text LIKE '%evt_late_candidate%'`);
    expect(notes).toEqual([{ candidate_id: 'cand-late' }]);

    // Nothing left to do: a later run re-arms nothing and no second note appears.
    expect((await runJob(b, 'rematch')).body.summary).toMatchObject({ rearmed: 0 });
    await drain(b);
    expect(await db.dataSource.query(`SELECT 1 FROM sandbox_notes WHERE body_text LIKE '%evt_late_candidate%'`)).toHaveLength(1);

    const detail = await http(a).get(`/admin/syncs/${syncId}`).set(adminHeaders());
    expect(detail.body.attemptsHistory.map((h: { outcome: string }) => h.outcome)).toEqual(['unmatched', 'synced']);
  });

  it('keeps re-arming on the ladder inside the window, one attempt per step', async () => {
    const syncId = await unmatchedMeeting('evt_inside_window', 'Nobody Known', '+14155550199');

    await ageSync(db.dataSource, syncId, 20);
    expect((await runJob(a, 'rematch')).body.summary).toMatchObject({ rearmed: 1 });
    await drain(a);
    expect(await syncRow(db.dataSource, syncId)).toMatchObject({ status: 'unmatched', rematch_count: 1 });

    // The 15-minute step is spent; the next is at one hour.
    expect((await runJob(a, 'rematch')).body.summary).toMatchObject({ rearmed: 0 });
    await ageSync(db.dataSource, syncId, 45);
    expect((await runJob(a, 'rematch')).body.summary).toMatchObject({ rearmed: 1 });
    await drain(a);

    // Three days later, still inside the 7-day window: tried again (missed steps collapse into one attempt).
    await ageSync(db.dataSource, syncId, 3 * DAY);
    expect((await runJob(a, 'rematch')).body.summary).toMatchObject({ rearmed: 1 });
    await drain(a);
    expect((await runJob(a, 'rematch')).body.summary).toMatchObject({ rearmed: 0 });
    expect(await syncRow(db.dataSource, syncId)).toMatchObject({ status: 'unmatched', rematch_count: 3 });
  });

  it('leaves a sync unmatched for an operator once the window has closed', async () => {
    const syncId = await unmatchedMeeting('evt_after_window', 'Someone Else', '+14155550188');
    await ageSync(db.dataSource, syncId, 7 * DAY + 1);
    expect((await runJob(a, 'rematch')).body.summary).toMatchObject({ rearmed: 0 });
    expect(await syncRow(db.dataSource, syncId)).toMatchObject({ status: 'unmatched', rematch_count: 0 });
  });

  it('does not re-arm syncs of a disabled connection', async () => {
    const syncId = await unmatchedMeeting('evt_disabled_connection', 'Another Person', '+14155550177');
    await ageSync(db.dataSource, syncId, HOUR + 1);
    await http(a).patch(`/admin/connections/${connectionId}`).set(adminHeaders()).send({ enabled: false });
    try {
      expect((await runJob(a, 'rematch')).body.summary).toMatchObject({ rearmed: 0 });
    } finally {
      await http(a).patch(`/admin/connections/${connectionId}`).set(adminHeaders()).send({ enabled: true });
    }
    expect((await runJob(a, 'rematch')).body.summary).toMatchObject({ rearmed: 1 });
    await drain(a);
  });

  it('lets one instance run the job while the other is told it is locked, and re-arms each sync once', async () => {
    const syncId = await unmatchedMeeting('evt_locked_run', 'Locked Run', '+14155550166');
    await ageSync(db.dataSource, syncId, HOUR + 1);

    // Hold the sync row so that instance A's run stays inside its job lock until we let go.
    const blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT id FROM syncs WHERE id = $1 FOR UPDATE', [syncId]);
      const runA = runJob(a, 'rematch').then((res) => res); // supertest sends on then()
      await waitUntil(async () => (await jobStatus(b, 'rematch')).running === true);

      const runB = await runJob(b, 'rematch');
      expect(runB.status).toBe(409);
      expect(runB.body.code).toBe('JOB_LOCKED');

      await blocker.query('COMMIT');
      const done = await runA;
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ job: 'rematch', outcome: 'succeeded', trigger: 'manual' });
      expect(done.body.summary.rearmed).toBe(1);
    } finally {
      await blocker.end();
    }
    expect(await syncRow(db.dataSource, syncId)).toMatchObject({ status: 'pending', rematch_count: 1 });
    await Promise.all([drain(a), drain(b)]);
    const attempts = await db.dataSource.query(`SELECT outcome FROM sync_attempts WHERE sync_id = $1 ORDER BY id`, [syncId]);
    expect(attempts.map((r: { outcome: string }) => r.outcome)).toEqual(['unmatched', 'unmatched']);
  });
});

async function jobStatus(app: NestFastifyApplication, name: string): Promise<Record<string, any>> {
  const res = await http(app).get('/admin/jobs').set(adminHeaders());
  return res.body.jobs.find((j: { name: string }) => j.name === name);
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
