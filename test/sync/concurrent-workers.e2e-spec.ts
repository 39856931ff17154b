import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SyncWorkerService } from '../../src/sync/sync-worker.service';
import { createTestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain } from '../support/fixtures';
import { accept, seedEvent } from './sync-test-support';

const SYNCS = 200;

/**
 * Two service instances on one database drain one queue at the same time. Claims use FOR UPDATE SKIP LOCKED
 * with leases, so no row is processed twice: every sync ends synced after one attempt, with one note.
 */
describe('two workers on one database', () => {
  let db: TestDatabase;
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = { WORKER_CONCURRENCY: '8' };
    [first, second] = await Promise.all([createTestApp(db.url, env), createTestApp(db.url, env)]);
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await db?.drop();
  });

  it(`process ${SYNCS} pending syncs between them, each exactly once`, async () => {
    const { id: connectionId } = await createSandboxConnection(first);
    const ids = Array.from({ length: SYNCS }, (_, i) => `evt_race_${String(i).padStart(3, '0')}`);
    for (let i = 0; i < ids.length; i += 20) {
      await Promise.all(ids.slice(i, i + 20).map((id, n) => accept(n % 2 === 0 ? first : second, seedEvent(id))));
    }
    const [{ pending }] = await db.dataSource.query(`SELECT count(*)::int AS pending FROM syncs WHERE status = 'pending'`);
    expect(pending).toBe(SYNCS);

    const [a, b] = await Promise.all([drain(first), drain(second)]);
    expect(a + b).toBe(SYNCS);

    const syncs: Array<{ status: string; attempts: number; event_id: string }> = await db.dataSource.query(
      `SELECT status, attempts, event_id FROM syncs`,
    );
    expect(syncs).toHaveLength(SYNCS);
    expect(syncs.filter((s) => s.status !== 'synced' || s.attempts !== 1)).toEqual([]);

    const attempts: Array<{ sync_id: string; n: number; synced: number }> = await db.dataSource.query(
      `SELECT sync_id, count(*)::int AS n, count(*) FILTER (WHERE outcome = 'synced')::int AS synced FROM sync_attempts GROUP BY sync_id`,
    );
    expect(attempts).toHaveLength(SYNCS);
    expect(attempts.filter((r) => r.n !== 1 || r.synced !== 1)).toEqual([]);

    const notes: Array<{ reference_marker: string }> = await db.dataSource.query(
      `SELECT reference_marker FROM sandbox_notes WHERE connection_id = $1`,
      [connectionId],
    );
    expect(notes).toHaveLength(SYNCS);
    const noted = new Set(notes.map((n) => n.reference_marker.split(':')[1]));
    expect([...noted].sort()).toEqual(ids);

    // Both instances took part, under their own names.
    const workers: Array<{ worker: string }> = await db.dataSource.query(`SELECT DISTINCT worker FROM sync_attempts`);
    expect(workers.map((w) => w.worker).sort()).toEqual([first.get(SyncWorkerService).owner, second.get(SyncWorkerService).owner].sort());
  });
});
