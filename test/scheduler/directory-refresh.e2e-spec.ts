import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CandidateDirectoryRepository } from '../../src/matching/candidate-directory.repository';
import { GhCandidate, GreenhouseFakeServer } from '../fakes/greenhouse-fake-server';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { drain, sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';
import { ControlledProxy } from './controlled-proxy';
import { runJob } from './job-fixtures';

const SERVICE_USER = 101;
const LIST = /^\/v3\/candidates$/;
const LONG_AGO = '2026-01-05T09:00:00.000Z';

function ghCandidate(id: number, first: string, last: string, updatedAt = LONG_AGO): GhCandidate {
  return {
    id,
    first_name: first,
    last_name: last,
    email_addresses: [{ value: `${first}.${last}@example.com`.toLowerCase(), type: 'personal' }],
    phone_numbers: [{ value: `+1 415 555 ${String(1000 + id).slice(-4)}`, type: 'mobile' }],
    application_ids: [id * 10],
    updated_at: updatedAt,
  };
}

describe('candidate directory refresh (Greenhouse Harvest v3 fake, pages of 2)', () => {
  let db: TestDatabase;
  let a: NestFastifyApplication;
  let b: NestFastifyApplication;
  let fake: GreenhouseFakeServer;
  let proxy: ControlledProxy;
  let connectionId: string;

  const state = async (id = connectionId) =>
    (await db.dataSource.query(`SELECT * FROM directory_refresh_state WHERE connection_id = $1`, [id]))[0];
  const directoryIds = async (id = connectionId): Promise<string[]> =>
    (await db.dataSource.query(`SELECT external_id FROM candidates WHERE connection_id = $1 ORDER BY external_id::int`, [id]))
      .map((r: { external_id: string }) => r.external_id);

  /** Pending-list pages still to be merged into the directory's GIN indexes (cleaning them answers the count). */
  const pendingPagesLeft = (): Promise<number> => a.get(CandidateDirectoryRepository).flushPendingIndexEntries();

  async function createConnection(accountId: string, enabled = true): Promise<string> {
    const res = await http(a).post('/admin/connections').set(adminHeaders()).send({
      name: `Greenhouse ${accountId}`,
      provider: 'greenhouse',
      accountId,
      enabled,
      credentials: { clientId: fake.clientId, clientSecret: fake.clientSecret },
      settings: { baseUrl: `${proxy.url}/v3`, authUrl: fake.url, userId: String(SERVICE_USER), timeoutMs: 2000, rateLimit: { limit: 200, intervalMs: 1000 } },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  beforeAll(async () => {
    fake = new GreenhouseFakeServer();
    fake.users.push({ id: SERVICE_USER, name: 'Sam Service', first_name: 'Sam', last_name: 'Service', primary_email: 'sam@acme.test', deactivated: false });
    fake.candidates.push(
      ghCandidate(1, 'Ada', 'Lovelace'),
      ghCandidate(2, 'Alan', 'Turing'),
      ghCandidate(3, 'Grace', 'Hopper'),
      ghCandidate(4, 'Edsger', 'Dijkstra'),
      ghCandidate(5, 'Barbara', 'Liskov'),
      ghCandidate(6, 'Donald', 'Knuth'),
      ghCandidate(7, 'Frances', 'Allen'),
    );
    await fake.start();
    proxy = new ControlledProxy(() => fake.url);
    await proxy.start();
    db = await createTestDatabase();
    const env = { DIRECTORY_PAGE_SIZE: '2' };
    [a, b] = await Promise.all([createTestApp(db.url, env), createTestApp(db.url, env)]);
    connectionId = await createConnection('acc_directory');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
    await proxy?.stop();
    await fake?.stop();
  });

  it('resumes a listing that failed after page 2 from its saved cursor and ends with every candidate once', async () => {
    const disabled = await createConnection('acc_disabled', false);
    proxy.failNth(LIST, 3);

    const first = await runJob(a, 'directory-refresh');
    expect(first.status).toBe(200);
    expect(first.body.outcome).toBe('partial');
    expect(first.body.summary.details).toEqual([
      expect.objectContaining({ connectionId, status: 'failed', mode: 'full', pages: 2, candidates: 4 }),
    ]);
    const crashed = await state();
    expect(crashed).toMatchObject({ mode: 'full', pages: 2, candidates_seen: 4, last_full_at: null });
    expect(crashed.cursor).toEqual(expect.any(String));
    expect(crashed.last_error).toMatch(/TEMPORARY/);
    expect(await directoryIds()).toEqual(['1', '2', '3', '4']);

    const second = await runJob(a, 'directory-refresh');
    expect(second.body.outcome).toBe('succeeded');
    expect(second.body.summary.details).toEqual([
      expect.objectContaining({ connectionId, status: 'completed', mode: 'full', pages: 2, candidates: 3 }),
    ]);
    expect(await directoryIds()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    const done = await state();
    expect(done).toMatchObject({ cursor: null, pages: 4, candidates_seen: 7, last_error: null });
    expect(done.last_full_at).not.toBeNull();
    // The run left nothing in the GIN indexes' pending lists for lookups to scan.
    expect(await pendingPagesLeft()).toBe(0);

    // The ATS saw each page asked for once, and the resumed run started at the cursor the failed one saved.
    const cursors = proxy.requestsTo(LIST).map((r) => r.query.get('cursor'));
    expect(cursors).toHaveLength(5);
    expect(cursors[0]).toBeNull();
    expect(cursors[3]).toBe(crashed.cursor);
    expect(cursors[2]).toBe(crashed.cursor);
    expect(new Set(cursors.filter((c, i) => i !== 2)).size).toBe(4);

    // A disabled connection is left alone.
    expect(await state(disabled)).toBeUndefined();
  });

  it('then lists only what changed since the last refresh', async () => {
    const before = proxy.requestsTo(LIST).length;
    fake.candidates.push(ghCandidate(8, 'Margaret', 'Hamilton', new Date().toISOString()));
    fake.candidates[0]!.last_name = 'King';
    fake.candidates[0]!.updated_at = new Date().toISOString();

    const run = await runJob(a, 'directory-refresh');
    expect(run.body.summary.details).toEqual([
      expect.objectContaining({ connectionId, status: 'completed', mode: 'incremental', pages: 1, candidates: 2 }),
    ]);
    const asked = proxy.requestsTo(LIST).slice(before);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.query.get('updated_at')).toMatch(/^gte\|/);
    expect(await directoryIds()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    const [ada] = await db.dataSource.query(`SELECT display_name FROM candidates WHERE connection_id = $1 AND external_id = '1'`, [connectionId]);
    expect(ada.display_name).toBe('Ada King');
    expect((await state()).last_incremental_at).not.toBeNull();
  });

  it('removes candidates gone from the ATS on the next full refresh', async () => {
    fake.candidates.splice(fake.candidates.findIndex((c) => c.id === 3), 1);
    const run = await runJob(b, 'directory-full-refresh');
    expect(run.body.outcome).toBe('succeeded');
    expect(run.body.summary.details).toEqual([
      expect.objectContaining({ connectionId, status: 'completed', mode: 'full', candidates: 7, pruned: 1 }),
    ]);
    expect(await directoryIds()).toEqual(['1', '2', '4', '5', '6', '7', '8']);
    expect((await state()).full_requested_at).toBeNull();
  });

  it('starts the listing over when the saved cursor has expired at the ATS', async () => {
    // A refresh stopped at page 2 long ago: its cursor means nothing to the ATS any more.
    await db.dataSource.query(
      `UPDATE directory_refresh_state SET mode = 'full', cursor = 'expired-cursor', started_at = now(), finished_at = NULL, pages = 2
       WHERE connection_id = $1`,
      [connectionId],
    );
    const before = proxy.requestsTo(LIST).length;
    const run = await runJob(a, 'directory-refresh');
    expect(run.body.outcome).toBe('succeeded');
    expect(run.body.summary.details).toEqual([expect.objectContaining({ status: 'completed', mode: 'full', pages: 4, candidates: 7 })]);
    expect(proxy.requestsTo(LIST).slice(before).map((r) => r.query.get('cursor'))).toEqual(['expired-cursor', null, expect.any(String), expect.any(String), expect.any(String)]);
    expect(await state()).toMatchObject({ cursor: null, pages: 4, candidates_seen: 7, last_error: null });
  });

  it('runs on one instance at a time: the other is told the job is locked, and no page is fetched twice', async () => {
    const before = proxy.requestsTo(LIST).length;
    const release = proxy.hold(LIST);
    const runA = runJob(a, 'directory-full-refresh').then((res) => res);
    try {
      await waitUntil(() => proxy.waiting > 0);
      const runB = await runJob(b, 'directory-full-refresh');
      expect(runB.status).toBe(409);
      expect(runB.body).toMatchObject({ code: 'JOB_LOCKED' });

      // The frequent job has its own lock, but the connection is busy: it leaves it to the run under way.
      const incremental = await runJob(b, 'directory-refresh');
      expect(incremental.status).toBe(200);
      expect(incremental.body.summary.details).toEqual([expect.objectContaining({ connectionId, status: 'busy' })]);

      const jobs = await http(b).get('/admin/jobs').set(adminHeaders());
      expect(jobs.body.jobs.find((j: { name: string }) => j.name === 'directory-full-refresh').running).toBe(true);
    } finally {
      release();
    }
    const done = await runA;
    expect(done.body).toMatchObject({ outcome: 'succeeded' });
    expect(done.body.summary.details).toEqual([expect.objectContaining({ status: 'completed', pages: 4, candidates: 7 })]);
    const cursors = proxy.requestsTo(LIST).slice(before).map((r) => r.query.get('cursor'));
    expect(cursors).toHaveLength(4);
    expect(new Set(cursors).size).toBe(4);
  });

  it('sends a name-only match to review until a full refresh has completed, when the ATS cannot search by name', async () => {
    const fresh = await createConnection('acc_name_only');
    // The directory knows one "Ada King" (found earlier, e.g. by an e-mail search), but it was never listed in full.
    await a.get(CandidateDirectoryRepository).upsert(fresh, [
      { externalId: '1', firstName: 'Ada', lastName: 'King', displayName: 'Ada King', emails: [], phones: [], updatedAt: null },
    ]);
    const meeting = (id: string) => samplePayload((p) => {
      p.id = id;
      p.data.organization.accountId = 'acc_name_only';
      p.data.meeting.atsRecordName = 'Ada King';
      p.data.meeting.participants = ['+14155559999'];
    });

    await sendWebhook(a, meeting('evt_name_only_before'));
    await drain(a);
    const [before] = await db.dataSource.query(`SELECT status, match FROM syncs WHERE event_id = 'evt_name_only_before'`);
    expect(before.status).toBe('needs_review');
    expect(before.match.reason).toMatch(/full refresh/);
    expect(before.match.alternatives).toEqual([expect.objectContaining({ candidateId: '1' })]);

    const full = await runJob(a, 'directory-full-refresh');
    expect(full.body.summary.details).toEqual(expect.arrayContaining([expect.objectContaining({ connectionId: fresh, status: 'completed' })]));

    await sendWebhook(a, meeting('evt_name_only_after'));
    await drain(a);
    const [after] = await db.dataSource.query(`SELECT status, candidate_id FROM syncs WHERE event_id = 'evt_name_only_after'`);
    expect(after).toEqual({ status: 'synced', candidate_id: '1' });
    expect(fake.notes.filter((n) => n.body.includes('evt_name_only_after'))).toHaveLength(1);
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
