import { adminHeaders, http } from '../support/app';
import { drain } from '../support/fixtures';
import { GhCandidate, GhNote, GreenhouseFakeServer } from '../fakes/greenhouse-fake-server';
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

const FALLBACK_USER = 101;
const OWNER_USER = 202;
const FIRST_LAST = 5001;
const JANE_ROE = 5009;

function candidate(id: number, first: string, last: string, email: string, phone: string): GhCandidate {
  return {
    id,
    first_name: first,
    last_name: last,
    email_addresses: [{ value: email, type: 'personal' }],
    phone_numbers: phone ? [{ value: phone, type: 'mobile' }] : [],
    application_ids: [id * 10],
    updated_at: '2026-01-05T09:00:00Z',
  };
}

describe('Greenhouse end to end: webhook → service → Harvest v3 fake', () => {
  const fake = new GreenhouseFakeServer();
  let service: Service;
  let connectionId: string;
  const notesOf = (eventId: string): GhNote[] => fake.notes.filter((n) => n.body.includes(markerOf(eventId)));
  const creates = () => fake.http.received('POST', '/v3/notes');

  beforeAll(async () => {
    await fake.start();
    fake.users.push(
      { id: FALLBACK_USER, name: 'Debrief Bot', first_name: 'Debrief', last_name: 'Bot', primary_email: 'debrief@acme.test', deactivated: false },
      { id: OWNER_USER, name: SEED.owner, first_name: 'Alex', last_name: 'Rivers', primary_email: SEED.ownerEmail, deactivated: false },
    );
    fake.candidates.push(
      candidate(5000, 'Firstly', 'Lasting', 'firstly@example.com', '+1 415 555 0100'),
      candidate(FIRST_LAST, SEED.firstName, SEED.lastName, SEED.email, SEED.typedPhone),
      candidate(5002, 'Other', 'Person', 'other@example.com', '+1 415 555 0102'),
      candidate(5003, 'First', 'Lastname', 'fl2@example.com', ''),
      // A namesake: the phone, not the name, must decide.
      candidate(5004, SEED.firstName, SEED.lastName, 'another.first.last@example.com', '+1 415 555 0104'),
    );
    service = await startService();
    connectionId = await createConnection(
      service.app,
      'greenhouse',
      { clientId: fake.clientId, clientSecret: fake.clientSecret },
      { baseUrl: fake.baseUrl, authUrl: fake.url, userId: String(FALLBACK_USER), ...FAST_SETTINGS },
    );
  });

  afterAll(async () => {
    await stopService(service);
    await fake.stop();
  });

  it('passes the connection check an operator runs', async () => {
    await expectConnectionChecksPass(service.app, connectionId);
  });

  it('finds nobody for the phone-only sample before the directory is filled (Harvest has no phone search)', async () => {
    await deliver(service.app, seedPayload('evt_gh_before_directory'));
    const sync = await syncOf(service.app, 'evt_gh_before_directory');
    expect(sync.status).toBe('unmatched');
    expect(creates()).toHaveLength(0);
  });

  it('fills the directory by listing candidates page by page', async () => {
    expect(await fillDirectory(service.app, connectionId)).toEqual({ pages: 3, candidates: 5 });
    // The unmatched meeting can now be retried by an operator and lands on the right person.
    const before = await syncOf(service.app, 'evt_gh_before_directory');
    expect((await http(service.app).post(`/admin/syncs/${before.id}/retry`).set(adminHeaders())).status).toBe(200);
    await drain(service.app);
    expect((await syncOf(service.app, 'evt_gh_before_directory')).status).toBe('synced');
    expect(notesOf('evt_gh_before_directory').map((n) => n.candidate_id)).toEqual([FIRST_LAST]);
  });

  it('refreshes the directory incrementally, asking for candidates updated since the last refresh', async () => {
    const other = fake.candidates.find((c) => c.id === 5002)!;
    other.first_name = 'Otto';
    other.updated_at = new Date().toISOString();
    const before = fake.http.received('GET', '/v3/candidates').length;
    expect(await refreshDirectory(service.app, connectionId)).toMatchObject({ pages: 1, candidates: 1 });
    const calls = fake.http.received('GET', '/v3/candidates').slice(before);
    expect(calls.map((c) => c.query.get('updated_at'))).toEqual([expect.stringMatching(/^gte\|\d{4}-\d\d-\d\dT/)]);
    expect(await directoryName(service.db, connectionId, '5002')).toBe('Otto Person');
  });

  it('files the seed sample once on the candidate, as the meeting owner, in plain text with the marker', async () => {
    await deliver(service.app, seedPayload(SEED.eventId));
    const notes = notesOf(SEED.eventId);
    expect(notes).toHaveLength(1);
    const [note] = notes;
    expect(note).toMatchObject({ candidate_id: FIRST_LAST, user_id: OWNER_USER, visibility: 'public', type: 'NOTE' });
    expect(note.body).not.toMatch(/<[a-z]/i);
    for (const text of [
      'Project Sync: Q4 Roadmap',
      'Discussed budget and timeline for the upcoming launch.',
      'https://api.provider.com/v1/recordings/abc123.mp4',
      'https://api.provider.com/v1/transcripts/abc123.txt',
      markerOf(SEED.eventId),
    ]) expect(note.body).toContain(text);

    const sync = await syncOf(service.app, SEED.eventId);
    expectSynced(sync, String(FIRST_LAST), String(note.id));
    expect(sync.match.decision).toBe('matched');
    expect(sync.note).toMatchObject({ visibility: 'public', authorId: String(OWNER_USER) });

    await deliver(service.app, seedPayload(SEED.eventId), 'duplicate');
    expect(notesOf(SEED.eventId)).toHaveLength(1);
  });

  it('finds a candidate missing from the directory by a participant e-mail, authored by the fallback user', async () => {
    fake.candidates.push(candidate(JANE_ROE, LATECOMER.firstName, LATECOMER.lastName, LATECOMER.email, ''));
    await deliver(
      service.app,
      seedPayload('evt_gh_email', (p) => {
        p.data.meeting.atsRecordName = LATECOMER.name;
        p.data.meeting.participants = [LATECOMER.email];
        p.data.meeting.ownerName = 'Pat Outsider';
      }),
    );
    const notes = notesOf('evt_gh_email');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ candidate_id: JANE_ROE, user_id: FALLBACK_USER });
    expectSynced(await syncOf(service.app, 'evt_gh_email'), String(JANE_ROE), String(notes[0].id));
  });

  it('posts a private meeting as a private note', async () => {
    await deliver(service.app, seedPayload('evt_gh_private', (p) => (p.data.meeting.isPrivate = true)));
    const notes = notesOf('evt_gh_private');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ candidate_id: FIRST_LAST, visibility: 'private' });
    const sync = await syncOf(service.app, 'evt_gh_private');
    expectSynced(sync, String(FIRST_LAST), String(notes[0].id));
    expect(sync.visibility).toBe('private');
  });

  it('recovers from an answer lost after the note was stored: retried, found by its marker, never posted twice', async () => {
    const postsBefore = creates().length;
    fake.http.inject({ method: 'POST', path: '/v3/notes', ...LOST_ANSWER });
    // The adapter's own look-up fails too, so the outcome stays uncertain and the pipeline must resolve it.
    fake.http.inject({ method: 'GET', path: '/v3/notes', fault: { kind: 'drop' } });
    await deliver(service.app, seedPayload('evt_gh_timeout'));

    const first = await syncOf(service.app, 'evt_gh_timeout');
    expect(first).toMatchObject({ status: 'pending', attempts: 1, noteUncertain: true, lastError: { code: 'TEMPORARY' } });
    expect(notesOf('evt_gh_timeout')).toHaveLength(1);

    await makeRetriesDue(service.db);
    await drain(service.app);
    const notes = notesOf('evt_gh_timeout');
    expect(notes).toHaveLength(1);
    expect(creates()).toHaveLength(postsBefore + 1);
    const sync = await syncOf(service.app, 'evt_gh_timeout');
    expectSynced(sync, String(FIRST_LAST), String(notes[0].id), 2);
    expect(sync.attemptsHistory.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'synced']);
  });

  it('files the note as the fallback author when Greenhouse refuses the owner, and says so on the sync', async () => {
    fake.hideCandidateFrom(OWNER_USER, FIRST_LAST);
    try {
      await deliver(service.app, seedPayload('evt_gh_owner_refused'));
    } finally {
      fake.hiddenFrom.delete(FIRST_LAST);
    }
    const notes = notesOf('evt_gh_owner_refused');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ candidate_id: FIRST_LAST, user_id: FALLBACK_USER });
    const sync = await syncOf(service.app, 'evt_gh_owner_refused');
    expectSynced(sync, String(FIRST_LAST), String(notes[0].id));
    expect(sync.note.authorId).toBe(String(FALLBACK_USER));
    expect(sync.note.remarks).toEqual([expect.stringContaining(`meeting owner (user ${OWNER_USER})`)]);
  });
});
