import { INCREMENTAL_OVERLAP_MS, planRefresh, RefreshState } from './directory-refresh.plan';

const t = (iso: string) => new Date(iso);
const done: RefreshState = {
  mode: 'full',
  cursor: null,
  updatedSince: null,
  startedAt: t('2026-03-01T03:00:00Z'),
  finishedAt: t('2026-03-01T03:10:00Z'),
  watermark: t('2026-03-01T03:00:00Z'),
  fullRequestedAt: null,
  lastFullAt: t('2026-03-01T03:10:00Z'),
};

describe('planRefresh', () => {
  it('starts with a full refresh when the connection was never refreshed', () => {
    expect(planRefresh(null, true)).toEqual({ action: 'start', mode: 'full', updatedSince: null });
  });

  it('refreshes incrementally from a little before the last completed refresh started', () => {
    expect(planRefresh(done, true)).toEqual({
      action: 'start',
      mode: 'incremental',
      updatedSince: new Date(done.watermark!.getTime() - INCREMENTAL_OVERLAP_MS),
    });
  });

  it('does nothing between full refreshes when the ATS cannot list incrementally', () => {
    expect(planRefresh(done, false)).toMatchObject({ action: 'none' });
  });

  it('resumes an unfinished refresh from its saved cursor', () => {
    const crashed: RefreshState = { ...done, startedAt: t('2026-03-02T03:00:00Z'), finishedAt: null, cursor: 'page-3', mode: 'full', fullRequestedAt: t('2026-03-02T03:00:00Z') };
    expect(planRefresh(crashed, true)).toEqual({ action: 'resume', mode: 'full', cursor: 'page-3', updatedSince: null });
  });

  it('resumes an unfinished incremental refresh with its own updated-since', () => {
    const since = t('2026-03-01T02:55:00Z');
    const crashed: RefreshState = { ...done, mode: 'incremental', startedAt: t('2026-03-01T04:00:00Z'), finishedAt: null, cursor: 'c2', updatedSince: since };
    expect(planRefresh(crashed, true)).toEqual({ action: 'resume', mode: 'incremental', cursor: 'c2', updatedSince: since });
  });

  it('replaces an unfinished incremental refresh by a full one when a full one is requested', () => {
    const state: RefreshState = { ...done, mode: 'incremental', startedAt: t('2026-03-01T04:00:00Z'), finishedAt: null, cursor: 'c2', fullRequestedAt: t('2026-03-01T04:05:00Z') };
    expect(planRefresh(state, true)).toEqual({ action: 'start', mode: 'full', updatedSince: null });
  });

  it('starts a requested full refresh even for an ATS without incremental listing', () => {
    expect(planRefresh({ ...done, fullRequestedAt: t('2026-03-02T03:00:00Z') }, false)).toEqual({ action: 'start', mode: 'full', updatedSince: null });
  });

  it('keeps wanting a full refresh until one completes', () => {
    const failedFirst: RefreshState = { ...done, lastFullAt: null, watermark: null, startedAt: t('2026-03-01T03:00:00Z'), finishedAt: null, cursor: null };
    expect(planRefresh(failedFirst, true)).toEqual({ action: 'resume', mode: 'full', cursor: null, updatedSince: null });
  });
});
