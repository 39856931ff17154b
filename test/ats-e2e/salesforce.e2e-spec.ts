import { adminHeaders, http } from '../support/app';
import { drain } from '../support/fixtures';
import { SalesforceFakeServer } from '../fakes/salesforce-fake-server';
import {
  createConnection,
  deliver,
  expectConnectionChecksPass,
  expectSynced,
  FAST_SETTINGS,
  LATECOMER,
  makeRetriesDue,
  markerOf,
  SEED,
  seedPayload,
  Service,
  startService,
  stopService,
  syncOf,
} from './support';

const COMPOSITE = '/services/data/v62.0/composite';

describe('Salesforce end to end: webhook → service → REST fake', () => {
  const fake = new SalesforceFakeServer();
  let service: Service;
  let connectionId: string;
  let owner: string;
  let fallback: string;
  let firstLast: string;
  let janeLead: string;
  /** Enhanced notes carrying the event's marker, each with the records it is linked to. */
  const notesOf = (eventId: string) =>
    fake.records.ContentNote.filter((n) => String(n.Content).includes(markerOf(eventId))).map((n): Record<string, any> => ({
      ...n,
      linkedTo: fake.records.ContentDocumentLink.filter((l) => l.ContentDocumentId === n.Id).map((l) => l.LinkedEntityId),
    }));
  const posts = () => fake.http.received('POST', COMPOSITE);

  beforeAll(async () => {
    await fake.start();
    fake.addUser({ name: 'Integration User', email: 'integration@acme.test' });
    fallback = fake.addUser({ name: 'Debrief Bot', email: 'debrief@acme.test' }).Id;
    owner = fake.addUser({ name: SEED.owner, email: SEED.ownerEmail }).Id;
    fake.addPerson('Contact', { firstName: 'Firstly', lastName: 'Lasting', email: 'firstly@example.com', mobile: '(415) 555-0100' });
    // Salesforce keeps phones as typed: the seed's +12345678900 is stored as a recruiter wrote it.
    firstLast = fake.addPerson('Contact', { firstName: SEED.firstName, lastName: SEED.lastName, email: SEED.email, mobile: SEED.typedPhone }).Id;
    // A namesake, found by the name search too: the phone, not the name, must decide.
    fake.addPerson('Contact', { firstName: SEED.firstName, lastName: SEED.lastName, email: 'another.first.last@example.com', mobile: '(415) 555-0103' });
    service = await startService();
    connectionId = await createConnection(
      service.app,
      'salesforce',
      { clientId: fake.client.id, clientSecret: fake.client.secret },
      { loginUrl: fake.url, userId: fallback, ...FAST_SETTINGS },
    );
  });

  afterAll(async () => {
    await stopService(service);
    await fake.stop();
  });

  it('refuses a connection without its My Domain, off Salesforce, or naming unknown objects, with a path each', async () => {
    const attempt = (settings: Record<string, unknown>) =>
      http(service.app)
        .post('/admin/connections')
        .set(adminHeaders())
        .send({ name: 'Bad', provider: 'salesforce', accountId: 'acc_bad', credentials: { clientId: 'a', clientSecret: 'b' }, settings });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, '$.settings.loginUrl'],
      [{ loginUrl: 'https://acme.my.salesforce.com.evil.example' }, '$.settings.loginUrl'],
      [{ loginUrl: 'http://acme.my.salesforce.com' }, '$.settings.loginUrl'],
      [{ loginUrl: fake.url, objects: ['Account'] }, '$.settings.objects[0]'],
      [{ loginUrl: fake.url, objects: [] }, '$.settings.objects'],
      [{ loginUrl: fake.url, noteObject: 'FeedItem' }, '$.settings.noteObject'],
      [{ loginUrl: fake.url, userId: "005' OR '1'='1" }, '$.settings.userId'],
      [{ loginUrl: fake.url, apiUsageCeilingPercent: 101 }, '$.settings.apiUsageCeilingPercent'],
    ];
    for (const [settings, path] of cases) {
      const res = await attempt(settings);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toEqual([path]);
    }
    expect((await attempt({ loginUrl: 'https://acme.my.salesforce.com', objects: ['Lead', 'Contact'], noteObject: 'Note' })).status).toBe(201);
  });

  it('passes the connection check an operator runs', async () => {
    await expectConnectionChecksPass(service.app, connectionId);
  });

  it('files the seed sample once as an enhanced note on the contact found by a phone typed another way, by the meeting owner', async () => {
    await deliver(service.app, seedPayload(SEED.eventId));
    const notes = notesOf(SEED.eventId);
    expect(notes).toHaveLength(1);
    const [note] = notes;
    expect(note).toMatchObject({ OwnerId: owner, SharingPrivacy: 'N', linkedTo: [firstLast] });
    const html = String(note.Content);
    expect(html).toContain('<a href="https://api.provider.com/v1/recordings/abc123.mp4">');
    for (const text of ['Project Sync: Q4 Roadmap', 'Discussed budget and timeline for the upcoming launch.', markerOf(SEED.eventId)]) {
      expect(html).toContain(text);
    }
    const sync = await syncOf(service.app, SEED.eventId);
    expectSynced(sync, firstLast, note.Id);
    expect(sync.match.decision).toBe('matched');
    expect(sync.note).toMatchObject({ visibility: 'SharingPrivacy=N', authorId: owner });

    await deliver(service.app, seedPayload(SEED.eventId), 'duplicate');
    expect(notesOf(SEED.eventId)).toHaveLength(1);
  });

  it('files a meeting on a lead found by e-mail, authored by the owner found by e-mail', async () => {
    janeLead = fake.addPerson('Lead', { firstName: LATECOMER.firstName, lastName: LATECOMER.lastName, email: LATECOMER.email, indexed: false }).Id;
    await deliver(
      service.app,
      seedPayload('evt_sf_lead', (p) => {
        p.data.meeting.atsRecordName = LATECOMER.name;
        p.data.meeting.participants = [LATECOMER.email];
        p.data.meeting.ownerEmail = SEED.ownerEmail;
      }),
    );
    const notes = notesOf('evt_sf_lead');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ OwnerId: owner, linkedTo: [janeLead] });
    expectSynced(await syncOf(service.app, 'evt_sf_lead'), janeLead, notes[0].Id);
  });

  it('keeps a private meeting private on the record (SharingPrivacy P), as the default policy asks', async () => {
    await deliver(service.app, seedPayload('evt_sf_private', (p) => (p.data.meeting.isPrivate = true)));
    const notes = notesOf('evt_sf_private');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ SharingPrivacy: 'P', OwnerId: owner, linkedTo: [firstLast] });
    const sync = await syncOf(service.app, 'evt_sf_private');
    expectSynced(sync, firstLast, notes[0].Id);
    expect(sync.note.visibility).toBe('SharingPrivacy=P');
  });

  it('gives a private meeting the object\'s own privacy whatever the fallback policy, and files none as a Task, which has none', async () => {
    // The policy is the fallback for objects without privacy: an enhanced note has its own.
    expect((await http(service.app).put(`/admin/connections/${connectionId}/mapping`).set(adminHeaders()).send({ privateMeetingPolicy: 'skip' })).status).toBe(200);
    try {
      await deliver(service.app, seedPayload('evt_sf_private_policy', (p) => (p.data.meeting.isPrivate = true)));
      expect(notesOf('evt_sf_private_policy')).toMatchObject([{ SharingPrivacy: 'P', linkedTo: [firstLast] }]);

      const patched = await http(service.app).patch(`/admin/connections/${connectionId}`).set(adminHeaders()).send({ settings: { loginUrl: fake.url, userId: fallback, noteObject: 'Task', ...FAST_SETTINGS } });
      expect(patched.status).toBe(200);
      const tasks = fake.records.Task.length;
      await deliver(service.app, seedPayload('evt_sf_private_task', (p) => (p.data.meeting.isPrivate = true)));
      const sync = await syncOf(service.app, 'evt_sf_private_task');
      expect(sync).toMatchObject({ status: 'failed', lastError: { code: 'INVALID_REQUEST' } });
      expect(sync.lastError.message).toContain('a Task cannot be private');
      expect(fake.records.Task).toHaveLength(tasks);

      // An ordinary meeting is filed as a completed Task on the contact, by the owner.
      await deliver(service.app, seedPayload('evt_sf_task'));
      const task = fake.records.Task.find((t) => String(t.Description).includes(markerOf('evt_sf_task')));
      expect(task).toMatchObject({ WhoId: firstLast, OwnerId: owner, Status: 'Completed' });
      expectSynced(await syncOf(service.app, 'evt_sf_task'), firstLast, task!.Id);
    } finally {
      expect((await http(service.app).put(`/admin/connections/${connectionId}/mapping`).set(adminHeaders()).send({})).status).toBe(200);
      const back = await http(service.app).patch(`/admin/connections/${connectionId}`).set(adminHeaders()).send({ settings: { loginUrl: fake.url, userId: fallback, ...FAST_SETTINGS } });
      expect(back.status).toBe(200);
    }
  });

  it('leaves exactly one note after a 502 answered once the note was stored, found again by its marker', async () => {
    const before = posts().length;
    fake.http.inject({ method: 'POST', path: COMPOSITE, afterHandling: true, fault: { kind: 'respond', response: { status: 502, body: 'Bad Gateway' } } });
    // The look-up right after the 502 fails too, so the outcome stays uncertain and the next attempt must resolve it.
    fake.http.inject({ method: 'GET', path: '/services/data/v62.0/query', fault: { kind: 'drop' } });
    await deliver(service.app, seedPayload('evt_sf_502'));
    const first = await syncOf(service.app, 'evt_sf_502');
    expect(first).toMatchObject({ status: 'pending', attempts: 1, noteUncertain: true, lastError: { code: 'TEMPORARY' } });
    expect(notesOf('evt_sf_502')).toHaveLength(1);

    await makeRetriesDue(service.db);
    await drain(service.app);
    const notes = notesOf('evt_sf_502');
    expect(notes).toHaveLength(1);
    expect(posts()).toHaveLength(before + 1);
    const sync = await syncOf(service.app, 'evt_sf_502');
    expectSynced(sync, firstLast, notes[0].Id, 2);
    expect(sync.attemptsHistory.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'synced']);
  });
});
