import { randomUUID } from 'node:crypto';
import type { AtsCandidate, AtsContext, NoteDraft } from '../../src/ats/ats-adapter.port';
import { AtsError } from '../../src/ats/ats-error';
import { postNoteOnce } from '../../src/ats/kit/note-poster';
import type { AtsAdapter } from '../../src/ats/ats-adapter.port';
import { LeverAdapter } from '../../src/ats/adapters/lever/lever.adapter';
import { LeverFakeServer, LvOpportunity } from '../fakes/lever-fake-server';


const DAY = 86_400_000;
const T0 = Date.parse('2026-09-01T00:00:00Z');

function opportunity(id: string, contact: string, name: string, email: string, createdAt: number, extra: Partial<LvOpportunity> = {}): LvOpportunity {
  return {
    id,
    name,
    contact,
    emails: [email],
    phones: [{ type: 'mobile', value: '+1 415 555 0100' }],
    createdAt,
    updatedAt: createdAt,
    archived: null,
    ...extra,
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

describe('LeverAdapter against a Lever Data API fake', () => {
  let fake: LeverFakeServer;
  let adapter: LeverAdapter;
  /** Posting as the sync pipeline does: once, through the adapter kit. */
  const createNote = async (c: AtsContext, candidate: AtsCandidate, d: NoteDraft, previousAttemptUncertain = false) =>
    (await postNoteOnce(adapter, c, candidate, d, { previousAttemptUncertain })).note;
  const findNote = (c: AtsContext, candidate: AtsCandidate, d: NoteDraft) => (adapter as AtsAdapter).findNote(c, candidate, d, { since: null });

  function ctx(settings: Record<string, unknown> = {}, credentials?: Record<string, unknown>): AtsContext {
    return {
      connectionId: randomUUID(),
      credentials: credentials ?? { apiKey: fake.apiKey },
      settings: {
        baseUrl: fake.baseUrl,
        userId: 'user-service',
        timeoutMs: 2000,
        rateLimit: { limit: 100, intervalMs: 1000 },
        ...settings,
      },
    };
  }

  /** Jane as the candidate directory stores her: the contact, without routing detail. */
  const janeFromDirectory: AtsCandidate = {
    externalId: 'contact-jane',
    firstName: null,
    lastName: null,
    displayName: 'Jane Doe',
    emails: ['jane@example.com'],
    phones: [],
    updatedAt: null,
  };

  beforeEach(async () => {
    fake = new LeverFakeServer();
    fake.users.push(
      { id: 'user-service', name: 'Sam Service', email: 'sam@acme.test', accessRole: 'admin', deactivatedAt: null },
      { id: 'user-owner', name: 'Olivia Owner', email: 'olivia@acme.test', accessRole: 'team member', deactivatedAt: null },
      { id: 'user-gone', name: 'Dan Gone', email: 'dan@acme.test', accessRole: 'team member', deactivatedAt: T0 - DAY },
    );
    fake.opportunities.push(
      opportunity('opp-jane-2025', 'contact-jane', 'Jane Doe', 'jane@example.com', T0 - 300 * DAY, {
        archived: { archivedAt: T0 - 200 * DAY, reason: 'withdrew' },
        updatedAt: T0 + 5 * DAY,
      }),
      opportunity('opp-jane-2026', 'contact-jane', 'Jane Doe', 'jane@example.com', T0 - 10 * DAY, {
        emails: ['jane@example.com', 'jane.doe@work.example'],
      }),
      opportunity('opp-john', 'contact-john', 'John Roe', 'john@example.com', T0 - 400 * DAY),
      opportunity('opp-ann', 'contact-ann', 'Ann Lee', 'ann@example.com', T0 + DAY),
      opportunity('opp-bo', 'contact-bo', 'Bo Chan', 'bo@example.com', T0 + 2 * DAY),
    );
    await fake.start();
    adapter = new LeverAdapter();
  });

  afterEach(async () => {
    await fake.stop();
  });

  describe('auth', () => {
    it('sends the API key as the Basic username with an empty password', async () => {
      await adapter.searchCandidates(ctx(), { email: 'jane@example.com' });
      const [call] = fake.http.received('GET', '/v1/opportunities');
      expect(call.headers.authorization).toBe(`Basic ${Buffer.from(`${fake.apiKey}:`).toString('base64')}`);
    });

    it('maps a refused key to AUTH_FAILED with Lever’s own message', async () => {
      const err = await rejection(adapter.searchCandidates(ctx({}, { apiKey: 'wrong' }), { email: 'jane@example.com' }));
      expect(err.code).toBe('AUTH_FAILED');
      expect(err.message).toContain('UnauthorizedError: Invalid API key');
    });

    it('refuses to run without an API key', async () => {
      const err = await rejection(adapter.searchCandidates(ctx({}, {}), { email: 'jane@example.com' }));
      expect(err.code).toBe('CONFIGURATION');
      expect(fake.http.requests).toHaveLength(0);
    });
  });

  describe('candidates', () => {
    it('returns one candidate per contact, routed to the open, newest opportunity', async () => {
      const found = await adapter.searchCandidates(ctx(), { email: 'jane@example.com' });
      expect(found).toEqual([
        {
          externalId: 'contact-jane',
          firstName: null,
          lastName: null,
          displayName: 'Jane Doe',
          emails: ['jane@example.com', 'jane.doe@work.example'],
          phones: ['+1 415 555 0100'],
          updatedAt: new Date(T0 + 5 * DAY),
          meta: { contactId: 'contact-jane', opportunityId: 'opp-jane-2026', opportunityIds: ['opp-jane-2025', 'opp-jane-2026'] },
        },
      ]);
      expect(fake.http.received('GET', '/v1/opportunities')[0].query.get('email')).toBe('jane@example.com');
    });

    it('does not call Lever for name or phone searches it cannot do', async () => {
      expect(await adapter.searchCandidates(ctx(), { name: 'Jane Doe' })).toEqual([]);
      expect(fake.http.requests).toHaveLength(0);
    });

    it('lists incrementally with offset pagination, repeating the updated-since filter', async () => {
      const c = ctx();
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await adapter.listCandidates(c, { cursor, updatedSince: new Date(T0), pageSize: 2 });
        ids.push(...page.candidates.map((x) => x.externalId));
        cursor = page.nextCursor;
      } while (cursor);

      expect(ids.sort()).toEqual(['contact-ann', 'contact-bo', 'contact-jane']);
      const calls = fake.http.received('GET', '/v1/opportunities');
      expect(calls).toHaveLength(2);
      expect(calls.map((r) => r.query.get('updated_at_start'))).toEqual([String(T0), String(T0)]);
      expect(calls[0].query.get('offset')).toBeNull();
      expect(calls[1].query.get('offset')).toMatch(/^[0-9a-f]+$/);
    });
  });

  describe('notes', () => {
    it('posts a secret note as the meeting owner on the latest opportunity', async () => {
      const d = draft({ visibility: 'private' });
      const created = await createNote(ctx(), janeFromDirectory, d);

      expect(fake.notes).toHaveLength(1);
      const note = fake.notes[0];
      expect(note).toMatchObject({ opportunityId: 'opp-jane-2026', user: 'user-owner', secret: true });
      expect(note.text.startsWith('Interview with Jane Doe\n\n')).toBe(true);
      expect(note.text).toContain(d.referenceMarker);
      expect(created).toMatchObject({ externalNoteId: note.id, visibility: 'secret', authorId: 'user-owner' });
      expect(fake.http.received('POST', '/v1/opportunities/opp-jane-2026/notes')[0].query.get('perform_as')).toBe('user-owner');
    });

    it('uses the opportunity a search returned without looking it up again', async () => {
      const [jane] = await adapter.searchCandidates(ctx(), { email: 'jane@example.com' });
      const before = fake.http.received('GET', '/v1/opportunities').length;
      await createNote(ctx(), jane, draft());
      expect(fake.http.received('GET', '/v1/opportunities')).toHaveLength(before);
      expect(fake.notes[0]).toMatchObject({ opportunityId: 'opp-jane-2026', secret: false });
    });

    it('resolves the owner by exact name when the e-mail is unknown', async () => {
      await createNote(ctx(), janeFromDirectory, draft({ author: { name: 'Olivia Owner', email: 'o@personal.test' } }));
      expect(fake.notes[0].user).toBe('user-owner');
    });

    it('falls back to settings.userId for an owner who is not a Lever user (or is deactivated)', async () => {
      await createNote(ctx(), janeFromDirectory, draft({ author: { name: 'Ext Person', email: 'ext@else.test' } }));
      await createNote(ctx(), janeFromDirectory, draft({ author: { name: null, email: 'dan@acme.test' } }));
      expect(fake.notes.map((n) => n.user)).toEqual(['user-service', 'user-service']);
    });

    it('fails with CONFIGURATION when neither the owner nor settings.userId resolves', async () => {
      const err = await rejection(
        createNote(ctx({ userId: undefined }), janeFromDirectory, draft({ author: { name: null, email: 'x@else.test' } })),
      );
      expect(err.code).toBe('CONFIGURATION');
      expect(fake.notes).toHaveLength(0);
    });

    it('finds a note by its marker on any recent opportunity of the contact', async () => {
      const d = draft();
      expect(await findNote(ctx(), janeFromDirectory, d)).toBeNull();
      fake.notes.push({
        id: 'note-old',
        opportunityId: 'opp-jane-2025',
        text: '',
        fields: [{ type: 'note', text: '', value: `Earlier recap ${d.referenceMarker}` }],
        user: 'user-owner',
        secret: true,
        createdAt: T0,
        deletedAt: null,
      });
      expect(await findNote(ctx(), janeFromDirectory, d)).toEqual({
        externalNoteId: 'note-old',
        visibility: 'secret',
        authorId: 'user-owner',
      });
    });
  });

  describe('deleting a note', () => {
    it('deletes the note on whichever of the contact\'s opportunities holds it; again, it is not_found', async () => {
      const created = await createNote(ctx(), janeFromDirectory, draft());
      fake.notes.push({ id: 'note-other', opportunityId: 'opp-jane-2025', text: 'kept', fields: [], user: 'user-owner', secret: false, createdAt: T0, deletedAt: null });
      const filed = { candidateId: 'contact-jane', externalNoteId: created.externalNoteId! };
      await expect(adapter.deleteNote!(ctx(), filed)).resolves.toBe('deleted');
      expect(fake.notes.map((n) => n.id)).toEqual(['note-other']);
      expect(fake.http.received('DELETE', `/v1/opportunities/opp-jane-2026/notes/${created.externalNoteId}`)).toHaveLength(1);
      await expect(adapter.deleteNote!(ctx(), filed)).resolves.toBe('not_found');
      expect(adapter.capabilities.noteDeletion).toBe('delete');
    });

    it('a key without notes:write is refused as PERMISSION_DENIED, and nothing is deleted', async () => {
      const created = await createNote(ctx(), janeFromDirectory, draft());
      fake.permissions.delete('notes:write');
      const err = await rejection(adapter.deleteNote!(ctx(), { candidateId: 'contact-jane', externalNoteId: created.externalNoteId! }));
      expect(err.code).toBe('PERMISSION_DENIED');
      expect(fake.notes).toHaveLength(1);
    });
  });

  describe('errors', () => {
    it('maps a {code, message} 400 to INVALID_REQUEST', async () => {
      fake.http.inject({
        method: 'POST',
        path: /\/notes$/,
        fault: { kind: 'respond', response: { status: 400, body: { code: 'BadRequestError', message: '"value" is too long' } } },
      });
      const err = await rejection(createNote(ctx(), janeFromDirectory, draft()));
      expect(err.code).toBe('INVALID_REQUEST');
      expect(err.message).toContain('BadRequestError: "value" is too long');
    });

    it('maps a missing permission to PERMISSION_DENIED', async () => {
      fake.permissions.delete('notes:write');
      const err = await rejection(createNote(ctx(), janeFromDirectory, draft()));
      expect(err.code).toBe('PERMISSION_DENIED');
      expect(err.message).toContain('ForbiddenError');
    });

    it('maps an unknown opportunity to NOT_FOUND', async () => {
      const gone = { ...janeFromDirectory, meta: { opportunityId: 'opp-deleted' } };
      const err = await rejection(createNote(ctx(), gone, draft()));
      expect(err.code).toBe('NOT_FOUND');
    });

    it('maps 503 to TEMPORARY', async () => {
      fake.http.inject({
        path: '/v1/opportunities',
        fault: { kind: 'respond', response: { status: 503, body: { code: 'ServiceUnavailableError', message: 'try later' } } },
      });
      const err = await rejection(adapter.searchCandidates(ctx(), { email: 'jane@example.com' }));
      expect(err.code).toBe('TEMPORARY');
    });
  });

  describe('rate limits', () => {
    it('absorbs a 429 with Retry-After and posts one note', async () => {
      fake.http.inject({
        method: 'POST',
        path: /\/notes$/,
        fault: { kind: 'respond', response: { status: 429, headers: { 'Retry-After': '1' }, body: { code: 'TooManyRequests', message: 'slow down' } } },
      });
      await createNote(ctx(), janeFromDirectory, draft());
      expect(fake.notes).toHaveLength(1);
    });

    it('backs off on a bare 429, as Lever sends no rate headers', async () => {
      fake.http.inject({
        path: '/v1/opportunities',
        fault: { kind: 'respond', response: { status: 429, body: { code: 'TooManyRequests', message: 'slow down' } } },
      });
      expect(await adapter.searchCandidates(ctx(), { email: 'jane@example.com' })).toHaveLength(1);
      expect(fake.http.received('GET', '/v1/opportunities')).toHaveLength(2);
    });

    it('reports RATE_LIMITED when the limit persists', async () => {
      fake.http.inject({
        path: '/v1/opportunities',
        times: 3,
        fault: { kind: 'respond', response: { status: 429, headers: { 'Retry-After': '0' }, body: { code: 'TooManyRequests', message: 'slow down' } } },
      });
      const err = await rejection(adapter.searchCandidates(ctx(), { email: 'jane@example.com' }));
      expect(err.code).toBe('RATE_LIMITED');
    });
  });

  describe('uncertain outcomes', () => {
    it('finds the note stored before a timeout instead of posting it again', async () => {
      fake.http.inject({ method: 'POST', path: /\/notes$/, fault: { kind: 'hang' }, afterHandling: true });
      const created = await createNote(ctx({ timeoutMs: 300 }), janeFromDirectory, draft({ visibility: 'private' }));
      expect(fake.notes).toHaveLength(1);
      expect(created).toMatchObject({ externalNoteId: fake.notes[0].id, visibility: 'secret', authorId: 'user-owner' });
      expect(fake.http.received('POST', /\/notes$/)).toHaveLength(1);
    });

    it('finds the note stored before the connection dropped', async () => {
      fake.http.inject({ method: 'POST', path: /\/notes$/, fault: { kind: 'drop' }, afterHandling: true });
      const created = await createNote(ctx(), janeFromDirectory, draft());
      expect(fake.notes).toHaveLength(1);
      expect(created.externalNoteId).toBe(fake.notes[0].id);
    });

    it('rethrows the uncertain error when the note is not there', async () => {
      fake.http.inject({ method: 'POST', path: /\/notes$/, fault: { kind: 'drop' } });
      const err = await rejection(createNote(ctx(), janeFromDirectory, draft()));
      expect(err).toMatchObject({ code: 'TEMPORARY', uncertain: true });
      expect(fake.notes).toHaveLength(0);
      expect(fake.http.received('GET', '/v1/opportunities/opp-jane-2026/notes')).toHaveLength(1);
    });
  });

  describe('testConnection', () => {
    it('reports every permission Debrief needs', async () => {
      const checks = await adapter.testConnection(ctx());
      expect(checks.map((c) => [c.check, c.ok])).toEqual([
        ['credentials', true],
        ['opportunities:read', true],
        ['users:read', true],
        ['notes:read', true],
        ['fallback author', true],
      ]);
    });

    it('says what is missing without throwing', async () => {
      fake.permissions.delete('notes:read');
      const checks = await adapter.testConnection(ctx({ userId: 'user-gone' }));
      const byName = Object.fromEntries(checks.map((c) => [c.check, c]));
      expect(byName['notes:read']).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
      expect(byName['fallback author']).toMatchObject({ ok: false, code: 'CONFIGURATION' });
    });

    it('answers a refused key with one failed check', async () => {
      expect(await adapter.testConnection(ctx({}, { apiKey: 'wrong' }))).toEqual([
        expect.objectContaining({ check: 'credentials', ok: false, code: 'AUTH_FAILED' }),
      ]);
    });
  });
});
