import type { DataSource } from 'typeorm';
import { CandidateDirectoryRepository } from '../../src/matching/candidate-directory.repository';
import { BENCH_ACCOUNT, BenchCandidate, eventIdOf, meetingPayload } from './bench-webhooks';
import { FakeAtsServer } from './fake-ats.server';
import { BENCH_ADMIN_TOKEN } from './service-process';

/** Creates the Greenhouse connection through the admin API (so its credentials are encrypted as in production). */
export async function createGreenhouseConnection(
  serviceUrl: string,
  fake: FakeAtsServer,
  settings: Record<string, unknown>,
): Promise<string> {
  const res = await fetch(`${serviceUrl}/admin/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(fake.connectionBody('Greenhouse (bench)', BENCH_ACCOUNT, settings)),
  });
  const body = (await res.json()) as { id?: string };
  if (res.status !== 201 || !body.id) throw new Error(`connection not created: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}

/** Fills the candidate directory, as a directory refresh would, so meetings match without a live search. */
export async function seedDirectory(dataSource: DataSource, connectionId: string, candidates: BenchCandidate[]): Promise<void> {
  const directory = new CandidateDirectoryRepository(dataSource);
  for (let i = 0; i < candidates.length; i += 500) {
    await directory.upsert(
      connectionId,
      candidates.slice(i, i + 500).map((c) => ({
        externalId: String(c.id),
        firstName: c.firstName,
        lastName: c.lastName,
        displayName: `${c.firstName} ${c.lastName}`,
        phones: [c.phone],
        emails: [c.email],
        updatedAt: new Date(),
      })),
    );
  }
  // As autovacuum would have done by the time a directory is in use: fresh rows wait in the GIN indexes'
  // pending lists, which every lookup scans linearly (28 ms a lookup at 10,000 candidates, 0.2 ms after).
  await dataSource.query('VACUUM (ANALYZE) candidates');
}

/** `count` events about the candidates in turn, as the bodies a provider would send. */
export function benchEvents(run: string, count: number, candidates: BenchCandidate[]): Array<{ id: string; body: string }> {
  return Array.from({ length: count }, (_, i) => {
    const id = eventIdOf(run, i);
    return { id, body: JSON.stringify(meetingPayload(id, candidates[i % candidates.length], i)) };
  });
}

export interface SyncTally {
  byStatus: Record<string, number>;
  total: number;
  terminal: number;
}

const TERMINAL = ['synced', 'unmatched', 'needs_review', 'skipped', 'failed'];

export async function tallySyncs(dataSource: DataSource): Promise<SyncTally> {
  const rows: Array<{ status: string; n: number }> = await dataSource.query(`SELECT status, count(*)::int AS n FROM syncs GROUP BY status`);
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  const total = rows.reduce((a, r) => a + r.n, 0);
  const terminal = rows.filter((r) => TERMINAL.includes(r.status)).reduce((a, r) => a + r.n, 0);
  return { byStatus, total, terminal };
}

/** Waits until every sync is in a final state (or the deadline passes), logging progress. */
export async function waitForTerminal(
  dataSource: DataSource,
  expected: number,
  deadline: number,
  log: (line: string) => void,
  everyMs = 2000,
): Promise<SyncTally> {
  let last = 0;
  for (;;) {
    const tally = await tallySyncs(dataSource);
    if (tally.total >= expected && tally.terminal === tally.total) return tally;
    if (Date.now() > deadline) return tally;
    if (Date.now() - last >= everyMs) {
      log(`syncs: ${JSON.stringify(tally.byStatus)}`);
      last = Date.now();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The end-to-end check shared by the long scenarios: for each event id, one synced sync whose note the fake
 * received exactly once. Returns the ids that break it, by reason.
 */
export async function verifyOneNoteEach(
  dataSource: DataSource,
  fake: FakeAtsServer,
  eventIds: string[],
): Promise<{ notStored: string[]; notSynced: string[]; noNote: string[]; duplicateNote: string[] }> {
  const rows: Array<{ event_id: string; status: string }> = await dataSource.query(
    `SELECT e.id AS event_id, s.status FROM webhook_events e LEFT JOIN syncs s ON s.event_id = e.id WHERE e.id = ANY($1::text[])`,
    [eventIds],
  );
  const status = new Map(rows.map((r) => [r.event_id, r.status]));
  const notes = fake.notesPerEvent();
  const result = { notStored: [] as string[], notSynced: [] as string[], noNote: [] as string[], duplicateNote: [] as string[] };
  for (const id of eventIds) {
    if (!status.has(id)) result.notStored.push(id);
    else if (status.get(id) !== 'synced') result.notSynced.push(`${id} (${status.get(id)})`);
    const n = notes.get(id) ?? 0;
    if (n === 0) result.noNote.push(id);
    if (n > 1) result.duplicateNote.push(`${id} (${n} notes)`);
  }
  return result;
}
