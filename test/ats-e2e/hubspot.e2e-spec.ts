import { adminHeaders, http } from '../support/app';
import { drain } from '../support/fixtures';
import { HsNote, HubSpotFakeServer } from '../fakes/hubspot-fake-server';
import {
  createConnection,
  deliver,
  expectConnectionChecksPass,
  expectSynced,
  FAST_SETTINGS,
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

const FALLBACK_OWNER = '1001';
const OWNER = '1002';
const FIRST_LAST = '101';
const NAMESAKE = '103';

describe('HubSpot end to end: webhook → service → CRM fake', () => {
  const fake = new HubSpotFakeServer();
  let service: Service;
  let connectionId: string;
  const notesOf = (eventId: string): HsNote[] => fake.notes.filter((n) => (n.properties.hs_note_body ?? '').includes(markerOf(eventId)));
  const creates = () => fake.http.received('POST', '/crm/v3/objects/notes');

  beforeAll(async () => {
    await fake.start();
    fake.addOwner({ id: FALLBACK_OWNER, email: 'debrief@acme.test', firstName: 'Debrief', lastName: 'Bot' });
    fake.addOwner({ id: OWNER, email: SEED.ownerEmail, firstName: 'Alex', lastName: 'Rivers' });
    fake.addContact({ id: '100', firstname: 'Firstly', lastname: 'Lasting', email: 'firstly@example.com', phone: '(415) 555-0100' });
    // HubSpot keeps numbers as typed: the seed's +12345678900 was entered as a national mobile number.
    fake.addContact({ id: FIRST_LAST, firstname: SEED.firstName, lastname: SEED.lastName, email: SEED.email, mobilephone: '1-234-567-8900' });
    // A namesake, found by the name search too: the phone, not the name, must decide.
    fake.addContact({ id: NAMESAKE, firstname: SEED.firstName, lastname: SEED.lastName, email: 'another.first.last@example.com', phone: '415 555 0103' });
    // The same national digits in another country: HubSpot's calculated property matches it, Debrief must not.
    fake.addContact({ id: '104', firstname: 'Other', lastname: 'Person', email: 'other@example.com', phone: '+49 234 5678900' });
    service = await startService();
    connectionId = await createConnection(
      service.app,
      'hubspot',
      { accessToken: fake.accessToken },
      { baseUrl: fake.url, userId: FALLBACK_OWNER, ...FAST_SETTINGS },
    );
  });

  afterAll(async () => {
    await stopService(service);
    await fake.stop();
  });

  it('passes the connection check an operator runs', async () => {
    await expectConnectionChecksPass(service.app, connectionId);
  });

  it('files the seed sample once on the contact found by a phone typed another way, as HTML, by the meeting owner', async () => {
    await deliver(service.app, seedPayload(SEED.eventId));
    const notes = notesOf(SEED.eventId);
    expect(notes).toHaveLength(1);
    const [note] = notes;
    // Associated to the contact (type 202), authored by the owner found by name, placed at the meeting's start.
    expect(note.contactIds).toEqual([FIRST_LAST]);
    expect(note.properties).toMatchObject({ hubspot_owner_id: OWNER, hs_timestamp: '2025-10-10T10:23:27.000Z' });
    const body = note.properties.hs_note_body ?? '';
    expect(body).toContain('<a href="https://api.provider.com/v1/recordings/abc123.mp4">');
    for (const text of ['Project Sync: Q4 Roadmap', 'Discussed budget and timeline for the upcoming launch.', markerOf(SEED.eventId)]) {
      expect(body).toContain(text);
    }
    const phoneSearches = fake.http
      .received('POST', '/crm/v3/objects/contacts/search')
      .filter((r) => JSON.stringify(r.body).includes('hs_searchable_calculated_mobile_number'));
    expect(phoneSearches.length).toBeGreaterThan(0);
    const sync = await syncOf(service.app, SEED.eventId);
    expectSynced(sync, FIRST_LAST, note.id);
    expect(sync.match.decision).toBe('matched');
    expect(sync.note).toMatchObject({ visibility: 'public', authorId: OWNER });

    await deliver(service.app, seedPayload(SEED.eventId), 'duplicate');
    expect(notesOf(SEED.eventId)).toHaveLength(1);
  });

  it('keeps one note when HubSpot stores it and answers 502, found through the contact’s associations, not search', async () => {
    const postsBefore = creates().length;
    fake.http.inject({
      method: 'POST',
      path: '/crm/v3/objects/notes',
      afterHandling: true,
      fault: { kind: 'respond', response: { status: 502, body: '<html>Bad Gateway</html>' } },
    });
    await deliver(service.app, seedPayload('evt_hs_502'));
    const notes = notesOf('evt_hs_502');
    expect(notes).toHaveLength(1);
    expect(notes[0].contactIds).toEqual([FIRST_LAST]);
    expect(creates()).toHaveLength(postsBefore + 1);
    // The fake's search index has not taken the note: only the association read could find it.
    expect(fake.http.received('POST', '/crm/v3/objects/notes/search')).toHaveLength(0);
    const sync = await syncOf(service.app, 'evt_hs_502');
    expectSynced(sync, FIRST_LAST, notes[0].id);
    expect(sync.note.authorId).toBe(OWNER);
  });

  it('recovers from an answer lost after storing whose look-up also failed: the next attempt finds the note, never posts twice', async () => {
    const postsBefore = creates().length;
    fake.http.inject({ method: 'POST', path: '/crm/v3/objects/notes', ...LOST_ANSWER });
    fake.http.inject({ method: 'GET', path: `/crm/v4/objects/contacts/${FIRST_LAST}/associations/notes`, fault: { kind: 'drop' } });
    await deliver(service.app, seedPayload('evt_hs_lost'));

    const first = await syncOf(service.app, 'evt_hs_lost');
    expect(first).toMatchObject({ status: 'pending', attempts: 1, noteUncertain: true, lastError: { code: 'TEMPORARY' } });
    expect(notesOf('evt_hs_lost')).toHaveLength(1);

    await makeRetriesDue(service.db);
    await drain(service.app);
    const notes = notesOf('evt_hs_lost');
    expect(notes).toHaveLength(1);
    expect(creates()).toHaveLength(postsBefore + 1);
    const sync = await syncOf(service.app, 'evt_hs_lost');
    expectSynced(sync, FIRST_LAST, notes[0].id, 2);
    expect(sync.attemptsHistory.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'synced']);
  });

  it('skips a private meeting with the reason, as HubSpot notes cannot be restricted, and posts nothing', async () => {
    const postsBefore = creates().length;
    await deliver(service.app, seedPayload('evt_hs_private', (p) => (p.data.meeting.isPrivate = true)));
    const sync = await syncOf(service.app, 'evt_hs_private');
    expect(sync).toMatchObject({ status: 'skipped', note: null });
    expect(sync.visibilityReason).toMatch(/private meeting: the ATS cannot restrict notes/);
    expect(notesOf('evt_hs_private')).toHaveLength(0);
    expect(creates()).toHaveLength(postsBefore);
  });

  it('posts a private meeting without its links when the connection policy is omit-links', async () => {
    const saved = await http(service.app)
      .put(`/admin/connections/${connectionId}/mapping`)
      .set(adminHeaders())
      .send({ privateMeetingPolicy: 'omit-links' });
    expect(saved.status).toBe(200);
    await deliver(service.app, seedPayload('evt_hs_private_omit', (p) => (p.data.meeting.isPrivate = true)));
    const notes = notesOf('evt_hs_private_omit');
    expect(notes).toHaveLength(1);
    expect(notes[0].contactIds).toEqual([FIRST_LAST]);
    const body = notes[0].properties.hs_note_body ?? '';
    for (const link of ['abc123.mp4', 'abc123.txt', 'recap.pdf', 'recap.txt']) expect(body).not.toContain(link);
    expect(body).toContain('Discussed budget and timeline for the upcoming launch.');
    const sync = await syncOf(service.app, 'evt_hs_private_omit');
    expectSynced(sync, FIRST_LAST, notes[0].id);
    expect(sync.visibilityReason).toContain('omit-links');
    expect((await http(service.app).put(`/admin/connections/${connectionId}/mapping`).set(adminHeaders()).send({})).status).toBe(200);
  });
});
