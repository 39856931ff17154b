import type { AtsAdapter, AtsCandidate, AtsContext, CreatedNote, NoteDraft, NoteLookup } from '../ats-adapter.port';
import { asUncertain, AtsError, isAtsError } from '../ats-error';

/**
 * How far before a known instant a date-bounded look-up reaches: the ATS's clock and ours differ, and a note's
 * timestamp may be taken when the ATS finished storing it rather than when the request arrived.
 */
export const LOOKUP_CLOCK_SLACK_MS = 10 * 60_000;

export interface PostNoteOptions {
  /** An earlier attempt may have stored the note without our seeing the answer: look before posting. */
  previousAttemptUncertain: boolean;
}

export interface NotePosting {
  note: CreatedNote;
  /** True when the note was already in the ATS (found by its marker or idempotency slot), false when posted now. */
  found: boolean;
}

/**
 * Posts a note at most once, for every adapter: the one place that decides when to look for the note.
 *
 * - Before posting, when an earlier attempt was uncertain (or the adapter looks every time): a note found is
 *   the result, nothing is posted.
 * - After a failure whose outcome is unknown (a lost answer, a timeout after sending, a 5xx/408/425 to the
 *   write): look again, narrowed to this post's start; found → success, else the uncertain failure stands and
 *   the next attempt looks first.
 * - After a success without a note id: name the note from the look-up (else by its marker) rather than report
 *   a failure that would post it again.
 * A refusal (4xx, 429) is certain: nothing was stored and it is reported as it is. A private draft for an ATS
 * without private notes is refused before anything is sent.
 */
export async function postNoteOnce(
  adapter: AtsAdapter,
  ctx: AtsContext,
  candidate: AtsCandidate,
  draft: NoteDraft,
  options: PostNoteOptions,
): Promise<NotePosting> {
  if (draft.visibility === 'private' && !adapter.capabilities.privateNotes) {
    // Never downgraded to a visible note: the connection's private-meeting policy decides before anything is sent.
    throw new AtsError(
      'INVALID_REQUEST',
      `${adapter.provider}: notes cannot be private; the connection's private-meeting policy must decide before posting`,
    );
  }
  if (options.previousAttemptUncertain || adapter.lookBeforeEveryPost) {
    const existing = await lookBeforePosting(adapter, ctx, candidate, draft, options.previousAttemptUncertain);
    if (existing) return { note: existing, found: true };
  }
  const postStartedAt = new Date();
  const sinceThisPost: NoteLookup = { since: widen(postStartedAt) };
  let posted;
  try {
    posted = await adapter.postNote(ctx, candidate, draft);
  } catch (err) {
    if (!isAtsError(err) || !err.uncertain) throw err;
    const found = await adapter.findNote(ctx, candidate, draft, sinceThisPost).catch(() => null);
    if (found) return { note: found, found: true };
    throw err;
  }
  if (posted.externalNoteId !== null) return { note: { ...posted, externalNoteId: posted.externalNoteId }, found: false };
  const named = await adapter.findNote(ctx, candidate, draft, sinceThisPost).catch(() => null);
  return {
    note: {
      ...posted,
      externalNoteId: named?.externalNoteId ?? draft.referenceMarker,
      authorId: posted.authorId ?? named?.authorId ?? null,
    },
    found: false,
  };
}

/**
 * After an uncertain attempt a failed look-up leaves the outcome unknown: it fails the attempt, still uncertain,
 * rather than post blindly. A routine look-up (the adapter's choice) that may not read notes is skipped: posting
 * is then as safe as it ever is, the ATS's own slot still guards it.
 */
async function lookBeforePosting(
  adapter: AtsAdapter,
  ctx: AtsContext,
  candidate: AtsCandidate,
  draft: NoteDraft,
  previousAttemptUncertain: boolean,
): Promise<CreatedNote | null> {
  const lookup: NoteLookup = { since: draft.notBefore ? widen(draft.notBefore) : null };
  try {
    return await adapter.findNote(ctx, candidate, draft, lookup);
  } catch (err) {
    if (!isAtsError(err)) throw err;
    if (previousAttemptUncertain) throw err.uncertain ? err : asUncertain(lookupFailure(adapter, err));
    if (err.code === 'PERMISSION_DENIED') return null;
    throw err;
  }
}

function lookupFailure(adapter: AtsAdapter, err: AtsError): AtsError {
  const prefix = `${adapter.provider}: `;
  const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return new AtsError(err.code, `${prefix}could not look for a note an earlier attempt may have stored: ${message}`, {
    status: err.status,
    retryAfterSeconds: err.retryAfterSeconds,
    cause: err,
  });
}

function widen(at: Date): Date {
  return new Date(at.getTime() - LOOKUP_CLOCK_SLACK_MS);
}
