import { BullhornAdapter } from '../../src/ats/adapters/bullhorn/bullhorn.adapter';
import type { AtsCandidate, AtsContext, NoteDraft } from '../../src/ats/ats-adapter.port';
import { AtsError } from '../../src/ats/ats-error';
import { postNoteOnce } from '../../src/ats/kit/note-poster';
import type { AtsAdapter } from '../../src/ats/ats-adapter.port';
import { BullhornFakeServer } from '../fakes/bullhorn-fake-server';

const MARKER = '[debrief-ref:evt_01HX]';
const KEY = 'debrief:evt_01HX:conn-bullhorn';

function draft(overrides: Partial<NoteDraft> = {}): NoteDraft {
  return {
    title: 'Interview with Jane Doe',
    text: `Interview with Jane Doe\nRecording: https://rec.example/m/1\n${MARKER}`,
    html:
      '<h2>Interview with Jane Doe</h2><p>Strong on <b>systems design</b>.</p><ul><li>Check references</li></ul>' +
      `<p><a href="https://rec.example/m/1" onclick="steal()">Recording</a></p><script>alert(1)</script><p>${MARKER}</p>`,
    visibility: 'public',
    referenceMarker: MARKER,
    idempotencyKey: KEY,
    author: { name: 'Rita Recruiter', email: 'rita.recruiter@acme.test' },
    meetingStartedAt: new Date('2026-03-02T10:00:00Z'),
    ...overrides,
  };
}

const candidate = (id: number): AtsCandidate => ({
  externalId: String(id),
  firstName: null,
  lastName: null,
  displayName: `#${id}`,
  emails: [],
  phones: [],
  updatedAt: null,
});

async function rejection(promise: Promise<unknown>): Promise<AtsError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AtsError);
    return err as AtsError;
  }
  throw new Error('expected the call to fail');
}

describe('BullhornAdapter against a fake Bullhorn', () => {
  let fake: BullhornFakeServer;
  let adapter: BullhornAdapter;
  /** Posting as the sync pipeline does: once, through the adapter kit. */
  const createNote = async (c: AtsContext, candidate: AtsCandidate, d: NoteDraft, previousAttemptUncertain = false) =>
    (await postNoteOnce(adapter, c, candidate, d, { previousAttemptUncertain })).note;
  const findNote = (c: AtsContext, candidate: AtsCandidate, d: NoteDraft) => (adapter as AtsAdapter).findNote(c, candidate, d, { since: null });
  let ctx: AtsContext;

  const withSettings = (settings: Record<string, unknown>, credentials: Record<string, unknown> = {}): AtsContext => ({
    ...ctx,
    credentials: { ...ctx.credentials, ...credentials },
    settings: { ...ctx.settings, ...settings },
  });

  beforeEach(async () => {
    fake = new BullhornFakeServer();
    await fake.start();
    fake.addUser({ id: 1, email: 'api@acme.test', firstName: 'Api', lastName: 'User' });
    fake.addUser({ id: 45, email: 'Rita.Recruiter@acme.test', firstName: 'Rita', lastName: 'Recruiter' });
    fake.addUser({ id: 99, email: 'debrief@acme.test', firstName: 'Debrief', lastName: 'Bot' });
    fake.addUser({ id: 77, email: 'gone@acme.test', enabled: false });
    const old = Date.parse('2020-01-01T00:00:00Z');
    fake.addCandidate({ id: 101, firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com', mobile: '(415) 555-0101', dateLastModified: Date.parse('2026-03-01T12:00:00Z') });
    fake.addCandidate({ id: 102, firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com', isDeleted: true });
    fake.addCandidate({ id: 103, firstName: 'John', lastName: 'Smith', email2: 'john@example.com', phone: '415-555-0199', dateLastModified: old });
    fake.addCandidate({ id: 104, firstName: 'Li', lastName: 'Wei', workPhone: '+44 20 7946 0958', dateLastModified: old });
    fake.addCandidate({ id: 105, firstName: 'Ana', lastName: 'Silva', phone2: '4155550142', dateLastModified: old });
    adapter = new BullhornAdapter();
    ctx = {
      connectionId: 'conn-bullhorn',
      credentials: { clientId: fake.client.id, clientSecret: fake.client.secret, username: fake.apiUser.username, password: fake.apiUser.password },
      settings: { authUrl: fake.url, baseUrl: fake.url, timeoutMs: 400, rateLimit: { limit: 1000, intervalMs: 1000 } },
    };
  });

  afterEach(() => fake.stop());

  describe('sign-in and sessions', () => {
    it('signs in with the server-side authorization code flow and reuses the session', async () => {
      await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      await adapter.searchCandidates(ctx, { name: 'John Smith' });

      const [authorize] = fake.authorizeCalls();
      expect(Object.fromEntries(authorize.query)).toEqual({
        client_id: fake.client.id,
        response_type: 'code',
        username: fake.apiUser.username,
        password: fake.apiUser.password,
        action: 'Login',
      });
      expect(fake.authorizeCalls()).toHaveLength(1);
      expect(fake.tokenGrants()).toEqual(['authorization_code']);
      const [login] = fake.loginCalls();
      expect(login.method).toBe('POST');
      expect(login.query.get('version')).toBe('*');
      expect(login.query.get('access_token')).toMatch(/^at:/);
      expect(fake.loginCalls()).toHaveLength(1);
      const searches = fake.restCalls('GET', 'search/Candidate');
      expect(searches).toHaveLength(2);
      expect(searches[0].headers.bhresttoken).toEqual(expect.any(String));
      expect(searches[1].headers.bhresttoken).toBe(searches[0].headers.bhresttoken);
    });

    it('refreshes an access token near its expiry and logs in once when the session lapses', async () => {
      fake.accessTokenSeconds = 30;
      await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      fake.expireSessions();
      const found = await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      expect(found.map((c) => c.externalId)).toEqual(['101']);
      expect(fake.tokenGrants()).toEqual(['authorization_code', 'refresh_token']);
      expect(fake.authorizeCalls()).toHaveLength(1);
      expect(fake.loginCalls()).toHaveLength(2);
      expect(fake.restCalls('GET', 'search/Candidate')).toHaveLength(3);
    });

    it('gets a new access token once when /login refuses the cached one', async () => {
      await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      fake.expireSessions();
      fake.expireAccessTokens();
      await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      expect(fake.tokenGrants()).toEqual(['authorization_code', 'refresh_token']);
      // First login, the refused retry with the cached token, then one login with the refreshed token.
      const tokens = fake.loginCalls().map((r) => r.query.get('access_token'));
      expect(tokens).toHaveLength(3);
      expect(tokens[1]).toBe(tokens[0]);
      expect(tokens[2]).not.toBe(tokens[0]);
    });

    it('shares one refresh and one login among concurrent calls', async () => {
      fake.accessTokenSeconds = 30;
      await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      fake.expireSessions();
      const results = await Promise.all(
        ['jane@example.com', 'john@example.com', 'jane@example.com', 'nobody@example.com', 'john@example.com'].map((email) =>
          adapter.searchCandidates(ctx, { email }),
        ),
      );
      expect(results.map((r) => r.length)).toEqual([1, 1, 1, 0, 1]);
      expect(fake.tokenGrants()).toEqual(['authorization_code', 'refresh_token']);
      expect(fake.loginCalls()).toHaveLength(2);
    });

    it('starts over with the password when the refresh token was revoked', async () => {
      fake.accessTokenSeconds = 30;
      await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      fake.expireSessions();
      fake.revokeRefreshTokens();
      await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      expect(fake.tokenGrants()).toEqual(['authorization_code', 'refresh_token', 'authorization_code']);
      expect(fake.authorizeCalls()).toHaveLength(2);
    });

    it('logs in again once on a 412 missing-token answer and retries the call', async () => {
      await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      fake.http.inject({
        path: '/rest-services/corp1/search/Candidate',
        fault: { kind: 'respond', response: { status: 412, body: { errorMessage: "Missing 'BhRestToken'", errorCode: 412 } } },
      });
      const found = await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      expect(found).toHaveLength(1);
      expect(fake.loginCalls()).toHaveLength(2);
    });

    it('gives up with AUTH_FAILED after one re-login when the session keeps being refused', async () => {
      await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      fake.http.inject({
        path: '/rest-services/corp1/search/Candidate',
        times: 5,
        fault: { kind: 'respond', response: { status: 401, body: { errorMessage: "Bad 'BhRestToken' or timed-out.", errorCode: 401 } } },
      });
      const err = await rejection(adapter.searchCandidates(ctx, { email: 'jane@example.com' }));
      expect(err).toMatchObject({ code: 'AUTH_FAILED', status: 401 });
      expect(err.message).toContain('timed-out');
      expect(fake.loginCalls()).toHaveLength(2);
      expect(fake.restCalls('GET', 'search/Candidate')).toHaveLength(3);
    });

    it('reports a wrong password as AUTH_FAILED without logging in', async () => {
      const err = await rejection(adapter.searchCandidates(withSettings({}, { password: 'wrong' }), { email: 'jane@example.com' }));
      expect(err.code).toBe('AUTH_FAILED');
      expect(err.message).not.toContain('wrong');
      expect(fake.loginCalls()).toHaveLength(0);
    });

    it('reports a refused client secret as AUTH_FAILED and missing credentials as CONFIGURATION', async () => {
      const err = await rejection(adapter.searchCandidates(withSettings({}, { clientSecret: 'nope' }), { email: 'jane@example.com' }));
      expect(err).toMatchObject({ code: 'AUTH_FAILED', status: 401 });
      const missing = await rejection(adapter.searchCandidates(withSettings({}, { username: '' }), { email: 'x@y.z' }));
      expect(missing.code).toBe('CONFIGURATION');
    });
  });

  describe('data centres', () => {
    /** No authUrl or restLoginUrl: the hosts come from loginInfo, asked of the fake instead of Bullhorn. */
    const discovering = (): AtsContext => ({
      ...ctx,
      settings: { loginInfoUrl: `${fake.url}/rest-services/loginInfo`, timeoutMs: 400, rateLimit: { limit: 1000, intervalMs: 1000 } },
    });

    it("finds the API user's data centre with loginInfo once and signs in there", async () => {
      fake.moveTo('/west');
      const c = discovering();
      await adapter.searchCandidates(c, { email: 'jane@example.com' });
      fake.expireSessions();
      fake.expireAccessTokens();
      const found = await adapter.searchCandidates(c, { email: 'jane@example.com' });

      expect(found.map((x) => x.externalId)).toEqual(['101']);
      const [info] = fake.loginInfoCalls();
      expect(Object.fromEntries(info.query)).toEqual({ username: fake.apiUser.username });
      expect(fake.loginInfoCalls()).toHaveLength(1);
      // Straight to the tenant's data centre every time: no redirect was needed.
      expect(fake.signInPaths()).toEqual([
        'GET /rest-services/loginInfo',
        'GET /west/oauth/authorize',
        'POST /west/oauth/token',
        'POST /west/rest-services/login',
        'POST /west/rest-services/login',
        'POST /west/oauth/token',
        'POST /west/rest-services/login',
      ]);
      expect(fake.restCalls('GET', 'search/Candidate')).toHaveLength(3);
    });

    it('follows a 307 on authorize and login to the data centre that holds the user, and goes there directly after', async () => {
      fake.moveTo('/west');
      await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      fake.expireSessions();
      await adapter.searchCandidates(ctx, { email: 'jane@example.com' });

      expect(fake.signInPaths()).toEqual([
        'GET /oauth/authorize',
        'GET /west/oauth/authorize',
        'POST /west/oauth/token',
        'POST /rest-services/login',
        'POST /west/rest-services/login',
        'POST /west/rest-services/login',
      ]);
      // The redirect repeated the whole request, query included.
      const [first, second] = fake.http.received('GET', /\/oauth\/authorize$/);
      expect(Object.fromEntries(second.query)).toEqual(Object.fromEntries(first.query));
      expect(fake.loginInfoCalls()).toHaveLength(0);
      // The first search, the one refused with the lapsed session, and its retry.
      expect(fake.restCalls('GET', 'search/Candidate')).toHaveLength(3);
    });

    it('follows a 307 on the token endpoint when the tenant moves after signing in', async () => {
      fake.accessTokenSeconds = 30;
      await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      fake.moveTo('/emea');
      fake.expireSessions();
      const found = await adapter.searchCandidates(ctx, { email: 'jane@example.com' });

      expect(found).toHaveLength(1);
      expect(fake.signInPaths().slice(3)).toEqual([
        'POST /oauth/token',
        'POST /emea/oauth/token',
        'POST /rest-services/login',
        'POST /emea/rest-services/login',
      ]);
      const [redirected, answered] = fake.http.received('POST', /\/oauth\/token$/).slice(-2);
      expect(answered.query.get('grant_type')).toBe('refresh_token');
      expect(Object.fromEntries(answered.query)).toEqual(Object.fromEntries(redirected.query));
    });

    it('refuses to follow a redirect to a host that is not Bullhorn, without naming the password', async () => {
      fake.moveTo('/west');
      fake.redirectOrigin = 'https://auth-west.bullhornstaffing.com.evil.example';
      const err = await rejection(adapter.searchCandidates(ctx, { email: 'jane@example.com' }));
      expect(err.code).toBe('CONFIGURATION');
      expect(err.message).toContain('https://auth-west.bullhornstaffing.com.evil.example');
      expect(err.message).not.toContain(fake.apiUser.password);
      expect(err.message).not.toContain('password');
      expect(fake.http.requests).toHaveLength(1);
    });

    it('refuses a data centre from loginInfo that is not a Bullhorn host, and one it cannot name', async () => {
      fake.http.inject({
        path: '/rest-services/loginInfo',
        fault: { kind: 'respond', response: { status: 200, body: { oauthUrl: 'https://evil.example/oauth', restUrl: 'https://evil.example/rest-services' } } },
      });
      const foreign = await rejection(adapter.searchCandidates(discovering(), { email: 'jane@example.com' }));
      expect(foreign.code).toBe('CONFIGURATION');
      expect(foreign.message).toContain('https://evil.example');

      const unknown = await rejection(
        new BullhornAdapter().searchCandidates({ ...discovering(), credentials: { ...ctx.credentials, username: 'nobody' } }, { email: 'x@y.z' }),
      );
      expect(unknown.code).toBe('AUTH_FAILED');
      expect(unknown.message).toContain('settings.authUrl');
      expect(fake.authorizeCalls()).toHaveLength(0);
    });
  });

  describe('search', () => {
    const lastQuery = () => fake.restCalls('GET', 'search/Candidate').at(-1)!.query;

    it('finds a candidate by phone whatever way the number was typed', async () => {
      expect((await adapter.searchCandidates(ctx, { phone: '+14155550101' })).map((c) => c.externalId)).toEqual(['101']);
      const q = lastQuery();
      expect(q.get('query')).toContain('phone:"4155550101"');
      expect(q.get('query')).toContain('mobile:"(415) 555-0101"');
      expect(q.get('query')).toContain('workPhone:"415-555-0101"');
      expect(q.get('query')).toMatch(/\) AND isDeleted:false$/);
      expect(q.get('fields')).toBe('id,firstName,lastName,name,email,email2,email3,phone,mobile,phone2,phone3,workPhone,dateLastModified');
      expect((await adapter.searchCandidates(ctx, { phone: '+14155550199' })).map((c) => c.externalId)).toEqual(['103']);
      expect((await adapter.searchCandidates(ctx, { phone: '+442079460958' })).map((c) => c.externalId)).toEqual(['104']);
      expect((await adapter.searchCandidates(ctx, { phone: '+14155550142' })).map((c) => c.externalId)).toEqual(['105']);
    });

    it('finds by name, never returning deleted records', async () => {
      const found = await adapter.searchCandidates(ctx, { name: ' Jane   Doe ' });
      expect(found).toEqual([
        {
          externalId: '101',
          firstName: 'Jane',
          lastName: 'Doe',
          displayName: 'Jane Doe',
          emails: ['jane@example.com'],
          phones: ['(415) 555-0101'],
          updatedAt: new Date('2026-03-01T12:00:00Z'),
        },
      ]);
      expect(lastQuery().get('query')).toBe('name:"Jane Doe" AND isDeleted:false');
    });

    it('finds by any of the three email fields and merges kinds without duplicates', async () => {
      expect((await adapter.searchCandidates(ctx, { email: 'john@example.com' })).map((c) => c.externalId)).toEqual(['103']);
      const merged = await adapter.searchCandidates(ctx, { name: 'Jane Doe', email: 'jane@example.com', phone: '+14155550101' });
      expect(merged.map((c) => c.externalId)).toEqual(['101']);
      expect(fake.restCalls('GET', 'search/Candidate')).toHaveLength(4);
    });
  });

  describe('listing', () => {
    async function listAll(c: AtsContext, updatedSince: Date | null) {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await adapter.listCandidates(c, { cursor, updatedSince, pageSize: 2 });
        ids.push(...page.candidates.map((x) => x.externalId));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    }

    it('pages with start/count until total, sorted by id, without deleted records', async () => {
      expect(await listAll(ctx, null)).toEqual(['101', '103', '104', '105']);
      const calls = fake.restCalls('GET', 'search/Candidate');
      expect(calls.map((r) => [r.query.get('start'), r.query.get('count'), r.query.get('sort')])).toEqual([
        ['0', '2', 'id'],
        ['2', '2', 'id'],
      ]);
      expect(calls[0].query.get('query')).toBe('isDeleted:false');
    });

    it('lists incrementally with a dateLastModified range, moved back by the overlap', async () => {
      const since = new Date('2026-03-01T10:00:00Z');
      expect(await listAll(withSettings({ incrementalOverlapMinutes: 0 }), since)).toEqual(['101']);
      expect(fake.restCalls('GET', 'search/Candidate')[0].query.get('query')).toBe(
        'isDeleted:false AND dateLastModified:[20260301100000 TO *]',
      );
      await listAll(ctx, since);
      expect(fake.restCalls('GET', 'search/Candidate').at(-1)!.query.get('query')).toBe(
        'isDeleted:false AND dateLastModified:[20260228220000 TO *]',
      );
    });

    it('refuses a cursor it did not issue', async () => {
      const err = await rejection(adapter.listCandidates(ctx, { cursor: 'garbage', updatedSince: null }));
      expect(err.code).toBe('INVALID_REQUEST');
    });
  });

  describe('notes', () => {
    it('creates the note with PUT, as the meeting owner, with the action, HTML comments and externalID', async () => {
      const created = await createNote(ctx, candidate(101), draft());
      const [put] = fake.restCalls('PUT', 'entity/Note');
      const body = put.body as Record<string, unknown>;
      expect(body).toMatchObject({
        personReference: { id: 101 },
        commentingPerson: { id: 45 },
        action: 'Meeting',
        externalID: KEY,
      });
      const comments = body.comments as string;
      expect(comments).toContain('<h2>Interview with Jane Doe</h2>');
      expect(comments).toContain('<ul><li>Check references</li></ul>');
      expect(comments).toContain(MARKER);
      expect(comments).not.toMatch(/<script|onclick/);
      const [stored] = fake.notesOf(101);
      expect(created).toEqual({ externalNoteId: String(stored.id), visibility: 'public', authorId: '45', sent: body });
      // The externalID lookup ran before the write.
      const order = fake.http.requests.map((r) => `${r.method} ${r.path.replace('/rest-services/corp1/', '')}`);
      expect(order.indexOf('GET query/Note')).toBeLessThan(order.indexOf('PUT entity/Note'));
    });

    it('falls back to settings.userId, and refuses with CONFIGURATION when there is no author at all', async () => {
      const guest = draft({ author: { name: 'Guest', email: 'guest@elsewhere.test' } });
      const created = await createNote(withSettings({ userId: '99' }), candidate(101), guest);
      expect(created.authorId).toBe('99');
      expect(fake.notesOf(101)[0].commentingPerson.id).toBe(99);

      const disabledOwner = draft({ idempotencyKey: 'k2', author: { name: 'Gone', email: 'gone@acme.test' } });
      const err = await rejection(createNote(ctx, candidate(103), disabledOwner));
      expect(err.code).toBe('CONFIGURATION');
      expect(fake.notesOf(103)).toHaveLength(0);
    });

    it('refuses a private draft without sending anything', async () => {
      const err = await rejection(createNote(ctx, candidate(101), draft({ visibility: 'private' })));
      expect(err.code).toBe('INVALID_REQUEST');
      expect(fake.http.requests).toHaveLength(0);
      expect(adapter.capabilities.privateNotes).toBe(false);
    });

    it("checks the action against the tenant's commentActionList", async () => {
      const err = await rejection(createNote(withSettings({ noteAction: 'Coffee chat' }), candidate(101), draft()));
      expect(err.code).toBe('CONFIGURATION');
      expect(err.message).toContain('Interview');
      await createNote(withSettings({ noteAction: 'interview' }), candidate(101), draft());
      expect(fake.notesOf(101)[0].action).toBe('Interview');
    });

    it('returns the existing note instead of posting the same externalID twice', async () => {
      const first = await createNote(ctx, candidate(101), draft());
      const again = await createNote(ctx, candidate(101), draft());
      expect(again.externalNoteId).toBe(first.externalNoteId);
      expect(fake.notesOf(101)).toHaveLength(1);
      expect(fake.restCalls('PUT', 'entity/Note')).toHaveLength(1);
    });

    it('finds a note by externalID on the same candidate only', async () => {
      const created = await createNote(ctx, candidate(101), draft());
      await expect(findNote(ctx, candidate(101), draft())).resolves.toEqual({
        externalNoteId: created.externalNoteId,
        visibility: 'public',
        authorId: '45',
      });
      await expect(findNote(ctx, candidate(103), draft())).resolves.toBeNull();
      await expect(findNote(ctx, candidate(101), draft({ idempotencyKey: 'other' }))).resolves.toBeNull();
    });

    it('stores an over-long idempotency key as a stable digest', async () => {
      const long = draft({ idempotencyKey: 'k'.repeat(150) });
      await createNote(ctx, candidate(101), long);
      const externalID = fake.notesOf(101)[0].externalID!;
      expect(externalID).toMatch(/^sha256:[0-9a-f]{64}$/);
      await expect(findNote(ctx, candidate(101), long)).resolves.not.toBeNull();
    });
  });

  describe('deleting a note (soft delete)', () => {
    it('hides the note with isDeleted, never DELETE; a note already hidden or gone is not_found', async () => {
      const created = await createNote(ctx, candidate(101), draft());
      const filed = { candidateId: '101', externalNoteId: created.externalNoteId };
      await expect(adapter.deleteNote(ctx, filed)).resolves.toBe('deleted');
      expect(fake.notesOf(101)[0]!.isDeleted).toBe(true);
      expect(fake.restCalls('POST', `entity/Note/${created.externalNoteId}`).map((c) => c.body)).toEqual([{ isDeleted: true }]);
      expect(fake.restCalls('DELETE', `entity/Note/${created.externalNoteId}`)).toHaveLength(0);
      // Run again (an erasure resumed): nothing more is sent.
      await expect(adapter.deleteNote(ctx, filed)).resolves.toBe('not_found');
      expect(fake.restCalls('POST', `entity/Note/${created.externalNoteId}`)).toHaveLength(1);
      await expect(adapter.deleteNote(ctx, { candidateId: '101', externalNoteId: '999999' })).resolves.toBe('not_found');
      // A note on another candidate is never touched.
      const other = await createNote(ctx, candidate(103), draft({ idempotencyKey: 'k2', referenceMarker: '[debrief-ref:evt_2]', text: 'x [debrief-ref:evt_2]', html: '<p>[debrief-ref:evt_2]</p>' }));
      await expect(adapter.deleteNote(ctx, { candidateId: '101', externalNoteId: other.externalNoteId })).resolves.toBe('not_found');
      expect(fake.notesOf(103)[0]!.isDeleted).toBe(false);
      expect(adapter.capabilities.noteDeletion).toBe('soft-delete');
    });
  });

  describe('meeting owner by name', () => {
    const byName = (name: string, email: string | null = null, n = 1) =>
      draft({ author: { name, email }, idempotencyKey: `${KEY}:n${n}` });
    const authors = () => fake.restCalls('PUT', 'entity/Note').map((r) => (r.body as { commentingPerson: { id: number } }).commentingPerson.id);
    const userQueries = () => fake.restCalls('GET', 'query/CorporateUser').map((r) => r.query.get('where'));
    const fallbackCtx = () => withSettings({ userId: '99' });

    it('finds the owner by exact first and last name when the webhook gives no e-mail', async () => {
      const created = await createNote(fallbackCtx(), candidate(101), byName(' Rita  RECRUITER'));
      expect(authors()).toEqual([45]);
      expect(created.authorId).toBe('45');
      expect(userQueries()).toEqual(["((firstName='rita' AND lastName='recruiter')) AND enabled=true AND isDeleted=false"]);
    });

    it('tries the e-mail first, then the name when no CorporateUser has the e-mail', async () => {
      await createNote(fallbackCtx(), candidate(101), byName('Rita Recruiter', 'rita@personal.example'));
      expect(authors()).toEqual([45]);
      expect(userQueries()).toEqual(["email='rita@personal.example'", expect.stringContaining("firstName='rita'")]);
    });

    it('writes as the fallback author when two users share the name, never guessing', async () => {
      fake.addUser({ id: 46, email: 'rita.r@acme.test', firstName: 'Rita', lastName: 'Recruiter' });
      const created = await createNote(fallbackCtx(), candidate(101), byName('Rita Recruiter'));
      expect(authors()).toEqual([99]);
      expect(created.authorId).toBe('99');
    });

    it('ignores disabled and deleted users of that name', async () => {
      fake.addUser({ id: 47, email: 'rita.old@acme.test', firstName: 'Rita', lastName: 'Recruiter', enabled: false });
      fake.addUser({ id: 48, email: 'rita.gone@acme.test', firstName: 'Rita', lastName: 'Recruiter', isDeleted: true });
      fake.addUser({ id: 49, email: 'sam@acme.test', firstName: 'Sam', lastName: 'Gone', enabled: false });
      await createNote(fallbackCtx(), candidate(101), byName('Rita Recruiter'));
      await createNote(fallbackCtx(), candidate(101), byName('Sam Gone', null, 2));
      expect(authors()).toEqual([45, 99]);
    });

    it('ignores a disabled user even when Bullhorn answers without applying the filter', async () => {
      fake.http.inject({
        method: 'GET',
        path: '/rest-services/corp1/query/CorporateUser',
        fault: {
          kind: 'respond',
          response: {
            status: 200,
            body: { start: 0, count: 2, data: [{ id: 47, firstName: 'Rita', lastName: 'Recruiter', enabled: false, isDeleted: false }, { id: 45, firstName: 'Rita', lastName: 'Recruiter', enabled: true, isDeleted: false }] },
          },
        },
      });
      await createNote(fallbackCtx(), candidate(101), byName('Rita Recruiter'));
      expect(authors()).toEqual([45]);
    });

    it('finds a name with an apostrophe, quoted as JPQL wants', async () => {
      fake.addUser({ id: 50, email: 'sinead@acme.test', firstName: 'Sinéad', lastName: "O'Brien" });
      await createNote(fallbackCtx(), candidate(101), byName("Sinéad O'Brien"));
      expect(authors()).toEqual([50]);
      expect(userQueries()).toEqual([expect.stringContaining("lastName='o''brien'")]);
    });

    it('asks Bullhorn once for many notes by the same owner, and once for an unknown one', async () => {
      await Promise.all([1, 2, 3].map((n) => createNote(fallbackCtx(), candidate(101), byName('Rita Recruiter', null, n))));
      await createNote(fallbackCtx(), candidate(101), byName('rita recruiter', null, 4));
      expect(authors()).toEqual([45, 45, 45, 45]);
      expect(userQueries()).toHaveLength(1);

      for (const n of [5, 6]) await createNote(fallbackCtx(), candidate(101), byName('Pat Outsider', null, n));
      expect(authors().slice(4)).toEqual([99, 99]);
      expect(userQueries()).toHaveLength(2);
    });

    it('reads at most five pages of users, then leaves the note to the fallback author', async () => {
      // A one-word name matches every user with it as first or last name; the one named just "Alex" comes last.
      for (let i = 0; i < 260; i++) fake.addUser({ id: 1000 + i, email: `alex${i}@acme.test`, firstName: 'Alex', lastName: `L${i}` });
      fake.addUser({ id: 5000, email: 'alex@acme.test', firstName: 'Alex', lastName: '' });
      await createNote(fallbackCtx(), candidate(101), byName('Alex'));
      expect(authors()).toEqual([99]);
      const pages = fake.restCalls('GET', 'query/CorporateUser').map((r) => [r.query.get('start'), r.query.get('count'), r.query.get('orderBy')]);
      expect(pages).toEqual([0, 50, 100, 150, 200].map((start) => [String(start), '50', 'id']));
    });

    it('pages through users to the end within the bound', async () => {
      for (let i = 0; i < 60; i++) fake.addUser({ id: 1000 + i, email: `alex${i}@acme.test`, firstName: 'Alex', lastName: `L${i}` });
      fake.addUser({ id: 5000, email: 'alex@acme.test', firstName: 'Alex', lastName: '' });
      await createNote(fallbackCtx(), candidate(101), byName('Alex'));
      expect(authors()).toEqual([5000]);
      expect(fake.restCalls('GET', 'query/CorporateUser')).toHaveLength(2);
    });
  });

  describe('uncertain outcomes', () => {
    it('returns the stored note when the answer times out after Bullhorn stored it, without a duplicate', async () => {
      fake.http.inject({ method: 'PUT', path: '/rest-services/corp1/entity/Note', fault: { kind: 'hang' }, afterHandling: true });
      const created = await createNote(ctx, candidate(101), draft());
      const notes = fake.notesOf(101);
      expect(notes).toHaveLength(1);
      expect(created.externalNoteId).toBe(String(notes[0].id));
      expect(fake.restCalls('PUT', 'entity/Note')).toHaveLength(1);
    });

    it('rethrows the uncertain error when the dropped write never arrived', async () => {
      fake.http.inject({ method: 'PUT', path: '/rest-services/corp1/entity/Note', fault: { kind: 'drop' } });
      const err = await rejection(createNote(ctx, candidate(101), draft()));
      expect(err).toMatchObject({ code: 'TEMPORARY', uncertain: true });
      expect(fake.notesOf(101)).toHaveLength(0);
      expect(fake.restCalls('GET', 'query/Note')).toHaveLength(2);
      // The next attempt posts exactly once.
      await createNote(ctx, candidate(101), draft());
      expect(fake.notesOf(101)).toHaveLength(1);
    });

    it('looks again after a 5xx on the write and rethrows when nothing was stored', async () => {
      fake.http.inject({
        method: 'PUT',
        path: '/rest-services/corp1/entity/Note',
        fault: { kind: 'respond', response: { status: 500, body: { errorMessage: 'Internal error', errorCode: 500 } } },
      });
      const err = await rejection(createNote(ctx, candidate(101), draft()));
      expect(err).toMatchObject({ code: 'TEMPORARY', status: 500 });
      expect(fake.restCalls('GET', 'query/Note')).toHaveLength(2);
    });
  });

  describe("Bullhorn's error shapes and rate limits", () => {
    it('maps a 400 body with errorMessage and errors[] to INVALID_REQUEST and does not look for the note', async () => {
      fake.http.inject({
        method: 'PUT',
        path: '/rest-services/corp1/entity/Note',
        fault: {
          kind: 'respond',
          response: {
            status: 400,
            body: {
              errorMessage: 'error persisting an entity of type: Note',
              errorMessageKey: 'errors.cannotPersistEntity',
              errorCode: 400,
              errors: [{ propertyName: 'action', severity: 'ERROR', type: 'INVALID_VALUE' }],
            },
          },
        },
      });
      const err = await rejection(createNote(ctx, candidate(101), draft()));
      expect(err).toMatchObject({ code: 'INVALID_REQUEST', status: 400, uncertain: false });
      expect(err.message).toContain('error persisting an entity of type: Note');
      expect(err.message).toContain('action INVALID_VALUE');
      expect(fake.restCalls('GET', 'query/Note')).toHaveLength(1);
    });

    it('maps 403 to PERMISSION_DENIED, unknown fields (404) to NOT_FOUND and 503 to TEMPORARY', async () => {
      const path = '/rest-services/corp1/search/Candidate';
      fake.http.inject({ path, fault: { kind: 'respond', response: { status: 403, body: { errorMessage: 'Access denied to entity Candidate', errorCode: 403 } } } });
      expect((await rejection(adapter.searchCandidates(ctx, { email: 'a@b.c' }))).code).toBe('PERMISSION_DENIED');
      fake.http.inject({ path, fault: { kind: 'respond', response: { status: 404, body: { errorMessage: 'Invalid field(s): foo', errorCode: 404 } } } });
      expect((await rejection(adapter.searchCandidates(ctx, { email: 'a@b.c' }))).code).toBe('NOT_FOUND');
      fake.http.inject({ path, fault: { kind: 'respond', response: { status: 503, body: '<html>Service Unavailable</html>' } } });
      expect((await rejection(adapter.searchCandidates(ctx, { email: 'a@b.c' }))).code).toBe('TEMPORARY');
    });

    it('absorbs 429s with and without Retry-After', async () => {
      const path = '/rest-services/corp1/search/Candidate';
      fake.http.inject({ path, fault: { kind: 'respond', response: { status: 429, headers: { 'Retry-After': '1' }, body: { errorMessage: 'Too many requests', errorCode: 429 } } } });
      fake.http.inject({ path, fault: { kind: 'respond', response: { status: 429, body: { errorMessage: 'Too many requests', errorCode: 429 } } } });
      const found = await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      expect(found).toHaveLength(1);
      expect(fake.restCalls('GET', 'search/Candidate')).toHaveLength(3);
    });

    it('hands a long wait back as RATE_LIMITED with the reset from ratelimit-reset', async () => {
      fake.http.inject({
        path: '/rest-services/corp1/search/Candidate',
        fault: { kind: 'respond', response: { status: 429, headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': '90' }, body: { errorMessage: 'Too many requests' } } },
      });
      const err = await rejection(adapter.searchCandidates(ctx, { email: 'jane@example.com' }));
      expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 90 });
    });
  });

  describe('testConnection', () => {
    it('reports what works', async () => {
      const checks = await adapter.testConnection(withSettings({ userId: 99 }));
      expect(checks.filter((c) => !c.ok)).toEqual([]);
      expect(checks.map((c) => c.check)).toEqual([
        'sign-in (OAuth and REST login)',
        'candidate search',
        'note lookup (query/Note)',
        'note action',
        'meeting owner lookup (query/CorporateUser)',
        'fallback author',
      ]);
      expect(fake.notes).toHaveLength(0);
    });

    it('reports a refused sign-in without throwing', async () => {
      const checks = await adapter.testConnection(withSettings({}, { password: 'wrong' }));
      expect(checks).toEqual([expect.objectContaining({ check: 'sign-in (OAuth and REST login)', ok: false, code: 'AUTH_FAILED' })]);
    });

    it('flags an action the tenant does not have and a disabled fallback author', async () => {
      const checks = await adapter.testConnection(withSettings({ noteAction: 'Coffee chat', userId: '77' }));
      const byName = Object.fromEntries(checks.map((c) => [c.check, c]));
      expect(byName['note action']).toMatchObject({ ok: false, code: 'CONFIGURATION' });
      expect(byName['fallback author']).toMatchObject({ ok: false, severity: 'required', code: 'CONFIGURATION' });
      expect(byName['candidate search'].ok).toBe(true);
    });
  });
});
