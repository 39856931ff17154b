import { randomUUID } from 'node:crypto';
import type { AtsCandidate, AtsContext, NoteDraft } from '../../src/ats/ats-adapter.port';
import { AtsError } from '../../src/ats/ats-error';
import { postNoteOnce } from '../../src/ats/kit/note-poster';
import type { AtsAdapter } from '../../src/ats/ats-adapter.port';
import { GreenhouseAdapter } from '../../src/ats/adapters/greenhouse/greenhouse.adapter';
import { nextCursorFromLink } from '../../src/ats/adapters/greenhouse/greenhouse.mapper';
import { GhCandidate, GreenhouseFakeServer } from '../fakes/greenhouse-fake-server';


const SERVICE_USER = 101;
const OWNER = 202;

function candidate(id: number, first: string, last: string, email: string, updatedAt: string): GhCandidate {
  return {
    id,
    first_name: first,
    last_name: last,
    email_addresses: [{ value: email, type: 'personal' }],
    phone_numbers: [{ value: '+1 415 555 0100', type: 'mobile' }],
    application_ids: [id * 10],
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

describe('GreenhouseAdapter against a Harvest v3 fake', () => {
  let fake: GreenhouseFakeServer;
  let adapter: GreenhouseAdapter;
  /** Posting as the sync pipeline does: once, through the adapter kit. */
  const createNote = async (c: AtsContext, candidate: AtsCandidate, d: NoteDraft, previousAttemptUncertain = false) =>
    (await postNoteOnce(adapter, c, candidate, d, { previousAttemptUncertain })).note;
  const findNote = (c: AtsContext, candidate: AtsCandidate, d: NoteDraft) => (adapter as AtsAdapter).findNote(c, candidate, d, { since: null });
  const jane: AtsCandidate = {
    externalId: '5001',
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
      credentials: credentials ?? { clientId: fake.clientId, clientSecret: fake.clientSecret },
      settings: {
        baseUrl: fake.baseUrl,
        authUrl: fake.url,
        userId: String(SERVICE_USER),
        timeoutMs: 2000,
        rateLimit: { limit: 100, intervalMs: 1000 },
        ...settings,
      },
    };
  }

  beforeEach(async () => {
    fake = new GreenhouseFakeServer();
    fake.users.push(
      { id: SERVICE_USER, name: 'Sam Service', first_name: 'Sam', last_name: 'Service', primary_email: 'sam@acme.test', deactivated: false },
      { id: OWNER, name: 'Olivia Owner', first_name: 'Olivia', last_name: 'Owner', primary_email: 'olivia@acme.test', deactivated: false },
      { id: 303, name: 'Dan Gone', first_name: 'Dan', last_name: 'Gone', primary_email: 'dan@acme.test', deactivated: true },
    );
    fake.candidates.push(
      candidate(5001, 'Jane', 'Doe', 'jane@example.com', '2026-09-01T09:00:00Z'),
      candidate(5002, 'John', 'Roe', 'john@example.com', '2026-08-01T09:00:00Z'),
      candidate(5003, 'Ann', 'Lee', 'ann@example.com', '2026-09-02T09:00:00Z'),
      candidate(5004, 'Bo', 'Chan', 'bo@example.com', '2026-09-03T09:00:00Z'),
      candidate(5005, 'Cy', 'Ng', 'cy@example.com', '2026-09-04T09:00:00Z'),
    );
    await fake.start();
    adapter = new GreenhouseAdapter();
  });

  afterEach(async () => {
    await fake.stop();
  });

  describe('auth', () => {
    it('exchanges client credentials for a bearer token with the acting user as sub, and reuses it', async () => {
      const c = ctx();
      await adapter.searchCandidates(c, { email: 'jane@example.com' });
      await adapter.searchCandidates(c, { email: 'john@example.com' });

      const tokenCalls = fake.http.received('POST', '/token');
      expect(tokenCalls).toHaveLength(1);
      expect(tokenCalls[0].headers.authorization).toBe(
        `Basic ${Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64')}`,
      );
      expect(tokenCalls[0].body).toEqual({ grant_type: 'client_credentials', sub: String(SERVICE_USER) });
      for (const call of fake.http.received('GET', '/v3/candidates')) {
        expect(call.headers.authorization).toMatch(/^Bearer gh_/);
      }
    });

    it('renews a token that is about to expire before using it', async () => {
      fake.tokenTtlSeconds = 30; // inside the renewal margin: every call needs a fresh token
      const c = ctx();
      await adapter.searchCandidates(c, { email: 'jane@example.com' });
      await adapter.searchCandidates(c, { email: 'jane@example.com' });
      expect(fake.tokensGranted).toBe(2);
      expect(fake.http.requests.filter((r) => r.path === '/v3/candidates' && r.method === 'GET')).toHaveLength(2);
    });

    it('gets a new token and retries once when Greenhouse refuses an expired one', async () => {
      const c = ctx();
      await adapter.searchCandidates(c, { email: 'jane@example.com' });
      fake.revokeTokens();
      const found = await adapter.searchCandidates(c, { email: 'jane@example.com' });
      expect(found.map((x) => x.externalId)).toEqual(['5001']);
      expect(fake.tokensGranted).toBe(2);
    });

    it('reports wrong client credentials as AUTH_FAILED', async () => {
      const err = await rejection(
        adapter.searchCandidates(ctx({}, { clientId: fake.clientId, clientSecret: 'nope' }), { email: 'jane@example.com' }),
      );
      expect(err.code).toBe('AUTH_FAILED');
      expect(err.message).toContain('invalid_client');
    });

    it('refuses to run without credentials', async () => {
      const err = await rejection(adapter.searchCandidates(ctx({}, {}), { email: 'jane@example.com' }));
      expect(err.code).toBe('CONFIGURATION');
      expect(fake.http.requests).toHaveLength(0);
    });
  });

  describe('candidates', () => {
    it('searches by e-mail and maps the v3 candidate', async () => {
      const [found, ...rest] = await adapter.searchCandidates(ctx(), { email: 'jane@example.com' });
      expect(rest).toHaveLength(0);
      expect(found).toEqual({
        externalId: '5001',
        firstName: 'Jane',
        lastName: 'Doe',
        displayName: 'Jane Doe',
        emails: ['jane@example.com'],
        phones: ['+1 415 555 0100'],
        updatedAt: new Date('2026-09-01T09:00:00Z'),
        meta: { applicationIds: [50010] },
      });
      expect(fake.http.received('GET', '/v3/candidates')[0].query.get('email')).toBe('jane@example.com');
    });

    it('has no name or phone search, so it does not call Greenhouse for them', async () => {
      expect(await adapter.searchCandidates(ctx(), { name: 'Jane Doe', phone: '+14155550100' })).toEqual([]);
      expect(fake.http.requests).toHaveLength(0);
    });

    it('lists incrementally across cursor pages, sending the cursor as the only parameter', async () => {
      const c = ctx();
      const since = new Date('2026-09-01T00:00:00Z');
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await adapter.listCandidates(c, { cursor, updatedSince: since, pageSize: 2 });
        ids.push(...page.candidates.map((x) => x.externalId));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);

      expect(ids.sort()).toEqual(['5001', '5003', '5004', '5005']);
      expect(pages).toBe(2);
      const calls = fake.http.received('GET', '/v3/candidates');
      expect(calls[0].query.get('updated_at')).toBe('gte|2026-09-01T00:00:00.000Z');
      expect(calls[0].query.get('per_page')).toBe('2');
      expect([...calls[1].query.keys()]).toEqual(['cursor']);
    });

    it('reads the next cursor from a Link header with several relations', () => {
      expect(
        nextCursorFromLink('<https://h/v3/x?cursor=p1>; rel="prev", <https://h/v3/x?cursor=n2>; rel="next"'),
      ).toBe('n2');
      expect(nextCursorFromLink('<https://h/v3/x?cursor=p1>; rel="prev"')).toBeNull();
      expect(nextCursorFromLink(undefined)).toBeNull();
    });
  });

  describe('notes', () => {
    it('posts a private note as the meeting owner, resolved by e-mail', async () => {
      const d = draft({ visibility: 'private' });
      const created = await createNote(ctx(), jane, d);

      expect(fake.notes).toHaveLength(1);
      const note = fake.notes[0];
      expect(note).toMatchObject({ candidate_id: 5001, user_id: OWNER, visibility: 'private', type: 'NOTE' });
      expect(note.body.startsWith('Interview with Jane Doe\n\n')).toBe(true);
      expect(note.body).toContain(d.referenceMarker);
      expect(created).toMatchObject({ externalNoteId: String(note.id), visibility: 'private', authorId: String(OWNER) });
      expect(created.sent).toMatchObject({ candidate_id: 5001, user_id: OWNER, visibility: 'private', note_type: 'NOTE' });
      // The owner acts through the token's sub.
      expect(fake.tokenSubs()).toContain(OWNER);
      expect(fake.http.received('GET', '/v3/users')[0].query.get('primary_email')).toBe('olivia@acme.test');
    });

    it('posts a public meeting as public', async () => {
      await createNote(ctx(), jane, draft());
      expect(fake.notes[0].visibility).toBe('public');
    });

    it('resolves the owner by exact name when the e-mail is unknown', async () => {
      await createNote(ctx(), jane, draft({ author: { name: 'olivia  owner', email: 'olivia@personal.test' } }));
      expect(fake.notes[0].user_id).toBe(OWNER);
    });

    it('does not pick the owner by name from a user list it could not read to the end', async () => {
      // 2,600 more users: five pages of 500 are read, and a namesake waits on the sixth.
      for (let i = 0; i < 2_600; i++) {
        fake.users.push({ id: 10_000 + i, name: `Filler ${i}`, first_name: 'Filler', last_name: String(i), primary_email: `f${i}@acme.test`, deactivated: false });
      }
      fake.users.push({ id: 99_999, name: 'Olivia Owner', first_name: 'Olivia', last_name: 'Owner', primary_email: 'o2@acme.test', deactivated: false });
      await createNote(ctx(), jane, draft({ author: { name: 'Olivia Owner', email: 'olivia@personal.test' } }));
      expect(fake.notes[0].user_id).toBe(SERVICE_USER);
      expect(fake.http.received('GET', '/v3/users').filter((r) => !r.query.get('primary_email'))).toHaveLength(5);
    });

    it('falls back to settings.userId when the owner is not a Greenhouse user', async () => {
      const created = await createNote(ctx(), jane, draft({ author: { name: 'Ext Person', email: 'ext@else.test' } }));
      expect(fake.notes[0].user_id).toBe(SERVICE_USER);
      expect(created.authorId).toBe(String(SERVICE_USER));
    });

    it('does not write as a deactivated user', async () => {
      await createNote(ctx(), jane, draft({ author: { name: null, email: 'dan@acme.test' } }));
      expect(fake.notes[0].user_id).toBe(SERVICE_USER);
    });

    it('fails with CONFIGURATION when neither the owner nor settings.userId resolves', async () => {
      const err = await rejection(
        createNote(ctx({ userId: undefined }), jane, draft({ author: { name: null, email: 'ext@else.test' } })),
      );
      expect(err.code).toBe('CONFIGURATION');
      expect(fake.notes).toHaveLength(0);
    });

    it('finds a note by its reference marker, and answers null when there is none', async () => {
      const d = draft({ visibility: 'private' });
      expect(await findNote(ctx(), jane, d)).toBeNull();
      const created = await createNote(ctx(), jane, d);
      const found = await findNote(ctx(), jane, d);
      expect(found).toMatchObject({ externalNoteId: created.externalNoteId, visibility: 'private', authorId: String(OWNER) });
    });
  });

  describe('errors', () => {
    it('maps the 422 validation shape to INVALID_REQUEST with the field message', async () => {
      fake.http.inject({
        method: 'POST',
        path: '/v3/notes',
        fault: {
          kind: 'respond',
          response: { status: 422, body: { errors: [{ message: 'Missing required field: body', field: 'body' }] } },
        },
      });
      const err = await rejection(createNote(ctx(), jane, draft()));
      expect(err.code).toBe('INVALID_REQUEST');
      expect(err.message).toContain('body: Missing required field: body');
      expect(err.uncertain).toBe(false);
    });

    it('maps an unknown candidate to NOT_FOUND', async () => {
      const err = await rejection(createNote(ctx(), { ...jane, externalId: '999999' }, draft()));
      expect(err.code).toBe('NOT_FOUND');
      expect(err.message).toContain('Resource not found');
    });

    it('maps a missing scope to PERMISSION_DENIED', async () => {
      fake.scopes.delete('harvest:notes:create');
      const err = await rejection(createNote(ctx(), jane, draft()));
      expect(err.code).toBe('PERMISSION_DENIED');
      expect(fake.notes).toHaveLength(0);
    });

    it('maps a 5xx to TEMPORARY', async () => {
      fake.http.inject({ path: '/v3/candidates', fault: { kind: 'respond', response: { status: 503, body: 'upstream' } } });
      const err = await rejection(adapter.searchCandidates(ctx(), { email: 'jane@example.com' }));
      expect(err.code).toBe('TEMPORARY');
      expect(err.status).toBe(503);
    });
  });

  describe('rate limits', () => {
    it('absorbs a 429 with Retry-After and posts exactly one note', async () => {
      fake.http.inject({
        method: 'POST',
        path: '/v3/notes',
        fault: { kind: 'respond', response: { status: 429, headers: { 'Retry-After': '1' }, body: { message: 'Too many requests' } } },
      });
      await createNote(ctx(), jane, draft());
      expect(fake.notes).toHaveLength(1);
      expect(fake.http.received('POST', '/v3/notes')).toHaveLength(2);
    });

    it('absorbs a 429 that carries no rate headers at all', async () => {
      fake.http.inject({
        path: '/v3/candidates',
        fault: { kind: 'respond', response: { status: 429, body: { message: 'Too many requests' } } },
      });
      const found = await adapter.searchCandidates(ctx(), { email: 'jane@example.com' });
      expect(found).toHaveLength(1);
    });

    it('hands a long Retry-After back as RATE_LIMITED instead of waiting', async () => {
      fake.http.inject({
        path: '/v3/candidates',
        fault: { kind: 'respond', response: { status: 429, headers: { 'Retry-After': '120' }, body: { message: 'Too many requests' } } },
      });
      const err = await rejection(adapter.searchCandidates(ctx(), { email: 'jane@example.com' }));
      expect(err.code).toBe('RATE_LIMITED');
      expect(err.retryAfterSeconds).toBe(120);
    });
  });

  describe('an owner who cannot see the candidate', () => {
    it('posts as settings.userId after the 403 and says so in a remark', async () => {
      fake.hideCandidateFrom(OWNER, 5001);
      const d = draft({ visibility: 'private' });
      const created = await createNote(ctx(), jane, d);

      expect(fake.notes).toHaveLength(1);
      expect(fake.notes[0]).toMatchObject({ candidate_id: 5001, user_id: SERVICE_USER, visibility: 'private' });
      expect(created).toMatchObject({ externalNoteId: String(fake.notes[0].id), authorId: String(SERVICE_USER) });
      expect(created.remarks).toEqual([expect.stringContaining(`posted as the fallback author settings.userId (user ${SERVICE_USER})`)]);
      expect(fake.http.received('POST', '/v3/notes').map((r) => (r.body as { user_id: number }).user_id)).toEqual([OWNER, SERVICE_USER]);
    });

    it('finds a note posted as the fallback author after an uncertain retry, reading as that author', async () => {
      fake.hideCandidateFrom(OWNER, 5001);
      fake.http.inject({ method: 'POST', path: '/v3/notes', after: 1, fault: { kind: 'respond', response: { status: 504, body: { message: 'Gateway Timeout' } } }, afterHandling: true });
      const d = draft({ visibility: 'private' });
      const created = await createNote(ctx(), jane, d);
      expect(fake.notes).toHaveLength(1);
      expect(created).toMatchObject({ externalNoteId: String(fake.notes[0].id), authorId: String(SERVICE_USER) });
      expect(await createNote(ctx(), jane, d, true)).toMatchObject({ externalNoteId: String(fake.notes[0].id) });
      expect(fake.notes).toHaveLength(1);
    });

    it('does not fall back when the owner is the fallback author', async () => {
      fake.hideCandidateFrom(SERVICE_USER, 5001);
      const err = await rejection(createNote(ctx(), jane, draft({ author: { name: null, email: 'sam@acme.test' } })));
      expect(err).toMatchObject({ code: 'PERMISSION_DENIED', uncertain: false });
      expect(fake.notes).toHaveLength(0);
    });
  });

  describe('uncertain outcomes', () => {
    it('finds the note stored before a timeout instead of posting it again', async () => {
      fake.http.inject({ method: 'POST', path: '/v3/notes', fault: { kind: 'hang' }, afterHandling: true });
      const d = draft({ visibility: 'private' });
      const created = await createNote(ctx({ timeoutMs: 300 }), jane, d);

      expect(fake.notes).toHaveLength(1);
      expect(created.externalNoteId).toBe(String(fake.notes[0].id));
      expect(fake.http.received('POST', '/v3/notes')).toHaveLength(1);
      // The private note is only visible to its author, so the lookup reads as the owner.
      expect(fake.http.received('GET', '/v3/notes')[0].query.get('candidate_ids')).toBe('5001');
    });

    it('finds the note stored before the connection dropped', async () => {
      fake.http.inject({ method: 'POST', path: '/v3/notes', fault: { kind: 'drop' }, afterHandling: true });
      const created = await createNote(ctx(), jane, draft());
      expect(fake.notes).toHaveLength(1);
      expect(created.externalNoteId).toBe(String(fake.notes[0].id));
    });

    it('rethrows the uncertain error when the note is not there', async () => {
      fake.http.inject({ method: 'POST', path: '/v3/notes', fault: { kind: 'drop' } });
      const err = await rejection(createNote(ctx(), jane, draft()));
      expect(err.code).toBe('TEMPORARY');
      expect(err.uncertain).toBe(true);
      expect(fake.notes).toHaveLength(0);
      // Read as the owner, then as settings.userId (the note may have gone out as the fallback author).
      expect(fake.http.received('GET', '/v3/notes')).toHaveLength(2);
    });
  });

  describe('testConnection', () => {
    it('reports every permission Debrief needs', async () => {
      const checks = await adapter.testConnection(ctx());
      expect(checks.map((c) => [c.check, c.ok])).toEqual([
        ['credentials', true],
        ['candidates:list', true],
        ['users:list', true],
        ['notes:list', true],
        ['notes:create', true],
        ['fallback author', true],
      ]);
    });

    it('says what is missing without throwing', async () => {
      fake.scopes.delete('harvest:notes:create');
      fake.scopes.delete('harvest:notes:list');
      const checks = await adapter.testConnection(ctx({ userId: undefined }));
      const byName = Object.fromEntries(checks.map((c) => [c.check, c]));
      expect(byName['candidates:list'].ok).toBe(true);
      expect(byName['notes:list']).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      expect(byName['notes:create']).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      expect(byName['fallback author']).toMatchObject({ ok: false, code: 'CONFIGURATION' });
    });

    it('tells a refused fallback user apart from refused credentials', async () => {
      const checks = await adapter.testConnection(ctx({ userId: '999' }));
      const byName = Object.fromEntries(checks.map((c) => [c.check, c]));
      expect(byName.credentials.ok).toBe(true);
      expect(byName['candidates:list'].ok).toBe(true);
      expect(byName['fallback author']).toMatchObject({ ok: false, code: 'CONFIGURATION' });
      expect(byName['fallback author'].detail).toContain('invalid_grant');
    });

    it('answers a refused credential with one failed check', async () => {
      const checks = await adapter.testConnection(ctx({}, { clientId: 'x', clientSecret: 'y' }));
      expect(checks).toEqual([expect.objectContaining({ check: 'credentials', ok: false, code: 'AUTH_FAILED' })]);
    });
  });
});
