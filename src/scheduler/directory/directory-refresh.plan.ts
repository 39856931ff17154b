export type RefreshMode = 'full' | 'incremental';

/** A connection's refresh position as `directory_refresh_state` keeps it. */
export interface RefreshState {
  mode: RefreshMode | null;
  cursor: string | null;
  updatedSince: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Start of the last completed refresh: everything updated before it is in the directory. */
  watermark: Date | null;
  /** Set by the full-refresh schedule (or an operator); cleared by a full refresh that started after it. */
  fullRequestedAt: Date | null;
  lastFullAt: Date | null;
}

export type RefreshPlan =
  | { action: 'resume'; mode: RefreshMode; cursor: string | null; updatedSince: Date | null }
  | { action: 'start'; mode: RefreshMode; updatedSince: Date | null }
  | { action: 'none'; reason: string };

/**
 * How far back an incremental listing reaches before the last completed refresh started: the ATS's clock
 * and ours differ, and a candidate saved while the last listing ran may carry a slightly earlier time.
 */
export const INCREMENTAL_OVERLAP_MS = 5 * 60_000;

/**
 * What a refresh run does for one connection. An unfinished refresh is resumed from its saved cursor, unless
 * a full one is wanted and the unfinished one is incremental (a full listing covers it). A full refresh is
 * wanted until one has completed, and after each request; otherwise an incremental one runs from the
 * watermark when the ATS can list by updated-since, and nothing runs when it cannot.
 */
export function planRefresh(state: RefreshState | null, incrementalListing: boolean): RefreshPlan {
  const fullWanted = !state || state.lastFullAt === null || state.fullRequestedAt !== null;
  const inProgress = state !== null && state.startedAt !== null && state.finishedAt === null && state.mode !== null;
  if (inProgress && !(fullWanted && state.mode === 'incremental')) {
    return { action: 'resume', mode: state.mode!, cursor: state.cursor, updatedSince: state.updatedSince };
  }
  if (fullWanted || state.watermark === null) return { action: 'start', mode: 'full', updatedSince: null };
  if (!incrementalListing) {
    return { action: 'none', reason: 'this ATS cannot list by updated-since; the directory is refreshed by the full-refresh schedule' };
  }
  return { action: 'start', mode: 'incremental', updatedSince: new Date(state.watermark.getTime() - INCREMENTAL_OVERLAP_MS) };
}
