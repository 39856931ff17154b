import { adminHeaders, http } from '../support/app';
import { drain } from '../support/fixtures';
import { BullhornFakeServer, FakeBullhornNote } from '../fakes/bullhorn-fake-server';
import {
  createConnection,
  deliver,
  expectConnectionChecksPass,
  expectSynced,
  FAST_SETTINGS,
  LATECOMER,
  LOST_ANSWER,
  makeRetriesDue,
  markerOf,
  SEED,
  seedPayload,
  Service,
  startService,
  stopService,
  syncOf,
} from './support';

const API_USER = 1;
const FALLBACK_USER = 7;
const OWNER_USER = 8;
const FIRST_LAST = 101;
const JANE_ROE = 109;

describe('Bullhorn end to end: webhook → service → REST fake', () => {
  const fake = new BullhornFakeServer();
  let service: Service;
  let connectionId: string;
  const notesOf = (eventId: string): FakeBullhornNote[] => fake.notes.filter((n) => n.comments.includes(markerOf(eventId)));
  const creates = () => fake.restCalls('PUT', 'entity/Note');

  beforeAll(async () => {
    await fake.start();
    fake.apiUserId = API_USER;
    fake.addUser({ id: API_USER, email: 'api@acme.test', firstName: 'Api', lastName: 'User' });
    fake.addUser({ id: FALLBACK_USER, email: 'debrief@acme.test', firstName: 'Debrief', lastName: 'Bot' });
    fake.addUser({ id: OWNER_USER, email: SEED.ownerEmail, firstName: 'Alex', lastName: 'Rivers' });
    fake.addCandidate({ id: 100, firstName: 'Firstly', lastName: 'Lasting', email: 'firstly@example.com', mobile: '(415) 555-0100' });
    // Bullhorn stores phones as typed; the adapter searches the spellings a recruiter may have used.
    fake.addCandidate({ id: FIRST_LAST, firstName: SEED.firstName, lastName: SEED.lastName, email: SEED.email, mobile: SEED.typedPhone });
    fake.addCandidate({ id: 102, firstName: 'Other', lastName: 'Person', email: 'other@example.com', phone: '415-555-0102' });
    // A namesake, found by the name search too: the phone, not the name, must decide.
    fake.addCandidate({ id: 103, firstName: SEED.firstName, lastName: SEED.lastName, email: 'another.first.last@example.com', mobile: '(415) 555-0103' });
    service = await startService();
    connectionId = await createConnection(
      service.app,
      'bullhorn',
      { clientId: fake.client.id, clientSecret: fake.client.secret, username: fake.apiUser.username, password: fake.apiUser.password },
      { authUrl: fake.url, baseUrl: fake.url, userId: String(FALLBACK_USER), ...FAST_SETTINGS },
    );
  });

  afterAll(async () => {
    await stopService(service);
    await fake.stop();
  });

  it('passes the connection check an operator runs', async () => {
    await expectConnectionChecksPass(service.app, connectionId);
  });

  it('files the seed sample once on the candidate found by phone, as HTML with the marker and the sync as external id, by the owner found by name', async () => {
    await deliver(service.app, seedPayload(SEED.eventId));
    const notes = notesOf(SEED.eventId);
    expect(notes).toHaveLength(1);
    const [note] = notes;
    const sync = await syncOf(service.app, SEED.eventId);
    expect(note).toMatchObject({
      personReference: { id: FIRST_LAST },
      // The seed names its owner but gives no e-mail: the one CorporateUser of that name writes.
      commentingPerson: { id: OWNER_USER },
      action: 'Meeting',
      externalID: `debrief-${sync.id}`,
    });
    expect(note.comments).toContain('<a href="https://api.provider.com/v1/recordings/abc123.mp4">');
    expect(note.comments).toMatch(/<p>|<ul>|<strong>/);
    for (const text of ['Project Sync: Q4 Roadmap', 'Discussed budget and timeline for the upcoming launch.', markerOf(SEED.eventId)]) {
      expect(note.comments).toContain(text);
    }
    expectSynced(sync, String(FIRST_LAST), String(note.id));
    expect(sync.match.decision).toBe('matched');
    expect(sync.note).toMatchObject({ visibility: 'public', authorId: String(OWNER_USER) });

    await deliver(service.app, seedPayload(SEED.eventId), 'duplicate');
    expect(notesOf(SEED.eventId)).toHaveLength(1);
  });

  it('finds a candidate by a participant e-mail, authored by the owner found by e-mail', async () => {
    fake.addCandidate({ id: JANE_ROE, firstName: LATECOMER.firstName, lastName: LATECOMER.lastName, email: LATECOMER.email });
    await deliver(
      service.app,
      seedPayload('evt_bh_email', (p) => {
        p.data.meeting.atsRecordName = LATECOMER.name;
        p.data.meeting.participants = [LATECOMER.email];
        p.data.meeting.ownerEmail = SEED.ownerEmail;
      }),
    );
    const notes = notesOf('evt_bh_email');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ personReference: { id: JANE_ROE }, commentingPerson: { id: OWNER_USER } });
    expectSynced(await syncOf(service.app, 'evt_bh_email'), String(JANE_ROE), String(notes[0].id));
  });

  it('skips a private meeting with the reason, as Bullhorn cannot restrict a note, and posts nothing', async () => {
    const postsBefore = creates().length;
    await deliver(service.app, seedPayload('evt_bh_private', (p) => (p.data.meeting.isPrivate = true)));
    const sync = await syncOf(service.app, 'evt_bh_private');
    expect(sync).toMatchObject({ status: 'skipped', note: null });
    expect(sync.visibilityReason).toMatch(/private meeting: the ATS cannot restrict notes/);
    expect(notesOf('evt_bh_private')).toHaveLength(0);
    expect(creates()).toHaveLength(postsBefore);
  });

  it('posts a private meeting without its links when the connection policy is omit-links', async () => {
    const saved = await http(service.app)
      .put(`/admin/connections/${connectionId}/mapping`)
      .set(adminHeaders())
      .send({ privateMeetingPolicy: 'omit-links' });
    expect(saved.status).toBe(200);
    await deliver(service.app, seedPayload('evt_bh_private_omit', (p) => (p.data.meeting.isPrivate = true)));
    const notes = notesOf('evt_bh_private_omit');
    expect(notes).toHaveLength(1);
    expect(notes[0].personReference.id).toBe(FIRST_LAST);
    for (const link of ['abc123.mp4', 'abc123.txt', 'recap.pdf', 'recap.txt']) expect(notes[0].comments).not.toContain(link);
    expect(notes[0].comments).toContain('Discussed budget and timeline for the upcoming launch.');
    const sync = await syncOf(service.app, 'evt_bh_private_omit');
    expectSynced(sync, String(FIRST_LAST), String(notes[0].id));
    expect(sync.visibilityReason).toContain('omit-links');
    // Back to the default for the tests that follow.
    expect((await http(service.app).put(`/admin/connections/${connectionId}/mapping`).set(adminHeaders()).send({})).status).toBe(200);
  });

  it('recovers from an answer lost after the note was stored: retried, found by its external id, never posted twice', async () => {
    const postsBefore = creates().length;
    fake.http.inject({ method: 'PUT', path: '/rest-services/corp1/entity/Note', ...LOST_ANSWER });
    // The check before posting passes; the look-up after the lost answer fails, so the outcome stays uncertain
    // and the pipeline must resolve it.
    fake.http.inject({ method: 'GET', path: '/rest-services/corp1/query/Note', after: 1, fault: { kind: 'drop' } });
    await deliver(service.app, seedPayload('evt_bh_timeout'));

    const first = await syncOf(service.app, 'evt_bh_timeout');
    expect(first).toMatchObject({ status: 'pending', attempts: 1, noteUncertain: true, lastError: { code: 'TEMPORARY' } });
    expect(notesOf('evt_bh_timeout')).toHaveLength(1);

    await makeRetriesDue(service.db);
    await drain(service.app);
    const notes = notesOf('evt_bh_timeout');
    expect(notes).toHaveLength(1);
    expect(creates()).toHaveLength(postsBefore + 1);
    const sync = await syncOf(service.app, 'evt_bh_timeout');
    expectSynced(sync, String(FIRST_LAST), String(notes[0].id), 2);
    expect(notes[0].externalID).toBe(`debrief-${sync.id}`);
    expect(sync.attemptsHistory.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'synced']);
  });
});
