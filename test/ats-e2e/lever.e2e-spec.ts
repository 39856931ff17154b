import { drain } from '../support/fixtures';
import { LeverFakeServer, LvNote, LvOpportunity } from '../fakes/lever-fake-server';
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

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-05T09:00:00Z');
const FALLBACK_USER = 'user-debrief';
const OWNER_USER = 'user-alex';
const CONTACT = 'contact-first-last';
/** The person's current candidacy: notes belong here, not on the archived one. */
const OPEN_OPPORTUNITY = 'opp-first-last-2026';
const ARCHIVED_OPPORTUNITY = 'opp-first-last-2024';

function opportunity(
  id: string,
  contact: string,
  name: string,
  email: string,
  phone: string | null,
  createdAt: number,
  archived = false,
): LvOpportunity {
  return {
    id,
    name,
    contact,
    emails: [email],
    phones: phone ? [{ type: 'mobile', value: phone }] : [],
    createdAt,
    updatedAt: createdAt + DAY,
    archived: archived ? { archivedAt: createdAt + 30 * DAY, reason: 'hired elsewhere' } : null,
  };
}

describe('Lever end to end: webhook → service → Data API v1 fake', () => {
  const fake = new LeverFakeServer('lever-key', 'user-key-owner');
  let service: Service;
  let connectionId: string;
  const notesOf = (eventId: string): LvNote[] => fake.notes.filter((n) => n.text.includes(markerOf(eventId)));
  const creates = () => fake.http.received('POST', /^\/v1\/opportunities\/[^/]+\/notes$/);

  beforeAll(async () => {
    await fake.start();
    fake.users.push(
      { id: 'user-key-owner', name: 'Integration Key', email: 'it@acme.test', accessRole: 'super admin', deactivatedAt: null },
      { id: FALLBACK_USER, name: 'Debrief Bot', email: 'debrief@acme.test', accessRole: 'admin', deactivatedAt: null },
      { id: OWNER_USER, name: SEED.owner, email: SEED.ownerEmail, accessRole: 'team member', deactivatedAt: null },
    );
    // Listed two per page, the person's open candidacy comes on the first page and the archived one on the
    // second: whichever page is written last must not decide where notes go.
    fake.opportunities.push(
      opportunity('opp-other', 'contact-other', 'Other Person', 'other@example.com', '+1 415 555 0102', T0),
      opportunity(OPEN_OPPORTUNITY, CONTACT, SEED.name, SEED.email, SEED.typedPhone, T0),
      opportunity(ARCHIVED_OPPORTUNITY, CONTACT, SEED.name, SEED.email, SEED.typedPhone, T0 - 700 * DAY, true),
      opportunity('opp-firstly', 'contact-firstly', 'Firstly Lasting', 'firstly@example.com', '+1 415 555 0100', T0),
    );
    service = await startService();
    connectionId = await createConnection(
      service.app,
      'lever',
      { apiKey: fake.apiKey },
      { baseUrl: fake.baseUrl, userId: FALLBACK_USER, ...FAST_SETTINGS },
    );
  });

  afterAll(async () => {
    await stopService(service);
    await fake.stop();
  });

  it('passes the connection check an operator runs', async () => {
    await expectConnectionChecksPass(service.app, connectionId);
  });

  it('fills the directory by listing opportunities, one candidate per contact', async () => {
    expect(await fillDirectory(service.app, connectionId)).toEqual({ pages: 2, candidates: 4 });
  });

  it('refreshes the directory incrementally, asking for opportunities updated since the last refresh', async () => {
    const other = fake.opportunities.find((o) => o.id === 'opp-other')!;
    other.name = 'Otto Person';
    other.updatedAt = Date.now();
    const before = fake.http.received('GET', '/v1/opportunities').length;
    expect(await refreshDirectory(service.app, connectionId)).toMatchObject({ pages: 1, candidates: 1 });
    const calls = fake.http.received('GET', '/v1/opportunities').slice(before);
    expect(calls.map((c) => c.query.get('updated_at_start'))).toEqual([expect.stringMatching(/^\d{13}$/)]);
    expect(await directoryName(service.db, connectionId, 'contact-other')).toBe('Otto Person');
  });

  it('files the seed sample once on the open opportunity, as the meeting owner, in plain text with the marker', async () => {
    await deliver(service.app, seedPayload(SEED.eventId));
    const notes = notesOf(SEED.eventId);
    expect(notes).toHaveLength(1);
    const [note] = notes;
    expect(note).toMatchObject({ opportunityId: OPEN_OPPORTUNITY, user: OWNER_USER, secret: false });
    expect(creates()[0].query.get('perform_as')).toBe(OWNER_USER);
    expect(note.text).not.toMatch(/<[a-z]/i);
    for (const text of [
      'Project Sync: Q4 Roadmap',
      'Discussed budget and timeline for the upcoming launch.',
      'https://api.provider.com/v1/recordings/abc123.mp4',
      markerOf(SEED.eventId),
    ]) expect(note.text).toContain(text);

    const sync = await syncOf(service.app, SEED.eventId);
    expectSynced(sync, CONTACT, note.id);
    expect(sync.note).toMatchObject({ visibility: 'public', authorId: OWNER_USER });

    await deliver(service.app, seedPayload(SEED.eventId), 'duplicate');
    expect(notesOf(SEED.eventId)).toHaveLength(1);
  });

  it('finds a candidate missing from the directory by a participant e-mail, authored by the fallback user', async () => {
    fake.opportunities.push(opportunity('opp-jane', 'contact-jane', LATECOMER.name, LATECOMER.email, null, T0));
    await deliver(
      service.app,
      seedPayload('evt_lv_email', (p) => {
        p.data.meeting.atsRecordName = LATECOMER.name;
        p.data.meeting.participants = [LATECOMER.email];
        p.data.meeting.ownerName = 'Pat Outsider';
      }),
    );
    const notes = notesOf('evt_lv_email');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ opportunityId: 'opp-jane', user: FALLBACK_USER });
    expectSynced(await syncOf(service.app, 'evt_lv_email'), 'contact-jane', notes[0].id);
  });

  it('posts a private meeting as a secret note', async () => {
    await deliver(service.app, seedPayload('evt_lv_private', (p) => (p.data.meeting.isPrivate = true)));
    const notes = notesOf('evt_lv_private');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ opportunityId: OPEN_OPPORTUNITY, secret: true });
    const sync = await syncOf(service.app, 'evt_lv_private');
    expectSynced(sync, CONTACT, notes[0].id);
    expect(sync.visibility).toBe('secret');
  });

  it('recovers from an answer lost after the note was stored: retried, found by its marker, never posted twice', async () => {
    const postsBefore = creates().length;
    const notesPath = `/v1/opportunities/${OPEN_OPPORTUNITY}/notes`;
    fake.http.inject({ method: 'POST', path: notesPath, ...LOST_ANSWER });
    // The adapter's own look-up fails too, so the outcome stays uncertain and the pipeline must resolve it.
    fake.http.inject({ method: 'GET', path: notesPath, fault: { kind: 'drop' } });
    await deliver(service.app, seedPayload('evt_lv_timeout'));

    const first = await syncOf(service.app, 'evt_lv_timeout');
    expect(first).toMatchObject({ status: 'pending', attempts: 1, noteUncertain: true, lastError: { code: 'TEMPORARY' } });
    expect(notesOf('evt_lv_timeout')).toHaveLength(1);

    await makeRetriesDue(service.db);
    await drain(service.app);
    const notes = notesOf('evt_lv_timeout');
    expect(notes).toHaveLength(1);
    expect(creates()).toHaveLength(postsBefore + 1);
    const sync = await syncOf(service.app, 'evt_lv_timeout');
    expectSynced(sync, CONTACT, notes[0].id, 2);
    expect(sync.attemptsHistory.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'synced']);
  });

  it('files on a candidacy opened after the directory was filled', async () => {
    fake.opportunities.push(opportunity('opp-first-last-2027', CONTACT, SEED.name, SEED.email, SEED.typedPhone, T0 + 200 * DAY));
    await deliver(service.app, seedPayload('evt_lv_new_candidacy'));
    const notes = notesOf('evt_lv_new_candidacy');
    expect(notes.map((n) => n.opportunityId)).toEqual(['opp-first-last-2027']);
    expectSynced(await syncOf(service.app, 'evt_lv_new_candidacy'), CONTACT, notes[0].id);
  });

  it('never posts twice when Lever stores the note and answers 502, even when the look-up after it fails too', async () => {
    const postsBefore = creates().length;
    // Whichever candidacy is the person's current one by now.
    const notesPath = /^\/v1\/opportunities\/[^/]+\/notes$/;
    fake.http.inject({
      method: 'POST',
      path: notesPath,
      afterHandling: true,
      fault: { kind: 'respond', response: { status: 502, body: '<html>502 Bad Gateway</html>' } },
    });
    fake.http.inject({ method: 'GET', path: notesPath, fault: { kind: 'respond', response: { status: 503, body: { code: 'ServiceUnavailable', message: 'try later' } } } });
    await deliver(service.app, seedPayload('evt_lv_502'));

    const first = await syncOf(service.app, 'evt_lv_502');
    expect(first).toMatchObject({ status: 'pending', attempts: 1, noteUncertain: true, lastError: { code: 'TEMPORARY' } });
    expect(notesOf('evt_lv_502')).toHaveLength(1);

    await makeRetriesDue(service.db);
    await drain(service.app);
    const notes = notesOf('evt_lv_502');
    expect(notes).toHaveLength(1);
    expect(creates()).toHaveLength(postsBefore + 1);
    expectSynced(await syncOf(service.app, 'evt_lv_502'), CONTACT, notes[0].id, 2);
  });
});
