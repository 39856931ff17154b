import { AshbyAdapter } from '../../src/ats/adapters/ashby/ashby.adapter';
import type { AtsCandidate, AtsContext, CandidatePage, NoteDraft } from '../../src/ats/ats-adapter.port';
import { AtsError } from '../../src/ats/ats-error';
import { postNoteOnce } from '../../src/ats/kit/note-poster';
import type { AtsAdapter } from '../../src/ats/ats-adapter.port';
import { ALL_ASHBY_PERMISSIONS, AshbyFakeServer, FakeAshbyCandidate, FakeAshbyUser } from '../fakes/ashby-fake-server';

const MARKER = '[debrief-ref:evt_01HX]';

function draft(overrides: Partial<NoteDraft> = {}): NoteDraft {
  return {
    title: 'Interview with Jane Doe',
    text: `Interview with Jane Doe\nStrong on systems design.\nRecording: https://rec.example/m/1\n${MARKER}`,
    html:
      '<h2>Interview with Jane Doe</h2><p>Strong on <strong>systems design</strong>.</p>' +
      '<ul><li>Follow up on references</li></ul>' +
      '<p><a href="https://rec.example/m/1" onclick="steal()">Recording</a> <a href="javascript:alert(1)">bad</a></p>' +
      `<script>alert(1)</script><p style="color:red">${MARKER}</p>`,
    visibility: 'public',
    referenceMarker: MARKER,
    idempotencyKey: 'evt_01HX:conn-ashby',
    author: { name: 'Rita Recruiter', email: 'Rita.Recruiter@acme.test' },
    meetingStartedAt: new Date('2026-03-02T10:00:00Z'),
    ...overrides,
  };
}

function asCandidate(c: FakeAshbyCandidate): AtsCandidate {
  return { externalId: c.id, firstName: null, lastName: null, displayName: c.name, emails: c.emails, phones: c.phones, updatedAt: null };
}

async function rejection(promise: Promise<unknown>): Promise<AtsError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AtsError);
    return err as AtsError;
  }
  throw new Error('expected the call to fail');
}

describe('AshbyAdapter against a fake Ashby API', () => {
  let fake: AshbyFakeServer;
  let adapter: AshbyAdapter;
  /** Posting as the sync pipeline does: once, through the adapter kit. */
  const createNote = async (c: AtsContext, candidate: AtsCandidate, d: NoteDraft, previousAttemptUncertain = false) =>
    (await postNoteOnce(adapter, c, candidate, d, { previousAttemptUncertain })).note;
  const findNote = (c: AtsContext, candidate: AtsCandidate, d: NoteDraft) => (adapter as AtsAdapter).findNote(c, candidate, d, { since: null });
  let ctx: AtsContext;
  let owner: FakeAshbyUser;
  let fallback: FakeAshbyUser;
  let jane: FakeAshbyCandidate;

  const withSettings = (settings: Record<string, unknown>, credentials?: Record<string, unknown>): AtsContext => ({
    ...ctx,
    credentials: credentials ?? ctx.credentials,
    settings: { ...ctx.settings, ...settings },
  });

  beforeEach(async () => {
    fake = new AshbyFakeServer();
    await fake.start();
    const keyOwner = fake.addUser({ email: 'api-owner@acme.test', firstName: 'Api', lastName: 'Owner' });
    owner = fake.addUser({ email: 'rita.recruiter@acme.test', firstName: 'Rita', lastName: 'Recruiter' });
    fallback = fake.addUser({ email: 'debrief@acme.test', firstName: 'Debrief', lastName: 'Bot' });
    fake.addKey('key-full', ALL_ASHBY_PERMISSIONS, keyOwner.id);
    fake.addKey('key-read-only', ['candidatesRead'], keyOwner.id);
    fake.addKey('key-no-org', ['candidatesRead', 'candidatesWrite'], keyOwner.id);
    fake.addKey('key-no-private', ALL_ASHBY_PERMISSIONS, keyOwner.id, false);
    jane = fake.addCandidate({ name: 'Jane Doe', emails: ['jane@example.com', 'jane.doe@work.example'], phones: ['+1 415 555 0101'] });
    fake.addCandidate({ name: 'Jane Doe', emails: ['jd@other.example'] });
    fake.addCandidate({ name: 'John Smith', emails: ['john@example.com'] });
    adapter = new AshbyAdapter();
    ctx = {
      connectionId: 'conn-ashby',
      credentials: { apiKey: 'key-full' },
      settings: { baseUrl: fake.url, timeoutMs: 400, rateLimit: { limit: 1000, intervalMs: 1000 } },
    };
  });

  afterEach(() => fake.stop());

  describe('search', () => {
    it('authenticates with the key as Basic username and asks for API version 1', async () => {
      await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      const [call] = fake.calls('candidate.search');
      expect(call.headers.authorization).toBe(`Basic ${Buffer.from('key-full:').toString('base64')}`);
      expect(call.headers.accept).toBe('application/json; version=1');
      expect(call.body).toEqual({ email: 'jane@example.com' });
    });

    it('searches by email and by name separately and merges the results', async () => {
      const found = await adapter.searchCandidates(ctx, { name: 'Jane Doe', email: 'jane@example.com' });
      expect(found.map((c) => c.externalId).sort()).toEqual(
        fake.candidates.filter((c) => c.name === 'Jane Doe').map((c) => c.id).sort(),
      );
      const mapped = found.find((c) => c.externalId === jane.id)!;
      expect(mapped).toMatchObject({
        displayName: 'Jane Doe',
        emails: ['jane@example.com', 'jane.doe@work.example'],
        phones: ['+1 415 555 0101'],
      });
      expect(mapped.updatedAt).toBeInstanceOf(Date);
      expect(fake.calls('candidate.search').map((r) => r.body)).toEqual([{ email: 'jane@example.com' }, { name: 'Jane Doe' }]);
    });

    it('does not call Ashby for a phone-only query (no phone search)', async () => {
      await expect(adapter.searchCandidates(ctx, { phone: '+14155550101' })).resolves.toEqual([]);
      expect(fake.http.requests).toHaveLength(0);
    });
  });

  describe("Ashby's error shapes", () => {
    it('maps a wrong key (403 without a permission) to AUTH_FAILED and a missing key to CONFIGURATION', async () => {
      const wrong = await rejection(adapter.searchCandidates(withSettings({}, { apiKey: 'nope' }), { email: 'a@b.c' }));
      expect(wrong.code).toBe('AUTH_FAILED');
      expect(wrong.status).toBe(403);
      const missing = await rejection(adapter.searchCandidates(withSettings({}, {}), { email: 'a@b.c' }));
      expect(missing.code).toBe('CONFIGURATION');
    });

    it('maps a 403 missing_endpoint_permission to PERMISSION_DENIED', async () => {
      const err = await rejection(
        createNote(withSettings({ userId: fallback.id }, { apiKey: 'key-read-only' }), asCandidate(jane), draft()),
      );
      expect(err.code).toBe('PERMISSION_DENIED');
      expect(fake.notes).toHaveLength(0);
    });

    it('reads HTTP 200 + success:false with errorInfo as a coded failure', async () => {
      const ghost = { ...asCandidate(jane), externalId: '5b0c7f4e-0000-4000-8000-000000000000' };
      const err = await rejection(createNote(ctx, ghost, draft()));
      expect(err.code).toBe('NOT_FOUND');
      expect(err.message).toContain('candidate_not_found');
      expect(err.uncertain).toBe(false);
      // A definite refusal is not looked up again.
      expect(fake.calls('candidate.listNotes')).toHaveLength(0);
    });

    it('reads success:false with an errors array of strings and {message, parameter} objects', async () => {
      fake.http.inject({
        path: '/candidate.search',
        fault: {
          kind: 'respond',
          response: { status: 200, body: { success: false, errors: ['Bad request', { message: 'Invalid email', parameter: 'email' }] } },
        },
      });
      const err = await rejection(adapter.searchCandidates(ctx, { email: 'not-an-email' }));
      expect(err.code).toBe('INVALID_REQUEST');
      expect(err.message).toContain('Invalid email (email)');
    });

    it('maps an internal errorInfo code to TEMPORARY and a 5xx to TEMPORARY', async () => {
      fake.http.inject({
        path: '/candidate.search',
        fault: { kind: 'respond', response: { status: 200, body: { success: false, errorInfo: { code: 'internal_server_error', message: 'Try again' } } } },
      });
      expect((await rejection(adapter.searchCandidates(ctx, { email: 'x@y.z' }))).code).toBe('TEMPORARY');
      fake.http.inject({ path: '/candidate.search', fault: { kind: 'respond', response: { status: 503, body: 'upstream unavailable' } } });
      const err = await rejection(adapter.searchCandidates(ctx, { email: 'x@y.z' }));
      expect(err).toMatchObject({ code: 'TEMPORARY', status: 503 });
    });
  });

  describe('rate limiting', () => {
    it('absorbs a 429 with Retry-After and one without it', async () => {
      const tooMany = { success: false, errorInfo: { code: 'rate_limit_exceeded', message: 'Too many requests' } };
      fake.http.inject({ path: '/candidate.search', fault: { kind: 'respond', response: { status: 429, headers: { 'Retry-After': '1' }, body: tooMany } } });
      fake.http.inject({ path: '/candidate.search', fault: { kind: 'respond', response: { status: 429, body: tooMany } } });
      const found = await adapter.searchCandidates(ctx, { email: 'jane@example.com' });
      expect(found.map((c) => c.externalId)).toEqual([jane.id]);
      expect(fake.calls('candidate.search')).toHaveLength(3);
    });

    it('hands a long Retry-After back as RATE_LIMITED instead of waiting', async () => {
      fake.http.inject({
        path: '/candidate.search',
        times: 3,
        fault: { kind: 'respond', response: { status: 429, headers: { 'Retry-After': '120' }, body: { success: false } } },
      });
      const err = await rejection(adapter.searchCandidates(ctx, { email: 'jane@example.com' }));
      expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 120 });
      expect(fake.calls('candidate.search')).toHaveLength(1);
    });
  });

  describe('listing', () => {
    /**
     * One pass, as the directory refresh runs it: `syncState` is what was kept for the connection, handed in
     * on every page; the result's `syncState` is what the last page asks to keep (undefined: leave it).
     */
    async function listAll(
      c: AtsContext,
      updatedSince: Date | null,
      { pageSize = 2, syncState = null as string | null, on = adapter } = {},
    ) {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      let last: CandidatePage;
      const midPass: Array<string | null | undefined> = [];
      do {
        last = await on.listCandidates(c, { cursor, updatedSince, pageSize, syncState });
        ids.push(...last.candidates.map((x) => x.externalId));
        cursor = last.nextCursor;
        if (cursor) midPass.push(last.syncState);
        pages++;
      } while (cursor && pages < 50);
      // Only the last page of a pass speaks about the sync state.
      expect(midPass.every((v) => v === undefined)).toBe(true);
      return { ids, pages, syncState: last.syncState };
    }
    const sentTokens = (from = 0) =>
      fake.calls('candidate.list').slice(from).map((r) => (r.body as Record<string, unknown>).syncToken);
    const latestToken = () => `st_${Math.max(...fake.candidates.map((c) => c.changeSeq))}`;

    beforeEach(() => {
      for (const name of ['Ann Lee', 'Bo Chen']) fake.addCandidate({ name, updatedAt: '2020-01-01T00:00:00.000Z' });
    });

    it('follows cursor pages to the end', async () => {
      const { ids, pages } = await listAll(ctx, null);
      expect(ids.sort()).toEqual(fake.candidates.map((c) => c.id).sort());
      expect(pages).toBe(3);
      const bodies = fake.calls('candidate.list').map((r) => r.body as Record<string, unknown>);
      expect(bodies[0]).toEqual({ limit: 2 });
      expect(bodies[1].cursor).toEqual(expect.any(String));
      expect(bodies.every((b) => b.syncToken === undefined)).toBe(true);
    });

    it('hands back the sync token that ends a pass, with the time the pass began, as the state to keep', async () => {
      const before = Date.now();
      const { syncState } = await listAll(ctx, null);
      const kept = JSON.parse(syncState!) as { token: string; passStartedAt: string };
      expect(kept.token).toBe(latestToken());
      expect(Date.parse(kept.passStartedAt)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(kept.passStartedAt)).toBeLessThanOrEqual(Date.now());
    });

    it('runs the next pass incrementally on the kept sync token', async () => {
      const passStart = new Date();
      const full = await listAll(ctx, null);
      fake.touchCandidate(jane.id);
      const next = await listAll(ctx, passStart, { syncState: full.syncState });
      expect(next.ids).toEqual([jane.id]);
      expect(sentTokens(full.pages)).toEqual([JSON.parse(full.syncState!).token]);
      // That pass ends with a newer token, which the next one runs on.
      expect(JSON.parse(next.syncState!).token).toBe(latestToken());
      expect(next.syncState).not.toBe(full.syncState);
    });

    it('continues from the kept state on another adapter instance, as after a restart or on another server', async () => {
      const passStart = new Date();
      const full = await listAll(ctx, null);
      fake.touchCandidate(jane.id);
      const restarted = new AshbyAdapter();
      const { ids } = await listAll(ctx, passStart, { syncState: full.syncState, on: restarted });
      expect(ids).toEqual([jane.id]);
      expect(sentTokens(full.pages)).toEqual([JSON.parse(full.syncState!).token]);
    });

    it('keeps no token in the adapter itself: without the kept state the same instance reads everything', async () => {
      const passStart = new Date();
      const full = await listAll(ctx, null);
      fake.touchCandidate(jane.id);
      const { ids } = await listAll(ctx, passStart);
      expect(ids).toContain(jane.id);
      expect(sentTokens(full.pages).every((t) => t === undefined)).toBe(true);
    });

    it('does not run on the kept token for a full listing or for changes since before its pass (less the slack)', async () => {
      const full = await listAll(ctx, null);
      const passStartedAt = Date.parse(JSON.parse(full.syncState!).passStartedAt);
      await listAll(ctx, null, { syncState: full.syncState });
      await listAll(ctx, new Date(passStartedAt - 16 * 60_000), { syncState: full.syncState });
      expect(sentTokens(full.pages).every((t) => t === undefined)).toBe(true);
      // Within the slack, the token serves.
      const before = fake.calls('candidate.list').length;
      await listAll(ctx, new Date(passStartedAt - 14 * 60_000), { syncState: full.syncState });
      expect(sentTokens(before)).toEqual([JSON.parse(full.syncState!).token]);
    });

    it('falls back to a full pass filtered on updatedAt when Ashby says the sync token expired, and keeps only its fresh token', async () => {
      const passStart = new Date();
      const full = await listAll(ctx, null);
      const token = JSON.parse(full.syncState!).token as string;
      fake.expireSyncToken(token);
      const old = fake.candidates.find((c) => c.name === 'Ann Lee')!;
      fake.touchCandidate(old.id);
      const next = await listAll(ctx, passStart, { syncState: full.syncState });
      // Every candidate but the two seeded in 2020 counts as recently updated; Ann was just touched.
      expect(next.ids).toContain(old.id);
      expect(next.ids).not.toContain(fake.candidates.find((c) => c.name === 'Bo Chen')!.id);
      const tokens = sentTokens(full.pages);
      expect(tokens[0]).toBe(token);
      expect(tokens.slice(1).every((t) => t === undefined)).toBe(true);
      // The refused token is never handed back; the fallback pass's own token replaces it.
      expect(JSON.parse(next.syncState!).token).toBe(latestToken());
      expect(JSON.parse(next.syncState!).token).not.toBe(token);
    });

    it('drops the kept token on incremental_sync_too_large, and forgets it when the full pass brings no new one', async () => {
      const passStart = new Date();
      const full = await listAll(ctx, null);
      fake.touchCandidate(jane.id);
      const tooLarge = { success: false, errorInfo: { code: 'incremental_sync_too_large', message: 'Too many changes; run a full sync' } };
      fake.http.inject({ path: '/candidate.list', fault: { kind: 'respond', response: { status: 200, body: tooLarge } } });
      // The fallback pass runs over three pages; its last one comes without a sync token.
      fake.http.inject({
        path: '/candidate.list',
        after: 2,
        fault: { kind: 'respond', response: { status: 200, body: { success: true, results: [], moreDataAvailable: false } } },
      });
      const next = await listAll(ctx, passStart, { syncState: full.syncState });
      expect(next.pages).toBe(3);
      const tokens = sentTokens(full.pages);
      expect(tokens).toHaveLength(4);
      expect(tokens[0]).toBe(JSON.parse(full.syncState!).token);
      expect(tokens.slice(1).every((t) => t === undefined)).toBe(true);
      expect(next.syncState).toBeNull();
    });

    it('leaves the kept state alone when a pass that ran into no refusal ends without a token', async () => {
      fake.http.inject({
        path: '/candidate.list',
        fault: { kind: 'respond', response: { status: 200, body: { success: true, results: [], moreDataAvailable: false } } },
      });
      const page = await adapter.listCandidates(ctx, { cursor: null, updatedSince: null, syncState: null });
      expect(page).toEqual({ candidates: [], nextCursor: null });
      expect('syncState' in page).toBe(false);
    });

    it('filters a full pass itself when no sync token is known yet', async () => {
      const { ids } = await listAll(ctx, new Date('2025-01-01T00:00:00Z'));
      expect(ids.sort()).toEqual(fake.candidates.filter((c) => c.updatedAt >= '2025').map((c) => c.id).sort());
      expect(fake.calls('candidate.list').every((r) => (r.body as Record<string, unknown>).syncToken === undefined)).toBe(true);
    });
  });

  describe('notes', () => {
    it("posts HTML reduced to Ashby's tags, private, as the meeting owner, without notifications", async () => {
      const created = await createNote(ctx, asCandidate(jane), draft({ visibility: 'private' }));
      const [call] = fake.calls('candidate.createNote');
      expect(call.headers['x-on-behalf-of']).toBe(owner.id);
      const body = call.body as { note: { type: string; value: string }; isPrivate: boolean; sendNotifications: boolean };
      expect(body).toMatchObject({ candidateId: jane.id, isPrivate: true, sendNotifications: false, note: { type: 'text/html' } });
      expect(body.note.value).toContain('<b>Interview with Jane Doe</b>');
      expect(body.note.value).toContain('<b>systems design</b>');
      expect(body.note.value).toContain('<ul><li>Follow up on references</li></ul>');
      expect(body.note.value).toContain('<a href="https://rec.example/m/1">Recording</a>');
      expect(body.note.value).toContain(MARKER);
      expect(body.note.value).not.toMatch(/<(p|h2|script|strong)\b|onclick|javascript:|style=/);
      const [stored] = fake.notesOf(jane.id);
      expect(stored).toMatchObject({ isPrivate: true, authorId: owner.id, sendNotifications: false });
      expect(created).toEqual({ externalNoteId: stored.id, visibility: 'private', authorId: owner.id, sent: call.body });
    });

    it('builds the note from the text when there is no HTML and posts it public', async () => {
      const created = await createNote(ctx, asCandidate(jane), draft({ html: '' }));
      const [stored] = fake.notesOf(jane.id);
      expect(stored.isPrivate).toBe(false);
      expect(stored.content).toContain('<a href="https://rec.example/m/1">https://rec.example/m/1</a>');
      expect(stored.content).toContain(MARKER);
      expect(created.visibility).toBe('public');
    });

    it('falls back to settings.userId when the owner is not an Ashby user', async () => {
      const c = withSettings({ userId: fallback.id });
      const created = await createNote(c, asCandidate(jane), draft({ author: { name: 'Guest', email: 'guest@elsewhere.test' } }));
      expect(fake.calls('candidate.createNote')[0].headers['x-on-behalf-of']).toBe(fallback.id);
      expect(created.authorId).toBe(fallback.id);
    });

    it('falls back to settings.userId when the key may not read users', async () => {
      const c = withSettings({ userId: fallback.id }, { apiKey: 'key-no-org' });
      await createNote(c, asCandidate(jane), draft());
      expect(fake.notesOf(jane.id)[0].authorId).toBe(fallback.id);
    });

    it('refuses with CONFIGURATION when neither the owner nor settings.userId can author', async () => {
      const err = await rejection(createNote(ctx, asCandidate(jane), draft({ author: { name: null, email: null } })));
      expect(err.code).toBe('CONFIGURATION');
      expect(fake.calls('candidate.createNote')).toHaveLength(0);
    });

    it('finds a note by its reference marker across listNotes pages', async () => {
      await createNote(ctx, asCandidate(jane), draft());
      for (const marker of ['[debrief-ref:a]', '[debrief-ref:b]', '[debrief-ref:c]']) {
        await createNote(ctx, asCandidate(jane), draft({ referenceMarker: marker, html: `<p>${marker}</p>` }));
      }
      const found = await findNote(ctx, asCandidate(jane), draft());
      const stored = fake.notesOf(jane.id).find((n) => n.content.includes(MARKER))!;
      expect(found).toEqual({ externalNoteId: stored.id, visibility: 'public', authorId: owner.id });
      expect(fake.calls('candidate.listNotes').length).toBeGreaterThan(1);
      await expect(findNote(ctx, asCandidate(jane), draft({ referenceMarker: '[debrief-ref:zzz]' }))).resolves.toBeNull();
    });
  });

  describe('meeting owner by name', () => {
    const byName = (name: string, email: string | null = null, n = 1) =>
      draft({ author: { name, email }, referenceMarker: `[debrief-ref:n${n}]`, idempotencyKey: `evt_n${n}:conn-ashby` });
    const actingAs = () => fake.calls('candidate.createNote').map((r) => r.headers['x-on-behalf-of']);
    const fallbackCtx = () => withSettings({ userId: fallback.id });

    it('finds the owner by exact name when the webhook gives no e-mail', async () => {
      const created = await createNote(fallbackCtx(), asCandidate(jane), byName('  rita   RECRUITER '));
      expect(actingAs()).toEqual([owner.id]);
      expect(created.authorId).toBe(owner.id);
      expect(fake.calls('user.search')).toHaveLength(0);
      expect(fake.calls('user.list').map((r) => r.body)).toEqual([{ limit: 100 }]);
    });

    it('tries the e-mail first, then the name when Ashby does not know the e-mail', async () => {
      await createNote(fallbackCtx(), asCandidate(jane), byName('Rita Recruiter', 'rita@personal.example'));
      expect(actingAs()).toEqual([owner.id]);
      expect(fake.calls('user.search').map((r) => r.body)).toEqual([{ email: 'rita@personal.example' }]);
      expect(fake.calls('user.list')).toHaveLength(1);
    });

    it('does not list users when the e-mail finds the owner', async () => {
      await createNote(fallbackCtx(), asCandidate(jane), byName('Someone Else', 'rita.recruiter@acme.test'));
      expect(actingAs()).toEqual([owner.id]);
      expect(fake.calls('user.list')).toHaveLength(0);
    });

    it('follows user.list cursors to find the owner on a later page', async () => {
      fake.usersPageSize = 1;
      await createNote(fallbackCtx(), asCandidate(jane), byName('Debrief Bot'));
      expect(actingAs()).toEqual([fallback.id]);
      const cursors = fake.calls('user.list').map((r) => (r.body as Record<string, unknown>).cursor);
      expect(cursors).toEqual([undefined, 'users_1', 'users_2']);
    });

    it('writes as the fallback author when two enabled users share the name, never guessing', async () => {
      fake.addUser({ email: 'rita.r@acme.test', firstName: 'Rita', lastName: 'Recruiter' });
      const created = await createNote(fallbackCtx(), asCandidate(jane), byName('Rita Recruiter'));
      expect(actingAs()).toEqual([fallback.id]);
      expect(created.authorId).toBe(fallback.id);
    });

    it('ignores a disabled user of that name, even when Ashby lists deactivated users', async () => {
      const retired = { id: 'user-retired', firstName: 'Rita', lastName: 'Recruiter', email: 'old@acme.test', isEnabled: false };
      fake.http.inject({
        path: '/user.list',
        fault: { kind: 'respond', response: { status: 200, body: { success: true, results: [retired, owner], moreDataAvailable: false } } },
      });
      await createNote(fallbackCtx(), asCandidate(jane), byName('Rita Recruiter'));
      expect(actingAs()).toEqual([owner.id]);

      fake.addUser({ email: 'sam@acme.test', firstName: 'Sam', lastName: 'Gone', isEnabled: false });
      await createNote(fallbackCtx(), asCandidate(jane), byName('Sam Gone', null, 2));
      expect(actingAs()).toEqual([owner.id, fallback.id]);
    });

    it('lists the users once for many notes by the same owner, and once for an unknown one', async () => {
      await Promise.all([1, 2, 3].map((n) => createNote(fallbackCtx(), asCandidate(jane), byName('Rita Recruiter', null, n))));
      await createNote(fallbackCtx(), asCandidate(jane), byName('rita recruiter', null, 4));
      expect(actingAs()).toEqual(Array(4).fill(owner.id));
      expect(fake.calls('user.list')).toHaveLength(1);

      for (const n of [5, 6]) await createNote(fallbackCtx(), asCandidate(jane), byName('Pat Outsider', null, n));
      expect(actingAs().slice(4)).toEqual([fallback.id, fallback.id]);
      expect(fake.calls('user.list')).toHaveLength(2);
    });

    it('reads at most five pages of users, then leaves the note to the fallback author', async () => {
      fake.usersPageSize = 2;
      for (let i = 0; i < 8; i++) fake.addUser({ email: `filler${i}@acme.test`, firstName: 'Filler', lastName: `No${i}` });
      fake.addUser({ email: 'late@acme.test', firstName: 'Lou', lastName: 'Late' });
      await createNote(fallbackCtx(), asCandidate(jane), byName('Lou Late'));
      expect(actingAs()).toEqual([fallback.id]);
      expect(fake.calls('user.list')).toHaveLength(5);
    });

    it('falls back without an error when the key may not list users', async () => {
      const c = withSettings({ userId: fallback.id }, { apiKey: 'key-no-org' });
      await createNote(c, asCandidate(jane), byName('Rita Recruiter'));
      expect(fake.notesOf(jane.id)[0].authorId).toBe(fallback.id);
    });
  });

  describe('uncertain outcomes', () => {
    it('returns the stored note when the answer times out after Ashby stored it, without posting twice', async () => {
      fake.http.inject({ path: '/candidate.createNote', fault: { kind: 'hang' }, afterHandling: true });
      const created = await createNote(ctx, asCandidate(jane), draft());
      const notes = fake.notesOf(jane.id);
      expect(notes).toHaveLength(1);
      expect(created.externalNoteId).toBe(notes[0].id);
      expect(fake.calls('candidate.createNote')).toHaveLength(1);
    });

    it('returns the stored note when the connection drops after Ashby stored it', async () => {
      fake.http.inject({ path: '/candidate.createNote', fault: { kind: 'drop' }, afterHandling: true });
      const created = await createNote(ctx, asCandidate(jane), draft());
      expect(fake.notesOf(jane.id).map((n) => n.id)).toEqual([created.externalNoteId]);
    });

    it('finds a private note the key itself may not see by reading as its author', async () => {
      const c = withSettings({}, { apiKey: 'key-no-private' });
      fake.http.inject({ path: '/candidate.createNote', fault: { kind: 'hang' }, afterHandling: true });
      const created = await createNote(c, asCandidate(jane), draft({ visibility: 'private' }));
      expect(fake.notesOf(jane.id).map((n) => n.id)).toEqual([created.externalNoteId]);
      expect(created.visibility).toBe('private');
      expect(fake.calls('candidate.listNotes')[0].headers['x-on-behalf-of']).toBe(owner.id);
      await expect(findNote(c, asCandidate(jane), draft())).resolves.toMatchObject({ externalNoteId: created.externalNoteId });
    });

    it('rethrows the uncertain error when the note is not there', async () => {
      fake.http.inject({ path: '/candidate.createNote', fault: { kind: 'drop' } });
      const err = await rejection(createNote(ctx, asCandidate(jane), draft()));
      expect(err).toMatchObject({ code: 'TEMPORARY', uncertain: true });
      expect(fake.notesOf(jane.id)).toHaveLength(0);
      expect(fake.calls('candidate.listNotes').map((r) => r.headers['x-on-behalf-of'])).toEqual([owner.id, undefined]);
    });
  });

  describe('testConnection', () => {
    // The check looks at the first candidate candidate.list answers (the fake sorts by id).
    const privateNoteOnListedCandidate = () =>
      fake.notes.push({
        id: 'note-private-seed',
        candidateId: [...fake.candidates].sort((a, b) => a.id.localeCompare(b.id))[0]!.id,
        createdAt: new Date().toISOString(),
        isPrivate: true,
        content: 'seeded private note',
        contentType: 'text/plain',
        authorId: 'seed-author',
        sendNotifications: false,
      });

    it('reports every check as working for a fully permitted key', async () => {
      privateNoteOnListedCandidate();
      const checks = await adapter.testConnection(withSettings({ userId: fallback.id }));
      expect(checks.filter((c) => !c.ok)).toEqual([]);
      expect(checks.map((c) => c.check)).toEqual([
        'api key and candidate search',
        'candidate listing',
        'note reading (candidate.listNotes)',
        'note writing (candidate.createNote)',
        'meeting owner lookup (user.search)',
        'private notes (non-offer private fields)',
        'fallback author',
      ]);
      expect(fake.notes).toHaveLength(1);
    });

    it('warns, without failing, when the key may not read private fields', async () => {
      privateNoteOnListedCandidate();
      const checks = await adapter.testConnection(withSettings({ userId: fallback.id }, { apiKey: 'key-no-private' }));
      expect(checks.filter((c) => !c.ok)).toEqual([
        expect.objectContaining({ check: 'private notes (non-offer private fields)', severity: 'advisory', code: 'PERMISSION_DENIED' }),
      ]);
      expect(checks.find((c) => !c.ok)?.detail).toContain('Allow access to non-offer private fields');
    });

    it('says which permissions are missing', async () => {
      const checks = await adapter.testConnection(withSettings({}, { apiKey: 'key-read-only' }));
      const byName = Object.fromEntries(checks.map((c) => [c.check, c]));
      expect(byName['api key and candidate search'].ok).toBe(true);
      expect(byName['note writing (candidate.createNote)']).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      expect(byName['meeting owner lookup (user.search)']).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
    });

    it('answers a refused key without throwing', async () => {
      const checks = await adapter.testConnection(withSettings({}, { apiKey: 'revoked' }));
      expect(checks).toEqual([expect.objectContaining({ check: 'api key and candidate search', ok: false, code: 'AUTH_FAILED' })]);
    });

    it('flags a fallback author that does not exist', async () => {
      const checks = await adapter.testConnection(withSettings({ userId: 'no-such-user' }));
      expect(checks.find((c) => c.check === 'fallback author')).toMatchObject({ ok: false, severity: 'required', code: 'CONFIGURATION' });
    });
  });
});
