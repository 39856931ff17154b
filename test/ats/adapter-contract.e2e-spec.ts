import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AtsContext, NoteDraft } from '../../src/ats/ats-adapter.port';
import { AtsAdapterRegistry } from '../../src/ats/ats-adapter.registry';
import { AtsError } from '../../src/ats/ats-error';
import { AtsUrlPolicy } from '../../src/ats/kit/ats-url.policy';
import { connectionTestPassed } from '../../src/ats/kit/connection-checks';
import { checkConnectionConfig, jsonPath } from '../../src/ats/kit/connection-contract';
import { NotePosting, postNoteOnce } from '../../src/ats/kit/note-poster';
import { createTestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { CONTRACT_ENTRIES, contractDraft, ContractSubject, PostFault } from './adapter-contract.support';

/**
 * The contract every registered adapter passes against its fake ATS, through the adapter kit as the sync
 * pipeline uses it: the adapters come from the running service's registry.
 */
describe('ATS adapter contract', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('covers exactly the providers the ATS module registers', () => {
    expect(CONTRACT_ENTRIES.map((e) => e.provider).sort()).toEqual(app.get(AtsAdapterRegistry).providers());
  });

  describe.each(CONTRACT_ENTRIES.map((entry) => [entry.provider, entry] as const))('%s', (_provider, entry) => {
    let s: ContractSubject;

    beforeAll(async () => {
      s = entry.create({ app, db });
      await s.start();
    });

    afterAll(async () => {
      await s?.stop();
    });

    afterEach(() => s.clearFaults());

    /** One attempt of a sync: the kit's post, with what an earlier attempt left uncertain. */
    async function attempt(ctx: AtsContext, draft: NoteDraft, previousAttemptUncertain: boolean): Promise<NotePosting | AtsError> {
      try {
        return await postNoteOnce(s.adapter, ctx, s.candidate, draft, { previousAttemptUncertain });
      } catch (err) {
        expect(err).toBeInstanceOf(AtsError);
        return err as AtsError;
      }
    }

    function posted(outcome: NotePosting | AtsError): NotePosting {
      if (outcome instanceof AtsError) throw new Error(`expected a note, got ${outcome.code}: ${outcome.message}`);
      return outcome;
    }

    it('posts one note as the meeting owner, with the ATS’s ordinary visibility', async () => {
      const draft = contractDraft(s.owner);
      const { note, found } = posted(await attempt(s.ctx(), draft, false));
      const stored = await s.notesWith(draft.referenceMarker);
      expect(stored).toEqual([{ id: note.externalNoteId, authorId: s.ownerId, visibility: s.visibility.public }]);
      expect(note).toMatchObject({ authorId: s.ownerId, visibility: s.visibility.public });
      expect(found).toBe(false);
    });

    it('gives a private meeting the most restricted visibility, or refuses it where the ATS has none', async () => {
      const draft = contractDraft(s.owner, 'private');
      const outcome = await attempt(s.ctx(), draft, false);
      const stored = await s.notesWith(draft.referenceMarker);
      if (s.visibility.private === null) {
        expect(outcome).toMatchObject({ code: 'INVALID_REQUEST', uncertain: false });
        expect(stored).toEqual([]);
      } else {
        expect(posted(outcome).note.visibility).toBe(s.visibility.private);
        expect(stored).toEqual([{ id: posted(outcome).note.externalNoteId, authorId: s.ownerId, visibility: s.visibility.private }]);
      }
    });

    it('files the note as settings.userId when the ATS does not know the owner', async () => {
      const draft = contractDraft(s.unknownOwner);
      const { note } = posted(await attempt(s.ctx(), draft, false));
      expect(note.authorId).toBe(s.fallbackId);
      expect((await s.notesWith(draft.referenceMarker)).map((n) => n.authorId)).toEqual([s.fallbackId]);
    });

    const lostAnswers: Array<[string, PostFault]> = [
      ['a 502 after storing', { kind: 'status-after-storing', status: 502 }],
      ['a 504 after storing', { kind: 'status-after-storing', status: 504 }],
      ['a reset after storing', { kind: 'drop-after-storing' }],
      ['a timeout after storing', { kind: 'hang-after-storing' }],
    ];

    it.each(lostAnswers)('keeps exactly one note after %s, also through the next attempt', async (_what, fault) => {
      const ctx = s.ctx();
      const draft = contractDraft(s.owner);
      s.injectOnPost(fault);

      const first = posted(await attempt(ctx, draft, false));
      let stored = await s.notesWith(draft.referenceMarker);
      expect(stored).toHaveLength(1);
      expect(first).toEqual({ note: expect.objectContaining({ externalNoteId: stored[0].id }), found: true });

      // A retry that cannot know what the first attempt saw (say its worker died) looks before posting.
      const next = posted(await attempt(ctx, draft, true));
      stored = await s.notesWith(draft.referenceMarker);
      expect(stored).toHaveLength(1);
      expect(next).toEqual({ note: expect.objectContaining({ externalNoteId: stored[0].id }), found: true });
    });

    it.each([
      ['with', 1],
      ['without', null],
    ] as const)('treats a 429 %s Retry-After as a refusal: nothing stored, never uncertain, one note on the next attempt', async (_what, retryAfterSeconds) => {
      const ctx = s.ctx();
      const draft = contractDraft(s.owner);
      s.injectOnPost({ kind: 'rate-limited', retryAfterSeconds });

      const first = await attempt(ctx, draft, false);
      expect(first).toBeInstanceOf(AtsError);
      expect(first).toMatchObject({ code: 'RATE_LIMITED', uncertain: false, retryAfterSeconds });
      expect(await s.notesWith(draft.referenceMarker)).toEqual([]);

      const next = posted(await attempt(ctx, draft, false));
      expect(next.found).toBe(false);
      expect(await s.notesWith(draft.referenceMarker)).toHaveLength(1);
    });

    it('lists every candidate across pages', async () => {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<typeof s.adapter.listCandidates>> = await s.adapter.listCandidates(s.ctx(), {
          cursor,
          updatedSince: null,
          pageSize: s.listing.pageSize,
        });
        ids.push(...page.candidates.map((c) => c.externalId));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect([...new Set(ids)].sort()).toEqual([...s.listing.ids].sort());
      expect(pages).toBeGreaterThan(1);
    });

    it('passes every required connection check with good credentials', async () => {
      const checks = await s.adapter.testConnection(s.ctx());
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.filter((c) => !c.ok && c.severity !== 'advisory')).toEqual([]);
      expect(connectionTestPassed(checks)).toBe(true);
    });

    it('refuses bad settings: numbers out of range and URL settings off the vendor and allow-list', async () => {
      const ctx = s.ctx();
      const policy = new AtsUrlPolicy(['127.0.0.1']);
      const numbers = { ...ctx.settings, rateLimit: { limit: 1e-9, intervalMs: 1000 }, timeoutMs: -1 };
      const verdict = checkConnectionConfig(s.adapter.contract, policy, { credentials: ctx.credentials, settings: numbers });
      expect(verdict.ok).toBe(false);
      const paths = verdict.ok ? [] : verdict.issues.map((i) => jsonPath(i.path));
      expect(paths).toEqual(expect.arrayContaining(['$.settings.rateLimit.limit', '$.settings.timeoutMs']));
      for (const key of s.adapter.contract.urlSettings) {
        for (const url of ['http://169.254.169.254/latest', 'https://10.0.0.8/', 'file:///etc/passwd', 'https://evil.example.com/']) {
          const urlVerdict = checkConnectionConfig(s.adapter.contract, policy, {
            credentials: ctx.credentials,
            settings: { ...ctx.settings, [key]: url },
          });
          expect(urlVerdict.ok ? [] : urlVerdict.issues.map((i) => jsonPath(i.path))).toContain(`$.settings.${key}`);
        }
      }
      // A stored connection that breaks the contract is a failed configuration check at use, never a request.
      const checks = await s.adapter.testConnection({ ...ctx, settings: numbers });
      expect(checks.find((c) => !c.ok)?.code).toBe('CONFIGURATION');
    });

    it('reports refused credentials as a failed check, without throwing or repeating secrets', async () => {
      const ctx = s.refusedCtx();
      const checks = await s.adapter.testConnection(ctx);
      const failed = checks.filter((c) => !c.ok);
      expect(failed.length).toBeGreaterThan(0);
      if (s.refusedCode !== null) expect(failed.map((c) => c.code)).toContain(s.refusedCode);
      const text = JSON.stringify(checks);
      for (const secret of Object.values(ctx.credentials)) expect(text).not.toContain(String(secret));
    });
  });
});
