import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AttemptRecord, ClaimedSync, SyncPatch, SyncRepository } from '../../src/sync/sync.repository';
import { createTestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';

/**
 * Attempts that end together are recorded in one statement. Whatever the batching, each sync must end exactly
 * as if it had been recorded alone: the same columns set, the others left as they were, the attempt appended,
 * and a stale attempt refused without touching its neighbours.
 */
describe('attempts recorded together', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let state: SyncRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    state = app.get(SyncRepository);
    await createSandboxConnection(app);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function claimFresh(count: number, prefix: string): Promise<ClaimedSync[]> {
    for (let i = 0; i < count; i++) {
      const res = await sendWebhook(app, samplePayload((p) => (p.id = `${prefix}_${i}`)));
      expect(res.status).toBe(200);
    }
    const claimed = await state.claim(`worker-${prefix}`, count, 120);
    expect(claimed).toHaveLength(count);
    return claimed;
  }

  const attempt = (outcome: string, extra: Partial<AttemptRecord> = {}): AttemptRecord => ({ startedAt: new Date(Date.now() - 50), outcome, ...extra });
  const row = async (id: string) => (await db.dataSource.query(`SELECT * FROM syncs WHERE id = $1`, [id]))[0];
  const attemptsOf = async (id: string) => db.dataSource.query(`SELECT * FROM sync_attempts WHERE sync_id = $1 ORDER BY id`, [id]);

  it('records each attempt of a simultaneous batch as it would alone', async () => {
    // The first two attempts take both statement slots, so the six after them are recorded by one shared statement.
    const [first, second, ...claimed] = await claimFresh(8, 'evt_batch');
    // Mark columns that a later patch must leave alone.
    await db.dataSource.query(`UPDATE syncs SET candidate_name = 'kept name', visibility = 'kept' WHERE id = ANY($1::uuid[])`, [claimed.map((c) => c.id)]);
    const retryAt = new Date(Date.now() + 60_000);
    const patches: Array<[SyncPatch, AttemptRecord]> = [
      [
        { status: 'synced', candidateId: 'cand-1', candidateName: 'First Last', match: { decision: 'matched', score: 1 }, mappingVersion: 3, noteRef: { externalNoteId: 'n1' }, noteUncertain: false, lastErrorCode: null },
        attempt('synced', { detail: { atsCalls: 1 } }),
      ],
      [{ status: 'pending', nextAttemptAt: retryAt, lastErrorCode: 'TEMPORARY', lastErrorMessage: 'HTTP 503', noteUncertain: true }, attempt('retry', { errorCode: 'TEMPORARY', errorMessage: 'HTTP 503' })],
      [{ status: 'needs_review', match: { decision: 'needs_review', alternatives: [{ candidateId: 'a' }, { candidateId: 'b' }] } }, attempt('needs_review')],
      [{ status: 'failed', lastErrorCode: 'INVALID_REQUEST', lastErrorMessage: 'bad\u0000byte \ud800 lone' }, attempt('failed', { errorMessage: 'bad\u0000byte', detail: { note: 'nul \u0000 here' } })],
      [{ status: 'skipped', visibilityReason: 'the connection is disabled', match: null }, attempt('skipped')],
    ];
    // The sixth attempt is stale: another worker took the row over (a newer attempt number).
    const stale = claimed[5]!;
    await db.dataSource.query(`UPDATE syncs SET attempts = attempts + 1 WHERE id = $1`, [stale.id]);

    // Private, but the point here: the six must go through one shared statement, not one each.
    const statements = jest.spyOn(state as unknown as { finishMany: (f: unknown[]) => Promise<boolean[]> }, 'finishMany');
    const results = await Promise.all([
      state.finish(first!, { status: 'synced' }, attempt('synced')),
      state.finish(second!, { status: 'synced' }, attempt('synced')),
      ...patches.map(([patch, a], i) => state.finish(claimed[i]!, patch, a)),
      state.finish(stale, { status: 'synced', candidateId: 'wrong' }, attempt('synced')),
    ]);
    expect(results).toEqual([true, true, true, true, true, true, true, false]);
    expect(statements.mock.calls.map(([batch]) => batch.length)).toEqual([1, 1, 6]);
    statements.mockRestore();

    const synced = await row(claimed[0]!.id);
    expect(synced).toMatchObject({ status: 'synced', candidate_id: 'cand-1', candidate_name: 'First Last', mapping_version: 3, note_uncertain: false, lease_owner: null, lease_expires_at: null, visibility: 'kept' });
    expect(synced.match).toEqual({ decision: 'matched', score: 1 });
    expect(synced.note_ref).toEqual({ externalNoteId: 'n1' });
    expect(synced.finished_at).not.toBeNull();

    const retried = await row(claimed[1]!.id);
    expect(retried).toMatchObject({ status: 'pending', last_error_code: 'TEMPORARY', last_error_message: 'HTTP 503', note_uncertain: true, candidate_name: 'kept name', finished_at: null });
    expect(Math.abs(new Date(retried.next_attempt_at).getTime() - retryAt.getTime())).toBeLessThan(1000);

    const review = await row(claimed[2]!.id);
    expect(review.match.alternatives).toHaveLength(2);
    expect(review).toMatchObject({ status: 'needs_review', candidate_name: 'kept name', visibility: 'kept' });

    const failed = await row(claimed[3]!.id);
    expect(failed.status).toBe('failed');
    expect(failed.last_error_message).not.toContain('\u0000');
    expect(failed.last_error_message).toMatch(/^bad.?byte/);

    const skipped = await row(claimed[4]!.id);
    expect(skipped).toMatchObject({ status: 'skipped', visibility_reason: 'the connection is disabled', match: null });

    const untouched = await row(stale.id);
    expect(untouched).toMatchObject({ status: 'processing', candidate_id: null, lease_owner: stale.leaseOwner });
    expect(await attemptsOf(stale.id)).toHaveLength(0);

    for (const [i, [, a]] of patches.entries()) {
      const history = await attemptsOf(claimed[i]!.id);
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ attempt: 1, worker: claimed[i]!.leaseOwner, outcome: a.outcome, error_code: a.errorCode ?? null });
    }
    expect((await attemptsOf(claimed[0]!.id))[0].detail).toEqual({ atsCalls: 1 });
  });

  it('shares statements under load: 60 attempts ending at once all land, each once', async () => {
    const claimed = await claimFresh(60, 'evt_load');
    const results = await Promise.all(claimed.map((c) => state.finish(c, { status: 'synced', candidateId: `cand-${c.id.slice(0, 4)}` }, attempt('synced'))));
    expect(results.every(Boolean)).toBe(true);
    const [counts] = await db.dataSource.query(
      `SELECT count(*) FILTER (WHERE s.status = 'synced')::int AS synced, (SELECT count(*)::int FROM sync_attempts a WHERE a.sync_id = ANY($1::uuid[])) AS attempts
       FROM syncs s WHERE s.id = ANY($1::uuid[])`,
      [claimed.map((c) => c.id)],
    );
    expect(counts).toEqual({ synced: 60, attempts: 60 });
  });
});
