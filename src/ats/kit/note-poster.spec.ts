import type { AtsAdapter, AtsCandidate, CreatedNote, NoteDraft, NoteLookup, PostedNote } from '../ats-adapter.port';
import { AtsError } from '../ats-error';
import { LOOKUP_CLOCK_SLACK_MS, postNoteOnce } from './note-poster';

/** An ATS held in memory: `post` and `find` decide what each call does; every call is recorded. */
function memoryAts(options: {
  post?: (stored: CreatedNote[]) => Promise<PostedNote>;
  find?: (stored: CreatedNote[]) => Promise<CreatedNote | null>;
  privateNotes?: boolean;
  lookBeforeEveryPost?: boolean;
}) {
  const stored: CreatedNote[] = [];
  const calls: string[] = [];
  const lookups: NoteLookup[] = [];
  const store = (): PostedNote => {
    const note = { externalNoteId: `n${stored.length + 1}`, visibility: 'public', authorId: 'u1' };
    stored.push(note);
    return note;
  };
  const adapter = {
    provider: 'memory',
    lookBeforeEveryPost: options.lookBeforeEveryPost,
    capabilities: { privateNotes: options.privateNotes ?? true },
    postNote: async () => {
      calls.push('post');
      return options.post ? options.post(stored) : store();
    },
    findNote: async (_ctx: unknown, _candidate: unknown, _draft: unknown, lookup: NoteLookup) => {
      calls.push('find');
      lookups.push(lookup);
      return options.find ? options.find(stored) : (stored[0] ?? null);
    },
  } as unknown as AtsAdapter;
  return { adapter, stored, calls, lookups, store };
}

const ctx = { connectionId: 'c1', credentials: {}, settings: {} };
const candidate = { externalId: 'cand-1' } as AtsCandidate;
const draft = (extra: Partial<NoteDraft> = {}): NoteDraft =>
  ({ referenceMarker: 'debrief:evt_1:abcd', visibility: 'public', idempotencyKey: 'k', ...extra }) as NoteDraft;
const uncertain = () => new AtsError('TEMPORARY', 'memory: HTTP 502', { status: 502, uncertain: true });

describe('postNoteOnce', () => {
  it('posts without looking when nothing earlier was uncertain', async () => {
    const ats = memoryAts({});
    const result = await postNoteOnce(ats.adapter, ctx, candidate, draft(), { previousAttemptUncertain: false });
    expect(result).toEqual({ note: { externalNoteId: 'n1', visibility: 'public', authorId: 'u1' }, found: false });
    expect(ats.calls).toEqual(['post']);
  });

  it('returns the note an uncertain earlier attempt stored, without posting', async () => {
    const ats = memoryAts({});
    ats.store();
    const result = await postNoteOnce(ats.adapter, ctx, candidate, draft(), { previousAttemptUncertain: true });
    expect(result.found).toBe(true);
    expect(ats.calls).toEqual(['find']);
    expect(ats.lookups).toEqual([{ since: null }]);
  });

  it('bounds the look-up before posting by the draft’s notBefore, less the clock slack', async () => {
    const ats = memoryAts({});
    const notBefore = new Date('2026-12-01T10:00:00Z');
    await postNoteOnce(ats.adapter, ctx, candidate, draft({ notBefore }), { previousAttemptUncertain: true });
    expect(ats.lookups[0].since).toEqual(new Date(notBefore.getTime() - LOOKUP_CLOCK_SLACK_MS));
  });

  it('fails still uncertain, posting nothing, when the look-up after an uncertain attempt fails', async () => {
    const ats = memoryAts({ find: async () => Promise.reject(new AtsError('TEMPORARY', 'memory: HTTP 503', { status: 503 })) });
    await expect(postNoteOnce(ats.adapter, ctx, candidate, draft(), { previousAttemptUncertain: true })).rejects.toMatchObject({
      code: 'TEMPORARY',
      uncertain: true,
      message: expect.stringContaining('could not look for a note an earlier attempt may have stored'),
    });
    expect(ats.calls).toEqual(['find']);
  });

  it('posts when a routine look-up may not read notes, but not after an uncertain attempt', async () => {
    const denied = async () => Promise.reject(new AtsError('PERMISSION_DENIED', 'memory: HTTP 403', { status: 403 }));
    const routine = memoryAts({ lookBeforeEveryPost: true, find: denied });
    await postNoteOnce(routine.adapter, ctx, candidate, draft(), { previousAttemptUncertain: false });
    expect(routine.calls).toEqual(['find', 'post']);

    const afterUncertain = memoryAts({ lookBeforeEveryPost: true, find: denied });
    await expect(
      postNoteOnce(afterUncertain.adapter, ctx, candidate, draft(), { previousAttemptUncertain: true }),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED', uncertain: true });
    expect(afterUncertain.calls).toEqual(['find']);
  });

  it('after an uncertain post, answers with the stored note, looking only from this post on', async () => {
    const ats = memoryAts({
      post: async (stored) => {
        stored.push({ externalNoteId: 'n1', visibility: 'private', authorId: 'u2' });
        throw uncertain();
      },
    });
    const before = Date.now();
    const result = await postNoteOnce(ats.adapter, ctx, candidate, draft(), { previousAttemptUncertain: false });
    expect(result).toEqual({ note: { externalNoteId: 'n1', visibility: 'private', authorId: 'u2' }, found: true });
    const since = ats.lookups[0].since!.getTime();
    expect(since).toBeGreaterThanOrEqual(before - LOOKUP_CLOCK_SLACK_MS);
    expect(since).toBeLessThanOrEqual(Date.now() - LOOKUP_CLOCK_SLACK_MS);
  });

  it('rethrows the uncertain failure when the note is not there, or the look-up fails', async () => {
    const missing = memoryAts({ post: async () => Promise.reject(uncertain()) });
    await expect(postNoteOnce(missing.adapter, ctx, candidate, draft(), { previousAttemptUncertain: false })).rejects.toMatchObject({
      status: 502,
      uncertain: true,
    });
    const broken = memoryAts({ post: async () => Promise.reject(uncertain()), find: async () => Promise.reject(new Error('socket hang up')) });
    await expect(postNoteOnce(broken.adapter, ctx, candidate, draft(), { previousAttemptUncertain: false })).rejects.toMatchObject({
      status: 502,
      uncertain: true,
    });
  });

  it('reports a refusal as it is, without looking', async () => {
    const ats = memoryAts({ post: async () => Promise.reject(new AtsError('RATE_LIMITED', 'memory: HTTP 429', { status: 429 })) });
    await expect(postNoteOnce(ats.adapter, ctx, candidate, draft(), { previousAttemptUncertain: false })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      uncertain: false,
    });
    expect(ats.calls).toEqual(['post']);
  });

  it('names a note stored without an id from the look-up, else by its marker', async () => {
    const named = memoryAts({
      post: async (stored) => {
        stored.push({ externalNoteId: 'n9', visibility: 'public', authorId: 'u1' });
        return { externalNoteId: null, visibility: 'public', authorId: null };
      },
    });
    expect((await postNoteOnce(named.adapter, ctx, candidate, draft(), { previousAttemptUncertain: false })).note).toEqual({
      externalNoteId: 'n9',
      visibility: 'public',
      authorId: 'u1',
    });
    const unnamed = memoryAts({ post: async () => ({ externalNoteId: null, visibility: 'public', authorId: 'u1' }), find: async () => null });
    const result = await postNoteOnce(unnamed.adapter, ctx, candidate, draft(), { previousAttemptUncertain: false });
    expect(result).toEqual({ note: { externalNoteId: 'debrief:evt_1:abcd', visibility: 'public', authorId: 'u1' }, found: false });
  });

  it('refuses a private draft where the ATS has no private notes, before sending anything', async () => {
    const ats = memoryAts({ privateNotes: false });
    await expect(
      postNoteOnce(ats.adapter, ctx, candidate, draft({ visibility: 'private' }), { previousAttemptUncertain: true }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST', uncertain: false });
    expect(ats.calls).toEqual([]);
  });
});
