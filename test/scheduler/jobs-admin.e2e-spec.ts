import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { InvalidConfigError, parseConfig } from '../../src/config/app-config.schema';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { holdJobLock, runJob } from './job-fixtures';

const JOBS = ['stale-lease-sweeper', 'rematch', 'recovery', 'directory-refresh', 'directory-full-refresh', 'retention', 'erasure'];
const READ_ONLY = 'read-only-token-0123456789';

describe('GET /admin/jobs and POST /admin/jobs/:name/run', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { ADMIN_READONLY_TOKENS: READ_ONLY });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('lists every job with its schedule and the variable that sets it', async () => {
    const res = await http(app).get('/admin/jobs').set(adminHeaders());
    expect(res.status).toBe(200);
    expect(res.body.timeZone).toBe('UTC');
    expect(res.body.jobs.map((j: { name: string }) => j.name)).toEqual(JOBS);
    expect(res.body.jobs[0]).toEqual({
      name: 'stale-lease-sweeper',
      description: expect.any(String),
      schedule: '* * * * *',
      scheduleVariable: 'JOB_SWEEPER_CRON',
      scheduled: false,
      nextRunAt: null,
      running: false,
      lastRun: null,
    });
  });

  it('runs a job now, answers how it ended, and shows it as the last run', async () => {
    const run = await runJob(app, 'rematch');
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ job: 'rematch', trigger: 'manual', outcome: 'succeeded', error: null, summary: { examined: 0, rearmed: 0 } });
    expect(run.body.durationMs).toBeGreaterThanOrEqual(0);

    const list = await http(app).get('/admin/jobs').set(adminHeaders(READ_ONLY));
    const rematch = list.body.jobs.find((j: { name: string }) => j.name === 'rematch');
    expect(rematch.lastRun).toEqual({ ...run.body });
  });

  it('answers 409 while another instance holds the job, and shows it running', async () => {
    const other = await holdJobLock(db.url, 'retention');
    try {
      const res = await runJob(app, 'retention');
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'JOB_LOCKED' });
      const list = await http(app).get('/admin/jobs').set(adminHeaders());
      expect(list.body.jobs.find((j: { name: string }) => j.name === 'retention').running).toBe(true);
    } finally {
      await other.release();
    }
    expect((await runJob(app, 'retention')).status).toBe(200);
  });

  it('closes a run its instance never finished as abandoned', async () => {
    const [{ id }] = await db.dataSource.query(
      `INSERT INTO job_runs (job, trigger, instance, outcome, started_at) VALUES ('recovery', 'schedule', 'gone:1:abc', 'running', now() - interval '1 hour') RETURNING id`,
    );
    expect((await runJob(app, 'recovery')).status).toBe(200);
    const [row] = await db.dataSource.query(`SELECT outcome, finished_at FROM job_runs WHERE id = $1`, [id]);
    expect(row.outcome).toBe('abandoned');
    expect(row.finished_at).not.toBeNull();
  });

  it('answers 404 for an unknown job, 401 without a token and 403 to a read-only token', async () => {
    expect((await runJob(app, 'no-such-job')).status).toBe(404);
    expect((await http(app).get('/admin/jobs')).status).toBe(401);
    expect((await http(app).post('/admin/jobs/rematch/run')).status).toBe(401);
    expect((await http(app).post('/admin/jobs/rematch/run').set(adminHeaders(READ_ONLY))).status).toBe(403);
    expect((await http(app).get('/admin/jobs').set(adminHeaders(READ_ONLY))).status).toBe(200);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = await http(app).get('/docs/json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/admin/jobs', '/admin/jobs/{name}/run']));
    expect(Object.keys(doc.body.paths['/admin/jobs/{name}/run'].post.responses)).toEqual(expect.arrayContaining(['200', '404', '409']));
  });
});

describe('job schedules', () => {
  it('shows the next run of each job when the scheduler is on', async () => {
    const db = await createTestDatabase();
    // Schedules far away, so nothing fires while the test looks.
    const far = '0 0 1 1 *';
    const app = await createTestApp(db.url, {
      SCHEDULER_ENABLED: 'true',
      JOB_SWEEPER_CRON: far,
      JOB_REMATCH_CRON: far,
      JOB_RECOVERY_CRON: far,
      JOB_DIRECTORY_REFRESH_CRON: far,
      JOB_DIRECTORY_FULL_REFRESH_CRON: far,
      JOB_RETENTION_CRON: far,
      JOB_ERASURE_CRON: far,
    });
    try {
      const res = await http(app).get('/admin/jobs').set(adminHeaders());
      const nextNewYear = `${new Date().getUTCFullYear() + 1}-01-01T00:00:00.000Z`;
      for (const job of res.body.jobs) expect(job).toMatchObject({ schedule: far, scheduled: true, nextRunAt: nextNewYear });
    } finally {
      await app.close();
      await db.drop();
    }
  });

  it('runs jobs on their schedule on every instance, one run at a time, each sync swept once', async () => {
    const db = await createTestDatabase();
    const env = { SCHEDULER_ENABLED: 'true', JOB_SWEEPER_CRON: '* * * * * *' };
    const apps: NestFastifyApplication[] = [];
    try {
      apps.push(await createTestApp(db.url, { ...env, JOB_SWEEPER_CRON: '0 0 1 1 *' }));
      const connection = await http(apps[0]!).post('/admin/connections').set(adminHeaders())
        .send({ name: 'Sandbox', provider: 'sandbox', accountId: 'acc_cron', settings: { candidates: [] } });
      await db.dataSource.query(`INSERT INTO webhook_events (id, event_type, account_id, provider_created_at, status, signature_scheme, raw_body)
                                 VALUES ('evt_cron', 'meeting.completed', 'acc_cron', now(), 'accepted', 'standard', '{}')`);
      await db.dataSource.query(
        `INSERT INTO syncs (event_id, connection_id, status, attempts, lease_owner, lease_expires_at)
         VALUES ('evt_cron', $1, 'processing', 1, 'worker-that-died', now() - interval '1 minute')`,
        [connection.body.id],
      );
      // Two more instances sweep every second.
      apps.push(await createTestApp(db.url, env), await createTestApp(db.url, env));
      await waitFor(async () => (await db.dataSource.query(`SELECT 1 FROM syncs WHERE status = 'pending'`)).length === 1);
      await waitFor(async () => (await db.dataSource.query(`SELECT 1 FROM job_runs WHERE trigger = 'schedule' AND outcome = 'succeeded'`)).length >= 3);
    } finally {
      for (const app of apps) await app.close();
    }
    try {
      const lapses = await db.dataSource.query(`SELECT worker FROM sync_attempts WHERE outcome = 'lease_expired'`);
      expect(lapses).toEqual([{ worker: 'worker-that-died' }]);
      const runs = await db.dataSource.query(`SELECT summary FROM job_runs WHERE job = 'stale-lease-sweeper' AND outcome = 'succeeded'`);
      expect(runs.reduce((n: number, r: { summary: { released: number } }) => n + r.summary.released, 0)).toBe(1);
      // Runs never overlapped: each started after the previous one finished.
      const overlaps = await db.dataSource.query(
        `SELECT 1 FROM job_runs x JOIN job_runs y ON x.job = y.job AND x.id < y.id
         WHERE x.job = 'stale-lease-sweeper' AND y.started_at < x.finished_at AND x.started_at < y.finished_at`,
      );
      expect(overlaps).toEqual([]);
    } finally {
      await db.drop();
    }
  });

  it('refuses to start on a malformed schedule or re-match ladder', () => {
    const problems = (env: Record<string, string>) => {
      try {
        parseConfig(env);
      } catch (err) {
        return (err as InvalidConfigError).problems.join('\n');
      }
      return '';
    };
    expect(problems({ JOB_REMATCH_CRON: 'every five minutes' })).toMatch(/JOB_REMATCH_CRON/);
    expect(problems({ REMATCH_LADDER_MINUTES: '60,15' })).toMatch(/REMATCH_LADDER_MINUTES/);
    expect(problems({ REMATCH_LADDER_MINUTES: '15,1h' })).toMatch(/REMATCH_LADDER_MINUTES/);
    expect(problems({ JOB_TIMEZONE: 'Mars/Olympus' })).toMatch(/JOB_TIMEZONE/);
    expect(parseConfig({ REMATCH_LADDER_MINUTES: '10, 30,120', RETENTION_DAYS: '30' })).toMatchObject({
      REMATCH_LADDER_MINUTES: [10, 30, 120],
      RETENTION_DAYS: 30,
      REMATCH_WINDOW_DAYS: 7,
      JOB_SWEEPER_CRON: '* * * * *',
    });
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
