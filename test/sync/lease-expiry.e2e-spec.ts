import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AtsAdapterRegistry } from '../../src/ats/ats-adapter.registry';
import { postNoteOnce } from '../../src/ats/kit/note-poster';
import { ConnectionsService } from '../../src/connections/connections.service';
import { CandidateFinderService } from '../../src/matching/candidate-finder.service';
import { referenceMarker } from '../../src/sync/sync-pipeline.service';
import { ClaimedSync, SyncRepository } from '../../src/sync/sync.repository';
import { GreenhouseFakeServer } from '../fakes/greenhouse-fake-server';
import { createTestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { drain } from '../support/fixtures';
import { accept, connectGreenhouse, GREENHOUSE_FIRST_LAST, onlySyncOf, seedEvent, startGreenhouse } from './sync-test-support';

/**
 * A worker that dies mid-sync leaves a `processing` row whose lease runs out. Another worker reclaims it, and
 * because the dead one may have posted, the new attempt looks for the note before posting: the sync finishes
 * exactly once, with exactly one note, whether the dead worker got as far as posting or not.
 */
describe('a worker killed mid-sync', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let fake: GreenhouseFakeServer;
  let connectionId: string;

  beforeAll(async () => {
    fake = await startGreenhouse();
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    connectionId = await connectGreenhouse(app, fake);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await fake?.stop();
  });

  /** Stores the event and lets a worker that is about to die claim its sync. */
  async function claimedByDoomedWorker(eventId: string): Promise<ClaimedSync> {
    await accept(app, seedEvent(eventId));
    const claimed = await app.get(SyncRepository).claim('worker-that-dies', 10, 120);
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({ eventId, attempts: 1, noteUncertain: false, previousStatus: 'pending' });
    return claimed[0]!;
  }

  /** What the kill leaves behind once the lease has run out. */
  async function expireLease(sync: ClaimedSync): Promise<void> {
    // A healthy lease protects the row from everyone else.
    expect(await drain(app)).toBe(0);
    await db.dataSource.query(`UPDATE syncs SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [sync.id]);
  }

  const notesWith = (marker: string) => fake.notes.filter((n) => n.body.includes(marker));
  const requestsSince = (start: number) => fake.http.requests.slice(start).map((r) => `${r.method} ${r.path}`);

  it('does not post again when the dead worker had already posted the note', async () => {
    const dead = await claimedByDoomedWorker('evt_killed_after_post');
    const marker = referenceMarker(dead.eventId, dead.id);

    // The dead worker's post reached the ATS; it died before recording anything.
    const { ctx } = await app.get(ConnectionsService).context(connectionId);
    const candidate = await app.get(CandidateFinderService).chosen(connectionId, String(GREENHOUSE_FIRST_LAST));
    const { note: posted } = await postNoteOnce(app.get(AtsAdapterRegistry).get('greenhouse'), ctx, candidate, {
      title: 'Project Sync: Q4 Roadmap',
      text: `Project Sync: Q4 Roadmap\n\nDebrief ref: ${marker}`,
      html: `<p>Project Sync: Q4 Roadmap</p><p>Debrief ref: ${marker}</p>`,
      visibility: 'public',
      referenceMarker: marker,
      idempotencyKey: `debrief-${dead.id}`,
      author: { name: 'Alex Rivers', email: null },
      meetingStartedAt: null,
    }, { previousAttemptUncertain: false });
    await expireLease(dead);

    const start = fake.http.requests.length;
    expect(await drain(app)).toBe(1);

    expect(notesWith(marker)).toHaveLength(1);
    const after = requestsSince(start);
    expect(after).toContain('GET /v3/notes');
    expect(after).not.toContain('POST /v3/notes');

    const sync = await onlySyncOf(app, dead.eventId);
    expect(sync).toMatchObject({ status: 'synced', attempts: 2, noteUncertain: false, candidateId: String(GREENHOUSE_FIRST_LAST) });
    expect(sync.note.externalNoteId).toBe(posted.externalNoteId);
    // The dead attempt left no record; the one that finished did, once.
    expect(sync.attemptsHistory).toEqual([expect.objectContaining({ attempt: 2, outcome: 'synced', worker: expect.not.stringMatching('worker-that-dies') })]);

    // Should the dead worker come back after all, its outcome is refused and changes nothing.
    const late = await app.get(SyncRepository).finish(dead, { status: 'failed', lastErrorCode: 'TEMPORARY' }, { startedAt: new Date(), outcome: 'failed' });
    expect(late).toBe(false);
    expect(await onlySyncOf(app, dead.eventId)).toMatchObject({ status: 'synced', attempts: 2 });
    expect(await drain(app)).toBe(0);
    expect(notesWith(marker)).toHaveLength(1);
  });

  it('posts exactly once, after looking, when the dead worker never reached the ATS', async () => {
    const dead = await claimedByDoomedWorker('evt_killed_before_post');
    const marker = referenceMarker(dead.eventId, dead.id);
    await expireLease(dead);

    const start = fake.http.requests.length;
    expect(await drain(app)).toBe(1);

    expect(notesWith(marker)).toHaveLength(1);
    const after = requestsSince(start);
    const looked = after.indexOf('GET /v3/notes');
    const postedAt = after.indexOf('POST /v3/notes');
    expect(looked).toBeGreaterThanOrEqual(0);
    expect(postedAt).toBeGreaterThan(looked);
    expect(after.filter((r) => r === 'POST /v3/notes')).toHaveLength(1);

    const sync = await onlySyncOf(app, dead.eventId);
    expect(sync).toMatchObject({ status: 'synced', attempts: 2, noteUncertain: false });
    expect(sync.attemptsHistory).toHaveLength(1);
    expect(await drain(app)).toBe(0);
  });

  it('refuses a stale attempt even when its own process reclaimed the row', async () => {
    // The same worker (one owner name) lost its lease while an attempt hung, then claimed the row again.
    const state = app.get(SyncRepository);
    const stale = await claimedByDoomedWorker('evt_same_owner');
    await db.dataSource.query(`UPDATE syncs SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [stale.id]);
    const [fresh] = await state.claim('worker-that-dies', 10, 120);
    expect(fresh).toMatchObject({ id: stale.id, leaseOwner: stale.leaseOwner, attempts: 2, noteUncertain: true });

    expect(await state.extendLease(stale, 120)).toBe(false);
    expect(await state.finish(stale, { status: 'failed', lastErrorCode: 'TEMPORARY' }, { startedAt: new Date(), outcome: 'failed' })).toBe(false);
    expect(await state.extendLease(fresh!, 120)).toBe(true);
    expect(await state.finish(fresh!, { status: 'skipped', visibilityReason: 'test' }, { startedAt: new Date(), outcome: 'skipped' })).toBe(true);
    const sync = await onlySyncOf(app, 'evt_same_owner');
    expect(sync).toMatchObject({ status: 'skipped', attempts: 2 });
    expect(sync.attemptsHistory).toEqual([expect.objectContaining({ attempt: 2, outcome: 'skipped' })]);
  });

  it('is not reclaimed while the lease still holds, however many workers look', async () => {
    const dead = await claimedByDoomedWorker('evt_lease_holds');
    const others = await Promise.all([1, 2, 3].map((n) => app.get(SyncRepository).claim(`worker-${n}`, 10, 120)));
    expect(others.flat()).toEqual([]);
    await expireLease(dead);
    const [first, second] = await Promise.all([1, 2].map((n) => app.get(SyncRepository).claim(`worker-${n}`, 10, 120)));
    const winners = [...first!, ...second!];
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ id: dead.id, attempts: 2, noteUncertain: true, previousStatus: 'processing' });
  });
});
