import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { drain, sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';

/** The person the seed's sample is about, as each fake ATS holds them. */
export const SEED = {
  eventId: 'evt_789456123',
  name: 'First Last',
  firstName: 'First',
  lastName: 'Last',
  /** The seed's participant, E.164. */
  phone: '+12345678900',
  /** The same number as a recruiter types it into an ATS. */
  typedPhone: '(234) 567-8900',
  email: 'first.last@example.com',
  owner: 'Alex Rivers',
  ownerEmail: 'alex.rivers@acme.test',
} as const;

/** A second person, added to the ATS after the directory was filled: only a live search can find them. */
export const LATECOMER = { name: 'Jane Roe', firstName: 'Jane', lastName: 'Roe', email: 'jane.roe@example.com' } as const;

/**
 * A short timeout, so a hanging fake costs two seconds (still far above a local answer, even on a busy machine),
 * and a rate limit that never throttles the test.
 */
export const FAST_SETTINGS = { timeoutMs: 2000, rateLimit: { limit: 200, intervalMs: 1000 } } as const;

export interface Service {
  db: TestDatabase;
  app: NestFastifyApplication;
}

/** Directory pages of two, so that even a small fake ATS is listed over several pages. */
export const DIRECTORY_PAGE_SIZE = 2;

export async function startService(): Promise<Service> {
  const db = await createTestDatabase();
  try {
    return { db, app: await createTestApp(db.url, { DIRECTORY_PAGE_SIZE: String(DIRECTORY_PAGE_SIZE) }) };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

export async function stopService(service: Service | undefined): Promise<void> {
  await service?.app.close();
  await service?.db.drop();
}

/** Connects the seed's organisation to the provider as an operator does: through the admin API. */
export async function createConnection(
  app: NestFastifyApplication,
  provider: string,
  credentials: Record<string, unknown>,
  settings: Record<string, unknown>,
): Promise<string> {
  const res = await http(app)
    .post('/admin/connections')
    .set(adminHeaders())
    .send({ name: `Acme on ${provider}`, provider, accountId: 'acc_554433', teamId: null, credentials, settings });
  if (res.status !== 201) throw new Error(`connection not created: ${res.status} ${JSON.stringify(res.body)}`);
  expect(res.body).toMatchObject({ provider, hasCredentials: true });
  // Credentials are write-only.
  for (const secret of Object.values(credentials)) expect(JSON.stringify(res.body)).not.toContain(String(secret));
  return res.body.id;
}

/**
 * Fills the candidate directory the way production does: the full directory refresh job, run now through the
 * admin API. It lists every connection page by page (DIRECTORY_PAGE_SIZE per page) into the directory.
 */
export async function fillDirectory(app: NestFastifyApplication, connectionId: string): Promise<{ pages: number; candidates: number }> {
  const res = await http(app).post('/admin/jobs/directory-full-refresh/run').set(adminHeaders());
  expect(res.status).toBe(200);
  expect(res.body.outcome).toBe('succeeded');
  const outcome = (res.body.summary.details as Array<Record<string, any>>).find((d) => d.connectionId === connectionId);
  expect(outcome).toMatchObject({ status: 'completed', mode: 'full' });
  return { pages: outcome!.pages, candidates: outcome!.candidates };
}

/** The frequent directory refresh job, run now: after a full refresh it lists only what changed since. */
export async function refreshDirectory(app: NestFastifyApplication, connectionId: string): Promise<Record<string, any>> {
  const res = await http(app).post('/admin/jobs/directory-refresh/run').set(adminHeaders());
  expect(res.status).toBe(200);
  expect(res.body.outcome).toBe('succeeded');
  const outcome = (res.body.summary.details as Array<Record<string, any>>).find((d) => d.connectionId === connectionId);
  expect(outcome).toMatchObject({ status: 'completed', mode: 'incremental' });
  return outcome!;
}

/** The name the directory holds for a candidate. */
export async function directoryName(db: TestDatabase, connectionId: string, externalId: string): Promise<string | null> {
  const rows: Array<{ display_name: string }> = await db.dataSource.query(
    `SELECT display_name FROM candidates WHERE connection_id = $1 AND external_id = $2`,
    [connectionId, externalId],
  );
  return rows[0]?.display_name ?? null;
}

/** The operator's credential check (`POST /admin/connections/:id/test`): every required check must pass. */
export async function expectConnectionChecksPass(app: NestFastifyApplication, connectionId: string): Promise<void> {
  const res = await http(app).post(`/admin/connections/${connectionId}/test`).set(adminHeaders());
  expect(res.status).toBe(200);
  expect(res.body.checks.filter((c: { ok: boolean; severity?: string }) => !c.ok && c.severity !== 'advisory')).toEqual([]);
  expect(res.body.ok).toBe(true);
}

/** The seed's sample with another event id (and any other change). */
export function seedPayload(eventId: string, change: (p: Record<string, any>) => void = () => {}): Record<string, any> {
  return samplePayload((p) => {
    p.id = eventId;
    change(p);
  });
}

/** Sends a signed event, expects the given intake answer, and runs every due sync. */
export async function deliver(
  app: NestFastifyApplication,
  payload: Record<string, unknown>,
  expected: 'accepted' | 'duplicate' = 'accepted',
): Promise<void> {
  const res = await sendWebhook(app, payload);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: expected });
  await drain(app);
}

/** The one sync of an event, in full, as an operator reads it. */
export async function syncOf(app: NestFastifyApplication, eventId: string): Promise<Record<string, any>> {
  const list = await http(app).get(`/admin/syncs?eventId=${encodeURIComponent(eventId)}`).set(adminHeaders());
  expect(list.status).toBe(200);
  expect(list.body.items).toHaveLength(1);
  const detail = await http(app).get(`/admin/syncs/${list.body.items[0].id}`).set(adminHeaders());
  expect(detail.status).toBe(200);
  return detail.body;
}

/** Brings every scheduled retry forward to now, instead of waiting out the backoff. */
export async function makeRetriesDue(db: TestDatabase): Promise<void> {
  await db.dataSource.query(`UPDATE syncs SET next_attempt_at = now() WHERE status = 'pending'`);
}

/** The prefix of the reference marker every note of the event carries. */
export const markerOf = (eventId: string) => `debrief:${eventId}:`;

/**
 * What every synced note must show: the sync is `synced` on the expected candidate, with the ATS's note id,
 * and one attempt unless stated.
 */
export function expectSynced(sync: Record<string, any>, candidateId: string, noteId: string, attempts = 1): void {
  expect(sync).toMatchObject({ status: 'synced', candidateId, attempts, lastError: null, noteUncertain: false });
  expect(sync.note.externalNoteId).toBe(noteId);
  expect(sync.attemptsHistory).toHaveLength(attempts);
}

/** The fault that makes a write's outcome unknown: the ATS stores the note, then the answer never comes. */
export const LOST_ANSWER = { fault: { kind: 'hang' as const }, afterHandling: true };
