import { randomUUID } from 'node:crypto';
import { SalesforceAdapter } from '../../src/ats/adapters/salesforce/salesforce.adapter';
import type { AtsCandidate, AtsContext, NoteDraft } from '../../src/ats/ats-adapter.port';
import { AtsError } from '../../src/ats/ats-error';
import { postNoteOnce } from '../../src/ats/kit/note-poster';
import { SalesforceFakeServer } from '../fakes/salesforce-fake-server';

const MARKER = 'Debrief ref: debrief:evt_sf_01:abc';

function draft(overrides: Partial<NoteDraft> = {}): NoteDraft {
  return {
    title: 'Interview with Jane <Doe> & "Co"',
    text: `Interview with Jane Doe\nRecording: https://rec.example/m/1\n${MARKER}`,
    html:
      '<h2>Interview with Jane &lt;Doe&gt; &amp; Co</h2><p>Strong on <strong>systems design</strong>, café ☕.</p>\n<ul><li>Check references</li></ul>' +
      `<p><a href="https://rec.example/m/1?a=1&amp;b=2" onclick="steal()">Recording</a></p><script>alert(1)</script><p>${MARKER}</p>`,
    visibility: 'public',
    referenceMarker: MARKER,
    idempotencyKey: `debrief-${randomUUID()}`,
    author: { name: 'Rita Recruiter', email: 'rita.recruiter@acme.test' },
    meetingStartedAt: new Date('2026-03-02T10:00:00Z'),
    ...overrides,
  };
}

const record = (id: string): AtsCandidate => ({ externalId: id, firstName: null, lastName: null, displayName: id, emails: [], phones: [], updatedAt: null });

async function rejection(promise: Promise<unknown>): Promise<AtsError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AtsError);
    return err as AtsError;
  }
  throw new Error('expected the call to fail');
}

describe('SalesforceAdapter against a fake org', () => {
  let fake: SalesforceFakeServer;
  let adapter: SalesforceAdapter;
  let rita: string;
  let bot: string;
  let jane: string;
  let lead: string;

  const ctx = (settings: Record<string, unknown> = {}, credentials: Record<string, unknown> = {}): AtsContext => ({
    connectionId: randomUUID(),
    credentials: { clientId: fake.client.id, clientSecret: fake.client.secret, ...credentials },
    settings: { loginUrl: fake.url, userId: bot, timeoutMs: 2000, rateLimit: { limit: 500, intervalMs: 1000 }, ...settings },
  });
  const post = async (c: AtsContext, candidate: AtsCandidate, d: NoteDraft) => (await postNoteOnce(adapter, c, candidate, d, { previousAttemptUncertain: false })).note;

  beforeAll(async () => {
    fake = new SalesforceFakeServer();
    await fake.start();
    adapter = new SalesforceAdapter();
    fake.addUser({ name: 'Integration User', email: 'integration@acme.test' });
    rita = fake.addUser({ name: 'Rita Recruiter', email: 'rita.recruiter@acme.test' }).Id;
    bot = fake.addUser({ name: 'Debrief Bot', email: 'bot@acme.test' }).Id;
    jane = fake.addPerson('Contact', { firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com', mobile: '(234) 567-8900' }).Id;
    fake.addPerson('Contact', { firstName: 'Other', lastName: 'Person', phone: '+44 20 7946 0958' });
    lead = fake.addPerson('Lead', { firstName: 'Lee', lastName: "O'Connor", email: 'lee@example.com', phone: '234.567.8901' }).Id;
    fake.addPerson('Lead', { firstName: 'Conv', lastName: 'Erted', email: 'jane@example.com', converted: true });
  });

  afterAll(() => fake.stop());

  describe('search', () => {
    it('finds a contact by a phone number stored in another format, confirmed by normalising it', async () => {
      const found = await adapter.searchCandidates(ctx(), { phone: '+12345678900' });
      expect(found.map((c) => c.externalId)).toEqual([jane]);
      expect(found[0]).toMatchObject({ displayName: 'Jane Doe', phones: ['(234) 567-8900'], meta: { object: 'Contact' } });
      const sosl = fake.http.received('GET', '/services/data/v62.0/search').at(-1)!.query.get('q');
      expect(sosl).toMatch(/^FIND \{2345678900\} IN PHONE FIELDS RETURNING Contact\(/);
    });

    it('finds a lead by phone, and never a converted lead by e-mail', async () => {
      expect((await adapter.searchCandidates(ctx(), { phone: '+12345678901' })).map((c) => c.externalId)).toEqual([lead]);
      expect((await adapter.searchCandidates(ctx(), { email: 'jane@example.com' })).map((c) => c.externalId)).toEqual([jane]);
      expect((await adapter.searchCandidates(ctx({ objects: ['Lead'] }), { phone: '+12345678900' }))).toEqual([]);
    });

    it('finds a record written since the search index last caught up by e-mail and name (SOQL), and by phone once indexed', async () => {
      const late = fake.addPerson('Contact', { firstName: 'Late', lastName: 'Comer', email: 'late@example.com', mobile: '415-555-0199', indexed: false }).Id;
      expect(await adapter.searchCandidates(ctx(), { phone: '+14155550199' })).toEqual([]);
      expect((await adapter.searchCandidates(ctx(), { email: 'late@example.com' })).map((c) => c.externalId)).toEqual([late]);
      fake.reindex();
      expect((await adapter.searchCandidates(ctx(), { phone: '+14155550199' })).map((c) => c.externalId)).toEqual([late]);
    });

    it.each([
      "O'Connor' OR Name != '",
      "x\\' OR Id != null OR Name = '",
      "Robert'); DELETE FROM Contact; --",
      '} OR {*',
      'Back\\slash',
    ])('sends a hostile name as one literal that matches nobody: %j', async (name) => {
      const before = fake.http.requests.length;
      expect(await adapter.searchCandidates(ctx(), { name, email: name })).toEqual([]);
      // Every query was well formed (the fake answers MALFORMED_QUERY otherwise, which would have thrown).
      expect(fake.http.requests.length).toBeGreaterThan(before);
    });

    it('finds a name with an apostrophe, escaped', async () => {
      expect((await adapter.searchCandidates(ctx(), { name: "Lee O'Connor" })).map((c) => c.externalId)).toEqual([lead]);
    });
  });

  describe('notes', () => {
    it('files an enhanced note (ContentNote) by the owner: base64 of escaped HTML without new lines, linked to the record', async () => {
      const d = draft();
      const note = await post(ctx(), record(jane), d);
      expect(note).toMatchObject({ authorId: rita, visibility: 'SharingPrivacy=N' });
      const [stored] = fake.contentNotesOn(jane);
      expect(stored).toMatchObject({ Id: note.externalNoteId, OwnerId: rita, SharingPrivacy: 'N', Title: d.title });
      const html = String(stored.Content);
      expect(html).not.toContain('\n');
      expect(html).not.toMatch(/<script|onclick|<h2|<strong/);
      expect(html).toContain('<b>systems design</b>');
      expect(html).toContain('&lt;Doe&gt; &amp; Co');
      expect(html).toContain('café ☕');
      expect(html).toContain('<a href="https://rec.example/m/1?a=1&amp;b=2">Recording</a>');
      const sent = fake.http.received('POST', '/services/data/v62.0/composite').at(-1)!.body as any;
      expect(sent.allOrNone).toBe(true);
      expect(Buffer.from(sent.compositeRequest[0].body.Content, 'base64').toString('utf8')).toBe(html);
      expect(sent.compositeRequest[1].body).toEqual({ ContentDocumentId: '@{note.id}', LinkedEntityId: jane, ShareType: 'I', Visibility: 'AllUsers' });
      expect(await adapter.findNote(ctx(), record(jane), d, { since: null })).toMatchObject({ externalNoteId: note.externalNoteId, authorId: rita });
    });

    it('keeps a private meeting private on the record (SharingPrivacy P)', async () => {
      const note = await post(ctx(), record(lead), draft({ visibility: 'private', referenceMarker: 'debrief:evt_priv:1', text: 'x debrief:evt_priv:1' }));
      expect(note.visibility).toBe('SharingPrivacy=P');
      expect(fake.contentNotesOn(lead).find((n) => n.Id === note.externalNoteId)).toMatchObject({ SharingPrivacy: 'P' });
    });

    it('stores nothing when the link is refused: allOrNone rolls the note back, and the refusal is certain', async () => {
      const notes = fake.records.ContentNote.length;
      const err = await rejection(post(ctx(), record('003999999999999AAA'), draft({ referenceMarker: 'debrief:evt_gone:1' })));
      expect(err).toMatchObject({ code: 'NOT_FOUND', uncertain: false });
      expect(err.message).toContain('INVALID_CROSS_REFERENCE_KEY');
      expect(fake.records.ContentNote).toHaveLength(notes);
    });

    it('files a legacy Note with IsPrivate, or a completed Task on WhoId, when the connection says so', async () => {
      const n = draft({ referenceMarker: 'debrief:evt_note:1', text: 'Body debrief:evt_note:1', visibility: 'private' });
      const legacy = await post(ctx({ noteObject: 'Note' }), record(jane), n);
      expect(legacy).toMatchObject({ visibility: 'IsPrivate=true', authorId: rita });
      expect(fake.records.Note.find((x) => x.Id === legacy.externalNoteId)).toMatchObject({ ParentId: jane, IsPrivate: true, OwnerId: rita });
      expect(await adapter.findNote(ctx({ noteObject: 'Note' }), record(jane), n, { since: null })).toMatchObject({ externalNoteId: legacy.externalNoteId });

      const t = draft({ referenceMarker: 'debrief:evt_task:1', text: 'Body debrief:evt_task:1' });
      const task = await post(ctx({ noteObject: 'Task' }), record(lead), t);
      expect(fake.records.Task.find((x) => x.Id === task.externalNoteId)).toMatchObject({ WhoId: lead, Status: 'Completed', ActivityDate: '2026-03-02', OwnerId: rita });
      expect(await adapter.findNote(ctx({ noteObject: 'Task' }), record(lead), t, { since: null })).toMatchObject({ externalNoteId: task.externalNoteId });

      const tasks = fake.records.Task.length;
      const err = await rejection(post(ctx({ noteObject: 'Task' }), record(lead), draft({ visibility: 'private' })));
      expect(err).toMatchObject({ code: 'INVALID_REQUEST', uncertain: false });
      expect(fake.records.Task).toHaveLength(tasks);
    });
  });

  describe('sessions and limits', () => {
    it('gets a new token once when the session expired, and repeats the call once', async () => {
      const c = ctx();
      await adapter.searchCandidates(c, { email: 'jane@example.com' });
      const tokens = fake.tokenRequests().length;
      fake.expireSessions();
      expect((await adapter.searchCandidates(c, { email: 'jane@example.com' })).map((x) => x.externalId)).toEqual([jane]);
      expect(fake.tokenRequests()).toHaveLength(tokens + 1);
      const sent = fake.tokenRequests().at(-1)!.body as Record<string, string>;
      expect(sent).toEqual({ grant_type: 'client_credentials', client_id: fake.client.id, client_secret: fake.client.secret });
    });

    it('reports refused credentials as AUTH_FAILED without repeating the secret', async () => {
      const err = await rejection(adapter.searchCandidates(ctx({}, { clientSecret: 'wrong-secret-value' }), { email: 'jane@example.com' }));
      expect(err.code).toBe('AUTH_FAILED');
      expect(err.message).not.toContain('wrong-secret-value');
    });

    it('stops before the daily limit with a clear status once usage reaches the ceiling, and reads REQUEST_LIMIT_EXCEEDED', async () => {
      const c = ctx({ apiUsageCeilingPercent: 90 });
      fake.apiUsed = 0;
      fake.apiLimit = 10;
      try {
        await adapter.searchCandidates(c, { email: 'jane@example.com' }); // 1 token + calls
        fake.apiUsed = 8; // the org's other integrations
        // The Contact query is answered with api-usage=9/10; the Lead query is not sent.
        const first = await rejection(adapter.searchCandidates(c, { email: 'nobody@example.com' }));
        expect(first.code).toBe('RATE_LIMITED');
        expect(fake.apiUsed).toBe(9);
        const requests = fake.http.requests.length;
        const err = await rejection(adapter.searchCandidates(c, { email: 'jane@example.com' }));
        expect(err).toMatchObject({ code: 'RATE_LIMITED' });
        expect(err.message).toMatch(/used 9 of its 10 daily API calls; Debrief stops at 90%/);
        expect(err.retryAfterSeconds).toBeGreaterThan(60);
        expect(fake.http.requests).toHaveLength(requests);

        // Another connection to an org already over its allowance: Salesforce's own refusal.
        fake.apiUsed = 10;
        const over = await rejection(adapter.searchCandidates(ctx({ apiUsageCeilingPercent: 100 }), { email: 'jane@example.com' }));
        expect(over).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 3600 });
        expect(over.message).toContain('REQUEST_LIMIT_EXCEEDED');
      } finally {
        fake.apiLimit = 100_000;
        fake.apiUsed = 0;
      }
    });

    it('refuses an instance_url off Salesforce and the allowed hosts, before sending the token there', async () => {
      fake.instanceUrl = 'https://evil.example.com';
      try {
        const err = await rejection(adapter.searchCandidates(ctx(), { email: 'jane@example.com' }));
        expect(err).toMatchObject({ code: 'CONFIGURATION' });
        expect(err.message).toContain('evil.example.com');
      } finally {
        fake.instanceUrl = null;
      }
    });
  });

  describe('listing', () => {
    it('lists contacts then leads, following nextRecordsUrl, and incrementally by LastModifiedDate', async () => {
      fake.batchCap = 2;
      try {
        const ids: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: Awaited<ReturnType<SalesforceAdapter['listCandidates']>> = await adapter.listCandidates(ctx(), { cursor, updatedSince: null, pageSize: 2 });
          ids.push(...page.candidates.map((c) => c.externalId));
          cursor = page.nextCursor;
          pages++;
        } while (cursor && pages < 20);
        const expected = [...fake.records.Contact, ...fake.records.Lead.filter((l) => !l.IsConverted)].map((r) => r.Id);
        expect(ids.sort()).toEqual(expected.sort());
        expect(fake.http.requests.some((r) => /\/query\/01g\w+-2$/.test(r.path))).toBe(true);

        const old = fake.addPerson('Contact', { firstName: 'Old', lastName: 'Timer', modified: '2020-01-01T00:00:00.000+0000' }).Id;
        const page = await adapter.listCandidates(ctx({ objects: ['Contact'] }), { cursor: null, updatedSince: new Date('2025-01-01T00:00:00Z'), pageSize: 200 });
        expect(page.candidates.map((c) => c.externalId)).not.toContain(old);
        expect(fake.http.received('GET', '/services/data/v62.0/query').at(-1)!.query.get('q')).toContain('WHERE LastModifiedDate >= 2025-01-01T00:00:00Z ORDER BY Id');
      } finally {
        fake.batchCap = 2000;
      }
    });

    it('refuses a cursor it did not issue', async () => {
      const forged = Buffer.from(JSON.stringify({ v: 1, object: 0, next: 'https://evil.example.com/x', since: null })).toString('base64url');
      expect((await rejection(adapter.listCandidates(ctx(), { cursor: forged, updatedSince: null }))).code).toBe('INVALID_REQUEST');
    });
  });
});
