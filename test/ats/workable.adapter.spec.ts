import { randomUUID } from 'node:crypto';
import type { AtsCandidate, AtsContext, NoteDraft } from '../../src/ats/ats-adapter.port';
import { AtsError } from '../../src/ats/ats-error';
import { postNoteOnce } from '../../src/ats/kit/note-poster';
import type { AtsAdapter } from '../../src/ats/ats-adapter.port';
import { WorkableAdapter, workableBaseUrl } from '../../src/ats/adapters/workable/workable.adapter';
import { cursorFromPaging } from '../../src/ats/adapters/workable/workable.mapper';
import { WkCandidate, WorkableFakeServer } from '../fakes/workable-fake-server';


function record(id: string, first: string, last: string, email: string, job: string, updatedAt: string): WkCandidate {
  return {
    id,
    name: `${first} ${last}`,
    firstname: first,
    lastname: last,
    email,
    phone: '+44 20 7946 0000',
    job: { shortcode: job, title: `Job ${job}` },
    stage: 'Interview',
    created_at: '2026-06-01T00:00:00Z',
    updated_at: updatedAt,
  };
}

function draft(overrides: Partial<NoteDraft> = {}): NoteDraft {
  const marker = `[debrief:${randomUUID()}]`;
  return {
    title: 'Interview with Jane Doe',
    text: `Notes\n- strong on systems design\nRecording: https://rec.example/1\n${marker}`,
    html: `<p>Notes</p><p>${marker}</p>`,
    visibility: 'public',
    referenceMarker: marker,
    idempotencyKey: randomUUID(),
    author: { name: 'Olivia Owner', email: 'olivia@acme.test' },
    meetingStartedAt: new Date('2026-09-01T10:00:00Z'),
    ...overrides,
  };
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

describe('WorkableAdapter against a Workable SPI v3 fake', () => {
  let fake: WorkableFakeServer;
  let adapter: WorkableAdapter;
  /** Posting as the sync pipeline does: once, through the adapter kit. */
  const createNote = async (c: AtsContext, candidate: AtsCandidate, d: NoteDraft, previousAttemptUncertain = false) =>
    (await postNoteOnce(adapter, c, candidate, d, { previousAttemptUncertain })).note;
  const findNote = (c: AtsContext, candidate: AtsCandidate, d: NoteDraft) => (adapter as AtsAdapter).findNote(c, candidate, d, { since: null });
  const jane: AtsCandidate = {
    externalId: 'c-jane-b',
    firstName: 'Jane',
    lastName: 'Doe',
    displayName: 'Jane Doe',
    emails: ['jane@example.com'],
    phones: [],
    updatedAt: null,
  };

  function ctx(settings: Record<string, unknown> = {}, credentials?: Record<string, unknown>): AtsContext {
    return {
      connectionId: randomUUID(),
      credentials: credentials ?? { token: fake.token },
      settings: {
        subdomain: 'acme',
        baseUrl: fake.baseUrl,
        userId: 'm-service',
        timeoutMs: 2000,
        rateLimit: { limit: 100, intervalMs: 1000 },
        ...settings,
      },
    };
  }

  beforeEach(async () => {
    fake = new WorkableFakeServer();
    fake.members.push(
      { id: 'm-service', name: 'Sam Service', email: 'sam@acme.test', role: 'admin', active: true },
      { id: 'm-owner', name: 'Olivia Owner', email: 'olivia@acme.test', role: 'recruiter', active: true },
      { id: 'm-gone', name: 'Dan Gone', email: 'dan@acme.test', role: 'recruiter', active: false },
    );
    fake.candidates.push(
      record('c-jane-a', 'Jane', 'Doe', 'jane@example.com', 'ENG01', '2026-08-01T00:00:00Z'),
      record('c-jane-b', 'Jane', 'Doe', 'Jane@Example.com', 'ENG02', '2026-09-02T00:00:00Z'),
      record('c-john', 'John', 'Roe', 'john@example.com', 'ENG01', '2026-07-01T00:00:00Z'),
      record('c-ann', 'Ann', 'Lee', 'ann@example.com', 'OPS01', '2026-09-03T00:00:00Z'),
      record('c-bo', 'Bo', 'Chan', 'bo@example.com', 'OPS01', '2026-09-04T00:00:00Z'),
    );
    await fake.start();
    adapter = new WorkableAdapter();
  });

  afterEach(async () => {
    await fake.stop();
  });

  describe('auth and configuration', () => {
    it('sends the token as a bearer token', async () => {
      await adapter.searchCandidates(ctx(), { email: 'jane@example.com' });
      expect(fake.http.received('GET', '/spi/v3/candidates')[0].headers.authorization).toBe(`Bearer ${fake.token}`);
    });

    it('maps a refused token to AUTH_FAILED with Workable’s message', async () => {
      const err = await rejection(adapter.searchCandidates(ctx({}, { token: 'wrong' }), { email: 'jane@example.com' }));
      expect(err.code).toBe('AUTH_FAILED');
      expect(err.message).toContain('Not authorized');
    });

    it('builds the API URL from the subdomain, and refuses a subdomain that is not a host label', () => {
      const base = { connectionId: 'c', credentials: { token: 't' } };
      expect(workableBaseUrl({ ...base, settings: { subdomain: 'Acme' } })).toBe('https://acme.workable.com/spi/v3');
      expect(() => workableBaseUrl({ ...base, settings: { subdomain: 'evil.example/x' } })).toThrow(
        expect.objectContaining({ code: 'CONFIGURATION' }),
      );
      expect(() => workableBaseUrl({ ...base, settings: {} })).toThrow(expect.objectContaining({ code: 'CONFIGURATION' }));
    });
  });

  describe('candidates', () => {
    it('searches by e-mail and merges the per-job records of one person into the latest one', async () => {
      const found = await adapter.searchCandidates(ctx(), { email: 'jane@example.com' });
      expect(found).toEqual([
        {
          externalId: 'c-jane-b',
          firstName: 'Jane',
          lastName: 'Doe',
          displayName: 'Jane Doe',
          emails: ['jane@example.com', 'Jane@Example.com'],
          phones: ['+44 20 7946 0000'],
          updatedAt: new Date('2026-09-02T00:00:00Z'),
          meta: { jobShortcode: 'ENG02', recordIds: ['c-jane-a', 'c-jane-b'] },
        },
      ]);
    });

    it('lists incrementally by following paging.next on the configured base', async () => {
      const c = ctx();
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await adapter.listCandidates(c, { cursor, updatedSince: new Date('2026-08-15T00:00:00Z'), pageSize: 2 });
        ids.push(...page.candidates.map((x) => x.externalId));
        cursor = page.nextCursor;
      } while (cursor);

      expect(ids.sort()).toEqual(['c-ann', 'c-bo', 'c-jane-b']);
      const calls = fake.http.received('GET', '/spi/v3/candidates');
      expect(calls).toHaveLength(2);
      expect(calls.map((r) => r.query.get('updated_after'))).toEqual(['2026-08-15T00:00:00.000Z', '2026-08-15T00:00:00.000Z']);
      expect(calls[1].query.get('since_id')).toBe('c-ann');
    });

    it('keeps the incremental filter when a next link drops it', () => {
      const cursor = cursorFromPaging({ next: 'https://acme.workable.com/spi/v3/candidates?limit=2&since_id=x' }, '2026-01-01T00:00:00.000Z');
      expect(new URLSearchParams(cursor!).get('updated_after')).toBe('2026-01-01T00:00:00.000Z');
      expect(cursorFromPaging({}, null)).toBeNull();
    });
  });

  describe('comments', () => {
    it('posts an admin-only comment as the meeting owner', async () => {
      const d = draft({ visibility: 'private' });
      const created = await createNote(ctx(), jane, d);

      expect(fake.comments).toHaveLength(1);
      const comment = fake.comments[0];
      expect(comment).toMatchObject({ candidateId: 'c-jane-b', member_id: 'm-owner', policy: ['admin'] });
      expect(comment.body.startsWith('Interview with Jane Doe\n\n')).toBe(true);
      expect(comment.body).toContain(d.referenceMarker);
      expect(created).toMatchObject({ externalNoteId: d.referenceMarker, visibility: '["admin"]', authorId: 'm-owner' });
    });

    it('sends no policy for a public meeting', async () => {
      const created = await createNote(ctx(), jane, draft());
      expect(fake.comments[0].policy).toBeNull();
      expect(created.visibility).toBe('public');
      expect((fake.http.received('POST', /\/comments$/)[0].body as { comment: object }).comment).not.toHaveProperty('policy');
    });

    it('looks an owner up once for a run of their meetings, tight as the rate limit is', async () => {
      const c = ctx();
      await createNote(c, jane, draft());
      await createNote(c, jane, draft());
      await createNote(c, jane, draft({ author: { name: null, email: 'ext@else.test' } }));
      await createNote(c, jane, draft({ author: { name: null, email: 'ext@else.test' } }));
      expect(fake.comments.map((x) => x.member_id)).toEqual(['m-owner', 'm-owner', 'm-service', 'm-service']);
      expect(fake.http.received('GET', '/spi/v3/members')).toHaveLength(2);
    });

    it('resolves the owner by exact name when the e-mail is unknown', async () => {
      await createNote(ctx(), jane, draft({ author: { name: 'Olivia Owner', email: 'o@personal.test' } }));
      expect(fake.comments[0].member_id).toBe('m-owner');
    });

    it('falls back to settings.userId for an owner who is not an active member', async () => {
      await createNote(ctx(), jane, draft({ author: { name: null, email: 'dan@acme.test' } }));
      expect(fake.comments[0].member_id).toBe('m-service');
    });

    it('says on the note when a token without r_jobs made it fall back to settings.userId', async () => {
      fake.scopes.delete('r_jobs');
      const note = await createNote(ctx(), jane, draft({ author: { name: 'Olivia Owner', email: 'olivia@acme.test' } }));
      expect(fake.comments[0].member_id).toBe('m-service');
      expect(note.remarks).toEqual([expect.stringContaining('settings.userId')]);
      expect(note.remarks![0]).toContain('r_jobs');
    });

    it('says nothing when the owner is simply not a member', async () => {
      const note = await createNote(ctx(), jane, draft({ author: { name: null, email: 'dan@acme.test' } }));
      expect(note.remarks).toBeUndefined();
    });

    it('fails with CONFIGURATION when neither the owner nor settings.userId resolves', async () => {
      const err = await rejection(
        createNote(ctx({ userId: undefined }), jane, draft({ author: { name: 'Ext', email: 'ext@else.test' } })),
      );
      expect(err.code).toBe('CONFIGURATION');
      expect(fake.comments).toHaveLength(0);
    });

    it('finds a comment by its marker on any record of the person', async () => {
      const d = draft();
      const [person] = await adapter.searchCandidates(ctx(), { email: 'jane@example.com' });
      expect(await findNote(ctx(), person, d)).toBeNull();
      fake.comments.push({
        id: 'x1',
        candidateId: 'c-jane-a',
        member_id: 'm-owner',
        body: `recap ${d.referenceMarker}`,
        policy: null,
        created_at: '2026-09-01T00:00:00Z',
      });
      expect(await findNote(ctx(), person, d)).toEqual({
        externalNoteId: d.referenceMarker,
        visibility: 'public',
        authorId: 'm-owner',
      });
    });
  });

  describe('errors', () => {
    it('maps the validation_errors shape to INVALID_REQUEST', async () => {
      const err = await rejection(
        createNote(ctx({ userId: 'm-unknown' }), jane, draft({ author: { name: null, email: 'ext@else.test' } })),
      );
      expect(err.code).toBe('INVALID_REQUEST');
      expect(err.message).toContain('Validation Failed; member_id: is invalid');
    });

    it('maps an unknown candidate to NOT_FOUND', async () => {
      const err = await rejection(createNote(ctx(), { ...jane, externalId: 'c-nobody' }, draft()));
      expect(err.code).toBe('NOT_FOUND');
    });

    it('maps a missing scope to PERMISSION_DENIED', async () => {
      fake.scopes.delete('w_candidates');
      const err = await rejection(createNote(ctx(), jane, draft()));
      expect(err.code).toBe('PERMISSION_DENIED');
    });

    it('maps a 500 to TEMPORARY', async () => {
      fake.http.inject({ path: '/spi/v3/candidates', fault: { kind: 'respond', response: { status: 500, body: 'Internal Server Error' } } });
      const err = await rejection(adapter.searchCandidates(ctx(), { email: 'jane@example.com' }));
      expect(err.code).toBe('TEMPORARY');
    });
  });

  describe('rate limits', () => {
    it('waits for the window to reset when X-Rate-Limit-Remaining reaches 0, so Workable never has to refuse', async () => {
      fake.window = { limit: 3, ms: 1000 };
      const c = ctx();
      for (let i = 0; i < 5; i++) {
        expect(await adapter.searchCandidates(c, { email: 'john@example.com' })).toHaveLength(1);
      }
      expect(fake.rateLimited).toBe(0);
    });

    it('absorbs Workable’s own 429, which carries the reset and no Retry-After', async () => {
      fake.window = { limit: 1, ms: 1000 };
      const c = ctx();
      // Another process of the same account used the window up: this one learns it from the 429 itself.
      const other = ctx({}, { token: fake.token });
      await adapter.searchCandidates(other, { email: 'john@example.com' });
      expect(await adapter.searchCandidates(c, { email: 'john@example.com' })).toHaveLength(1);
      expect(fake.rateLimited).toBe(1);
    });

    it('absorbs a 429 with Retry-After and posts one comment', async () => {
      fake.http.inject({
        method: 'POST',
        path: /\/comments$/,
        fault: { kind: 'respond', response: { status: 429, headers: { 'Retry-After': '1' }, body: { error: 'Rate limit exceeded' } } },
      });
      await createNote(ctx(), jane, draft());
      expect(fake.comments).toHaveLength(1);
      expect(fake.http.received('POST', /\/comments$/)).toHaveLength(2);
    });
  });

  describe('uncertain outcomes', () => {
    it('finds the comment stored before a timeout instead of posting it again', async () => {
      fake.http.inject({ method: 'POST', path: /\/comments$/, fault: { kind: 'hang' }, afterHandling: true });
      const d = draft({ visibility: 'private' });
      const created = await createNote(ctx({ timeoutMs: 300 }), jane, d);
      expect(fake.comments).toHaveLength(1);
      expect(created).toMatchObject({ externalNoteId: d.referenceMarker, visibility: '["admin"]', authorId: 'm-owner' });
      expect(fake.http.received('POST', /\/comments$/)).toHaveLength(1);
    });

    it('finds the comment stored before the connection dropped', async () => {
      fake.http.inject({ method: 'POST', path: /\/comments$/, fault: { kind: 'drop' }, afterHandling: true });
      await createNote(ctx(), jane, draft());
      expect(fake.comments).toHaveLength(1);
    });

    it('rethrows the uncertain error when the comment is not there', async () => {
      fake.http.inject({ method: 'POST', path: /\/comments$/, fault: { kind: 'drop' } });
      const err = await rejection(createNote(ctx(), jane, draft()));
      expect(err).toMatchObject({ code: 'TEMPORARY', uncertain: true });
      expect(fake.comments).toHaveLength(0);
      expect(fake.http.received('GET', '/spi/v3/candidates/c-jane-b/activities')).toHaveLength(1);
    });

    it('finds a comment stored before a 502 on a busy candidate, reading comments updated since the post only', async () => {
      // Five hundred older activities and three hundred older comments: at the default 50 a page, the fresh
      // comment would lie far past the pages a look-up reads.
      const long = Date.now() - 3 * 86_400_000;
      for (let i = 0; i < 500; i++) {
        fake.otherActivities.push({ id: `ev-${i}`, candidateId: 'c-jane-b', action: 'moved', created_at: new Date(long + i * 1000).toISOString() });
      }
      for (let i = 0; i < 300; i++) {
        fake.comments.push({ id: `old-${i}`, candidateId: 'c-jane-b', member_id: 'm-owner', body: `older comment ${i}`, policy: null, created_at: new Date(long + i * 2000).toISOString() });
      }
      fake.http.inject({
        method: 'POST',
        path: /\/comments$/,
        fault: { kind: 'respond', response: { status: 502, body: 'Bad Gateway' } },
        afterHandling: true,
      });
      const d = draft();
      const created = await createNote(ctx(), jane, d);

      expect(fake.comments.filter((c) => c.body.includes(d.referenceMarker))).toHaveLength(1);
      expect(created).toMatchObject({ externalNoteId: d.referenceMarker, authorId: 'm-owner' });
      expect(fake.http.received('POST', /\/comments$/)).toHaveLength(1);
      const [lookup] = fake.http.received('GET', '/spi/v3/candidates/c-jane-b/activities');
      expect(lookup.query.get('actions')).toBe('comment');
      expect(lookup.query.get('limit')).toBe('100');
      const since = Date.parse(lookup.query.get('updated_after') ?? '');
      expect(since).toBeGreaterThan(long + 600_000);
      expect(since).toBeLessThanOrEqual(Date.now());
    });
  });

  describe('testConnection', () => {
    it('reports every permission Debrief needs', async () => {
      const checks = await adapter.testConnection(ctx());
      expect(checks.map((c) => [c.check, c.ok])).toEqual([
        ['credentials', true],
        ['candidates:read', true],
        ['members:read', true],
        ['activities:read', true],
        ['fallback author', true],
      ]);
    });

    it('says what is missing without throwing', async () => {
      fake.scopes.delete('r_candidates');
      const checks = await adapter.testConnection(ctx({ userId: 'm-gone' }));
      const byName = Object.fromEntries(checks.map((c) => [c.check, c]));
      expect(byName.credentials.ok).toBe(true);
      expect(byName['candidates:read']).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      expect(byName['fallback author']).toMatchObject({ ok: false, code: 'CONFIGURATION' });
    });

    it('answers a refused token with one failed check, and a missing subdomain with a configuration check', async () => {
      expect(await adapter.testConnection(ctx({}, { token: 'wrong' }))).toEqual([
        expect.objectContaining({ check: 'credentials', ok: false, code: 'AUTH_FAILED' }),
      ]);
      expect(await adapter.testConnection(ctx({ baseUrl: undefined, subdomain: undefined }))).toEqual([
        expect.objectContaining({ check: 'configuration', ok: false, code: 'CONFIGURATION' }),
      ]);
    });
  });
});
