import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import sample from '../../src/meeting/meeting-completed.sample.json';
import { api, getSync, unwrap } from './api/client';

/**
 * Queries more than one page reads, as options shared by the pages and by `prefetchRoute`: a page's data is
 * asked for while its chunk is still loading, side by side rather than one after the other.
 */

export const sessionQuery = (token: string) =>
  queryOptions({ queryKey: ['session', token], queryFn: () => unwrap(api.GET('/admin/session')), staleTime: Infinity });

export const overviewQuery = queryOptions({ queryKey: ['overview'], queryFn: () => unwrap(api.GET('/admin/overview')), refetchInterval: 10_000 });

export const jobsQuery = queryOptions({ queryKey: ['jobs'], queryFn: () => unwrap(api.GET('/admin/jobs')) });

// The first page names the connections the pages show; a larger estate pages on the connections page.
export const connectionListQuery = queryOptions({
  queryKey: ['connections', 'names'],
  queryFn: () => unwrap(api.GET('/admin/connections', { params: { query: { limit: 200 } } })),
  staleTime: 30_000,
});

export const providersQuery = queryOptions({ queryKey: ['providers'], queryFn: () => unwrap(api.GET('/admin/providers')), staleTime: Infinity });

export const syncQuery = (id: string) => queryOptions({ queryKey: ['sync', id], queryFn: () => getSync(id) });

export const connectionQuery = (id: string) =>
  queryOptions({ queryKey: ['connection', id], queryFn: () => unwrap(api.GET('/admin/connections/{id}', { params: { path: { id } } })) });

export const mappingQuery = (id: string) =>
  queryOptions({ queryKey: ['mapping', id], queryFn: () => unwrap(api.GET('/admin/connections/{id}/mapping', { params: { path: { id } } })) });

export const MAPPING_VERSIONS_PAGE = 10;

export const mappingVersionsQuery = (id: string, cursor?: string) =>
  queryOptions({
    queryKey: ['mapping-versions', id, cursor ?? null],
    queryFn: () => unwrap(api.GET('/admin/connections/{id}/mapping/versions', { params: { path: { id }, query: { limit: MAPPING_VERSIONS_PAGE, cursor } } })),
  });

export const mappingVersionQuery = (id: string, version: number) =>
  queryOptions({
    queryKey: ['mapping-version', id, version],
    queryFn: () => unwrap(api.GET('/admin/connections/{id}/mapping/versions/{version}', { params: { path: { id, version } } })),
    staleTime: Infinity, // a saved version never changes
  });

export const SYNC_FILTERS = ['status', 'connectionId', 'from', 'to', 'eventId', 'candidateId'] as const;
export type SyncFilter = Partial<Record<(typeof SYNC_FILTERS)[number], string>>;
export const SYNCS_PAGE = 25;

/** The filters a syncs URL carries (`?status=failed&connectionId=…`), the empty ones left out. */
export const syncFilterOf = (params: URLSearchParams): SyncFilter =>
  Object.fromEntries(SYNC_FILTERS.map((k) => [k, params.get(k) ?? undefined]).filter(([, v]) => v));

/** A sync a worker has yet to finish: pages showing one ask again until it has. */
export const inFlight = (status: string | undefined) => status === 'pending' || status === 'processing';

export const syncsPageQuery = (filter: SyncFilter, cursor?: string) =>
  queryOptions({
    queryKey: ['syncs', filter, cursor ?? null],
    queryFn: () => unwrap(api.GET('/admin/syncs', { params: { query: { ...filter, limit: SYNCS_PAGE, cursor } } })),
  });

export const reviewPageQuery = (cursor?: string) =>
  queryOptions({
    queryKey: ['syncs', 'review', cursor ?? null],
    queryFn: () => unwrap(api.GET('/admin/syncs', { params: { query: { status: 'needs_review', limit: 25, cursor } } })),
  });

export const connectionsPageQuery = (cursor?: string) =>
  queryOptions({
    queryKey: ['connections', cursor ?? null],
    queryFn: () => unwrap(api.GET('/admin/connections', { params: { query: { limit: 25, cursor } } })),
  });

/**
 * The note the provider's sample would make with the mapping in force (no `mapping` in the request): it needs no
 * answer first, so the mapping page asks for it at once. Saving a version invalidates it.
 */
export const savedSamplePreviewQuery = (id: string) =>
  queryOptions({
    queryKey: ['preview', id, 'saved', 'sample'] as unknown[],
    queryFn: () => unwrap(api.POST('/admin/connections/{id}/preview', { params: { path: { id } }, body: { payload: sample as unknown } })),
    retry: false,
  });

/**
 * Starts the requests of the page at `pathname` (the part after /console) before its code has arrived; the
 * page's own queries then find them in flight or answered.
 */
export function prefetchRoute(client: QueryClient, pathname: string, search = ''): void {
  const prefetch = (options: { queryKey: readonly unknown[]; queryFn?: unknown }) => void client.prefetchQuery(options as never);
  // A sync's meeting is its event: asked for as soon as the sync names it, without waiting for the page's code.
  const syncAndMeeting = (id: string) =>
    void client
      .fetchQuery(syncQuery(id))
      .then((sync) => prefetch(eventQuery(sync.eventId)))
      .catch(() => undefined); // the page shows the error when it asks
  let m: RegExpExecArray | null;
  if (pathname === '/syncs') {
    prefetch(syncsPageQuery(syncFilterOf(new URLSearchParams(search))));
    prefetch(connectionListQuery);
  } else if (pathname === '/review') {
    prefetch(reviewPageQuery());
  } else if (pathname === '/connections') {
    prefetch(connectionsPageQuery());
  } else if ((m = /^\/review\/([^/]+)$/.exec(pathname))) {
    syncAndMeeting(m[1]!);
  } else if ((m = /^\/syncs\/([^/]+)$/.exec(pathname))) {
    syncAndMeeting(m[1]!);
    prefetch(connectionListQuery);
    prefetch(providersQuery);
  } else if ((m = /^\/connections\/([^/]+)\/mapping$/.exec(pathname))) {
    prefetch(connectionQuery(m[1]!));
    prefetch(mappingQuery(m[1]!));
    prefetch(mappingVersionsQuery(m[1]!));
    prefetch(savedSamplePreviewQuery(m[1]!));
  } else if (pathname === '/' || pathname === '') {
    prefetch(overviewQuery);
    prefetch(jobsQuery);
    prefetch(connectionListQuery);
  } else if (pathname === '/jobs') {
    prefetch(jobsQuery);
  }
}

export function useConnectionList() {
  return useQuery(connectionListQuery).data?.items ?? [];
}

export function useConnectionNames() {
  return new Map(useConnectionList().map((c) => [c.id, `${c.name} (${c.provider})`]));
}

export function useProviders() {
  return useQuery(providersQuery);
}

export const eventQuery = (id: string) =>
  queryOptions({ queryKey: ['event', id], queryFn: () => unwrap(api.GET('/admin/events/{id}', { params: { path: { id } } })) });

/** The meeting as its webhook told it (name, time, who). */
export function useMeeting(eventId: string | undefined) {
  const event = useQuery({ ...eventQuery(eventId ?? ''), enabled: !!eventId });
  const payload = event.data?.payload as { data?: { meeting?: Record<string, unknown> } } | null | undefined;
  return { event, meeting: payload?.data?.meeting ?? null };
}
