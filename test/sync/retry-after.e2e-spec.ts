import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GreenhouseFakeServer } from '../fakes/greenhouse-fake-server';
import { createTestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { drain } from '../support/fixtures';
import { accept, connectGreenhouse, onlySyncOf, seedEvent, startGreenhouse } from './sync-test-support';

/**
 * An ATS that answers 429 with a Retry-After longer than a call waits in place (30 s) hands the wait to the
 * sync: it goes back to pending, due when the ATS said, and then succeeds.
 */
describe('retry timing from Retry-After', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let fake: GreenhouseFakeServer;

  beforeAll(async () => {
    fake = await startGreenhouse();
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    await connectGreenhouse(app, fake);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await fake?.stop();
  });

  const posts = () => fake.http.received('POST', '/v3/notes');

  it('waits as long as the ATS asked, then posts once', async () => {
    fake.http.inject({
      method: 'POST',
      path: '/v3/notes',
      fault: { kind: 'respond', response: { status: 429, headers: { 'Retry-After': '120' }, body: { message: 'Too many requests' } } },
    });
    await accept(app, seedEvent('evt_rate_limited'));

    const before = Date.now();
    expect(await drain(app)).toBe(1);
    const after = Date.now();
    expect(posts()).toHaveLength(1);

    const waiting = await onlySyncOf(app, 'evt_rate_limited');
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lastError: { code: 'RATE_LIMITED' }, noteUncertain: false });
    const due = Date.parse(waiting.nextAttemptAt);
    expect(due).toBeGreaterThanOrEqual(before + 119_000);
    expect(due).toBeLessThanOrEqual(after + 121_000);
    expect(waiting.attemptsHistory).toEqual([
      expect.objectContaining({ outcome: 'retry', error: expect.objectContaining({ code: 'RATE_LIMITED' }) }),
    ]);
    expect(waiting.attemptsHistory[0].detail).toMatchObject({ retryInSeconds: 120, httpStatus: 429 });

    // Not due yet: nobody touches it.
    expect(await drain(app)).toBe(0);
    expect(posts()).toHaveLength(1);

    await db.dataSource.query(`UPDATE syncs SET next_attempt_at = now() WHERE id = $1`, [waiting.id]);
    expect(await drain(app)).toBe(1);
    const synced = await onlySyncOf(app, 'evt_rate_limited');
    expect(synced).toMatchObject({ status: 'synced', attempts: 2, lastError: null, nextAttemptAt: null });
    expect(synced.attemptsHistory.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'synced']);
    expect(posts()).toHaveLength(2);
    expect(fake.notes.filter((n) => n.body.includes('evt_rate_limited'))).toHaveLength(1);
  });
});
