import { drain } from '../support/fixtures';
import { ALL_ASHBY_PERMISSIONS, AshbyFakeServer, FakeAshbyNote } from '../fakes/ashby-fake-server';
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

const API_KEY = 'ashby-key';

describe('Ashby end to end: webhook → service → RPC API fake', () => {
  const fake = new AshbyFakeServer();
  let service: Service;
  let connectionId: string;
  let fallbackId: string;
  let ownerId: string;
  let firstLastId: string;
  const notesOf = (eventId: string): FakeAshbyNote[] => fake.notes.filter((n) => n.content.includes(markerOf(eventId)));
  const creates = () => fake.calls('candidate.createNote');

  beforeAll(async () => {
    await fake.start();
    const keyOwner = fake.addUser({ email: 'integrations@acme.test', firstName: 'Integration', lastName: 'Key' });
    fallbackId = fake.addUser({ email: 'debrief@acme.test', firstName: 'Debrief', lastName: 'Bot' }).id;
    ownerId = fake.addUser({ email: SEED.ownerEmail, firstName: 'Alex', lastName: 'Rivers' }).id;
    fake.addKey(API_KEY, ALL_ASHBY_PERMISSIONS, keyOwner.id);
    fake.addCandidate({ name: 'Firstly Lasting', emails: ['firstly@example.com'], phones: ['+1 415 555 0100'] });
    firstLastId = fake.addCandidate({ name: SEED.name, emails: [SEED.email], phones: [SEED.phone] }).id;
    fake.addCandidate({ name: 'Other Person', emails: ['other@example.com'], phones: ['+1 415 555 0102'] });
    service = await startService();
    connectionId = await createConnection(
      service.app,
      'ashby',
      { apiKey: API_KEY },
      { baseUrl: fake.url, userId: fallbackId, ...FAST_SETTINGS },
    );
  });

  afterAll(async () => {
    await stopService(service);
    await fake.stop();
  });

  it('passes the connection check an operator runs', async () => {
    await expectConnectionChecksPass(service.app, connectionId);
  });

  it('fills the directory by following candidate.list cursors', async () => {
    expect(await fillDirectory(service.app, connectionId)).toEqual({ pages: 2, candidates: 3 });
  });

  it('refreshes the directory incrementally with the sync token of the last full listing', async () => {
    const other = fake.candidates.find((c) => c.name === 'Other Person')!;
    other.name = 'Otto Person';
    fake.touchCandidate(other.id);
    const before = fake.calls('candidate.list').length;
    expect(await refreshDirectory(service.app, connectionId)).toMatchObject({ pages: 1, candidates: 1 });
    const calls = fake.calls('candidate.list').slice(before);
    expect(calls.map((c) => (c.body as Record<string, unknown>).syncToken)).toEqual([expect.stringMatching(/^st_\d+$/)]);
    expect(await directoryName(service.db, connectionId, other.id)).toBe('Otto Person');
  });

  it('files the seed sample once on the candidate from the directory, as HTML with the marker, by the owner found by name', async () => {
    const searchesBefore = fake.calls('candidate.search').length;
    await deliver(service.app, seedPayload(SEED.eventId));
    // The directory was decisive: no live search was spent.
    expect(fake.calls('candidate.search')).toHaveLength(searchesBefore);
    const notes = notesOf(SEED.eventId);
    expect(notes).toHaveLength(1);
    const [note] = notes;
    // The seed names its owner but gives no e-mail: the one enabled Ashby user of that name writes.
    expect(note).toMatchObject({ candidateId: firstLastId, authorId: ownerId, isPrivate: false, contentType: 'text/html', sendNotifications: false });
    expect(fake.calls('user.list')).toHaveLength(1);
    expect(note.content).toContain('<a href="https://api.provider.com/v1/recordings/abc123.mp4">');
    expect(note.content).toMatch(/<b>|<ul>|<li>/);
    for (const text of ['Project Sync: Q4 Roadmap', 'Discussed budget and timeline for the upcoming launch.', markerOf(SEED.eventId)]) {
      expect(note.content).toContain(text);
    }

    const sync = await syncOf(service.app, SEED.eventId);
    expectSynced(sync, firstLastId, note.id);
    expect(sync.note).toMatchObject({ visibility: 'public', authorId: ownerId });

    await deliver(service.app, seedPayload(SEED.eventId), 'duplicate');
    expect(notesOf(SEED.eventId)).toHaveLength(1);
  });

  it('finds a candidate missing from the directory by a live search, authored by the owner found by e-mail', async () => {
    const janeId = fake.addCandidate({ name: LATECOMER.name, emails: [LATECOMER.email] }).id;
    await deliver(
      service.app,
      seedPayload('evt_ab_email', (p) => {
        p.data.meeting.atsRecordName = LATECOMER.name;
        p.data.meeting.participants = [LATECOMER.email];
        p.data.meeting.ownerEmail = SEED.ownerEmail;
      }),
    );
    const notes = notesOf('evt_ab_email');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ candidateId: janeId, authorId: ownerId });
    expect(creates().at(-1)!.headers['x-on-behalf-of']).toBe(ownerId);
    expectSynced(await syncOf(service.app, 'evt_ab_email'), janeId, notes[0].id);
  });

  it('posts a private meeting as a private note', async () => {
    await deliver(service.app, seedPayload('evt_ab_private', (p) => (p.data.meeting.isPrivate = true)));
    const notes = notesOf('evt_ab_private');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ candidateId: firstLastId, isPrivate: true });
    const sync = await syncOf(service.app, 'evt_ab_private');
    expectSynced(sync, firstLastId, notes[0].id);
    expect(sync.visibility).toBe('private');
  });

  it('recovers from an answer lost after the note was stored: retried, found by its marker, never posted twice', async () => {
    const postsBefore = creates().length;
    fake.http.inject({ method: 'POST', path: '/candidate.createNote', ...LOST_ANSWER });
    // The adapter's own look-up fails too, so the outcome stays uncertain and the pipeline must resolve it.
    fake.http.inject({ method: 'POST', path: '/candidate.listNotes', fault: { kind: 'drop' } });
    await deliver(service.app, seedPayload('evt_ab_timeout'));

    const first = await syncOf(service.app, 'evt_ab_timeout');
    expect(first).toMatchObject({ status: 'pending', attempts: 1, noteUncertain: true, lastError: { code: 'TEMPORARY' } });
    expect(notesOf('evt_ab_timeout')).toHaveLength(1);

    await makeRetriesDue(service.db);
    await drain(service.app);
    const notes = notesOf('evt_ab_timeout');
    expect(notes).toHaveLength(1);
    expect(creates()).toHaveLength(postsBefore + 1);
    const sync = await syncOf(service.app, 'evt_ab_timeout');
    expectSynced(sync, firstLastId, notes[0].id, 2);
    expect(sync.attemptsHistory.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'synced']);
  });
});
