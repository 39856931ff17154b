/**
 * How far before a pass began a caller's `updatedSince` may lie and still be served by that pass's sync token.
 * The directory refresh asks from five minutes before its last refresh began, read on the database clock, a
 * little before the adapter's own reading (possibly on another instance): the slack must exceed that overlap
 * and the clocks' difference, or the token is never used. What changed in between was read by the pass itself.
 */
export const SYNC_TOKEN_TOLERANCE_MS = 15 * 60_000;

/** The sync token that ended a complete `candidate.list` pass, and when that pass began. */
export interface AshbySyncState {
  token: string;
  passStartedAt: Date;
}

/**
 * The connection's sync state as the directory refresh keeps it (ListCandidatesRequest/CandidatePage
 * `syncState`). JSON with a readable time, as operators may look at it in `directory_refresh_state`.
 */
export function encodeAshbySyncState(state: AshbySyncState): string {
  return JSON.stringify({ token: state.token, passStartedAt: state.passStartedAt.toISOString() });
}

/**
 * The kept state, or null when there is none or it is not one this adapter wrote: a full pass is then the
 * safe answer, never an error that would stop the refresh.
 */
export function decodeAshbySyncState(value: string | null | undefined): AshbySyncState | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as { token?: unknown; passStartedAt?: unknown };
    const startedAt = typeof parsed.passStartedAt === 'string' ? new Date(parsed.passStartedAt) : null;
    if (typeof parsed.token === 'string' && parsed.token !== '' && startedAt && !Number.isNaN(startedAt.getTime())) {
      return { token: parsed.token, passStartedAt: startedAt };
    }
  } catch {
    // fall through
  }
  return null;
}

/**
 * The sync token a new pass asking for changes since `updatedSince` runs on, or null for a full pass. The token
 * returns what changed after its pass began, so it serves only callers that ask from no earlier than that
 * (less the tolerance); a full listing (no `updatedSince`) never runs on it.
 */
export function syncTokenFor(kept: AshbySyncState | null, updatedSince: Date | null): string | null {
  if (!kept || !updatedSince) return null;
  return updatedSince.getTime() >= kept.passStartedAt.getTime() - SYNC_TOKEN_TOLERANCE_MS ? kept.token : null;
}
