import { drain } from '../support/fixtures';
import { WkCandidate, WkComment, WorkableFakeServer } from '../fakes/workable-fake-server';
import {
  createConnection,
  deliver,
  directoryName,
  expectConnectionChecksPass,
  expectSynced,
  FAST_SETTINGS,
  fillDirectory,
  LATECOMER,
  LOST_ANSWER,
  makeRetriesDue,
  markerOf,
  refreshDirectory,
  SEED,
  seedPayload,
  Service,
  startService,
  stopService,
  syncOf,
} from './support';

const FALLBACK_MEMBER = 'm-debrief';
const OWNER_MEMBER = 'm-alex';
/** Workable keeps one record per job: the person's live application is the most recently updated record. */
const CURRENT_RECORD = 'c-first-last-eng';
const OLDER_RECORD = 'c-first-last-ops';

function record(id: string, first: string, last: string, email: string, phone: string, job: string, updatedAt: string): WkCandidate {
  return {
    id,
    name: `${first} ${last}`,
    firstname: first,
    lastname: last,
    email,
    phone,
    job: { shortcode: job, title: `Job ${job}` },
    stage: 'Interview',
    created_at: '2025-12-01T09:00:00Z',
    updated_at: updatedAt,
  };
}

/** Workable answers a comment without an id: the note is known by the reference marker the sync put in it. */
const markerOfSync = (eventId: string, syncId: string) => `${markerOf(eventId)}${syncId.slice(0, 8)}`;

describe('Workable end to end: webhook → service → SPI v3 fake', () => {
  const fake = new WorkableFakeServer('wk-token');
  let service: Service;
  let connectionId: string;
  const notesOf = (eventId: string): WkComment[] => fake.comments.filter((c) => c.body.includes(markerOf(eventId)));
  const creates = () => fake.http.received('POST', /^\/spi\/v3\/candidates\/[^/]+\/comments$/);

  beforeAll(async () => {
    await fake.start();
    fake.members.push(
      { id: FALLBACK_MEMBER, name: 'Debrief Bot', email: 'debrief@acme.test', role: 'admin', active: true },
      { id: OWNER_MEMBER, name: SEED.owner, email: SEED.ownerEmail, role: 'recruiter', active: true },
    );
    fake.candidates.push(
      record(OLDER_RECORD, SEED.firstName, SEED.lastName, SEED.email, SEED.typedPhone, 'OPS01', '2025-12-02T09:00:00Z'),
      record(CURRENT_RECORD, SEED.firstName, SEED.lastName, SEED.email, SEED.typedPhone, 'ENG01', '2026-01-05T09:00:00Z'),
      record('c-other', 'Other', 'Person', 'other@example.com', '+1 415 555 0102', 'ENG01', '2026-01-05T09:00:00Z'),
      record('c-firstly', 'Firstly', 'Lasting', 'firstly@example.com', '+1 415 555 0100', 'ENG01', '2026-01-05T09:00:00Z'),
    );
    service = await startService();
    connectionId = await createConnection(
      service.app,
      'workable',
      { token: fake.token },
      { baseUrl: fake.baseUrl, userId: FALLBACK_MEMBER, ...FAST_SETTINGS },
    );
  });

  afterAll(async () => {
    await stopService(service);
    await fake.stop();
  });

  it('passes the connection check an operator runs', async () => {
    await expectConnectionChecksPass(service.app, connectionId);
  });

  it('fills the directory by following paging.next, one candidate per person on a page', async () => {
    expect(await fillDirectory(service.app, connectionId)).toEqual({ pages: 2, candidates: 3 });
  });

  it('refreshes the directory incrementally, asking for candidates updated since the last refresh', async () => {
    const other = fake.candidates.find((c) => c.id === 'c-other')!;
    Object.assign(other, { name: 'Otto Person', firstname: 'Otto', updated_at: new Date().toISOString() });
    const before = fake.http.received('GET', '/spi/v3/candidates').length;
    expect(await refreshDirectory(service.app, connectionId)).toMatchObject({ pages: 1, candidates: 1 });
    const calls = fake.http.received('GET', '/spi/v3/candidates').slice(before);
    expect(calls.map((c) => c.query.get('updated_after'))).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT/)]);
    expect(await directoryName(service.db, connectionId, 'c-other')).toBe('Otto Person');
  });

  it('files the seed sample once on the live application, as the meeting owner, in plain text with the marker', async () => {
    await deliver(service.app, seedPayload(SEED.eventId));
    const comments = notesOf(SEED.eventId);
    expect(comments).toHaveLength(1);
    const [comment] = comments;
    expect(comment).toMatchObject({ candidateId: CURRENT_RECORD, member_id: OWNER_MEMBER, policy: null });
    expect(comment.body).not.toMatch(/<[a-z]/i);
    for (const text of [
      'Project Sync: Q4 Roadmap',
      'Discussed budget and timeline for the upcoming launch.',
      'https://api.provider.com/v1/recordings/abc123.mp4',
      markerOf(SEED.eventId),
    ]) expect(comment.body).toContain(text);

    const sync = await syncOf(service.app, SEED.eventId);
    expectSynced(sync, CURRENT_RECORD, markerOfSync(SEED.eventId, sync.id));
    expect(comment.body).toContain(sync.note.externalNoteId);
    expect(sync.note).toMatchObject({ visibility: 'public', authorId: OWNER_MEMBER });

    await deliver(service.app, seedPayload(SEED.eventId), 'duplicate');
    expect(notesOf(SEED.eventId)).toHaveLength(1);
  });

  it('finds a candidate missing from the directory by a participant e-mail, authored by the fallback member', async () => {
    fake.candidates.push(record('c-jane', LATECOMER.firstName, LATECOMER.lastName, LATECOMER.email, '', 'ENG01', '2026-01-06T09:00:00Z'));
    await deliver(
      service.app,
      seedPayload('evt_wk_email', (p) => {
        p.data.meeting.atsRecordName = LATECOMER.name;
        p.data.meeting.participants = [LATECOMER.email];
        p.data.meeting.ownerName = 'Pat Outsider';
      }),
    );
    const comments = notesOf('evt_wk_email');
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ candidateId: 'c-jane', member_id: FALLBACK_MEMBER });
    const sync = await syncOf(service.app, 'evt_wk_email');
    expectSynced(sync, 'c-jane', markerOfSync('evt_wk_email', sync.id));
  });

  it('posts a private meeting as a comment visible to admins only', async () => {
    await deliver(service.app, seedPayload('evt_wk_private', (p) => (p.data.meeting.isPrivate = true)));
    const comments = notesOf('evt_wk_private');
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ candidateId: CURRENT_RECORD, policy: ['admin'] });
    const sync = await syncOf(service.app, 'evt_wk_private');
    expectSynced(sync, CURRENT_RECORD, markerOfSync('evt_wk_private', sync.id));
    expect(sync.visibility).toBe('["admin"]');
  });

  it('recovers from an answer lost after the comment was stored: retried, found by its marker, never posted twice', async () => {
    const postsBefore = creates().length;
    fake.http.inject({ method: 'POST', path: `/spi/v3/candidates/${CURRENT_RECORD}/comments`, ...LOST_ANSWER });
    // The adapter's own look-up fails too, so the outcome stays uncertain and the pipeline must resolve it.
    fake.http.inject({ method: 'GET', path: `/spi/v3/candidates/${CURRENT_RECORD}/activities`, fault: { kind: 'drop' } });
    await deliver(service.app, seedPayload('evt_wk_timeout'));

    const first = await syncOf(service.app, 'evt_wk_timeout');
    expect(first).toMatchObject({ status: 'pending', attempts: 1, noteUncertain: true, lastError: { code: 'TEMPORARY' } });
    expect(notesOf('evt_wk_timeout')).toHaveLength(1);

    await makeRetriesDue(service.db);
    await drain(service.app);
    expect(notesOf('evt_wk_timeout')).toHaveLength(1);
    expect(creates()).toHaveLength(postsBefore + 1);
    const sync = await syncOf(service.app, 'evt_wk_timeout');
    expectSynced(sync, CURRENT_RECORD, markerOfSync('evt_wk_timeout', sync.id), 2);
    expect(sync.attemptsHistory.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'synced']);
  });
});
