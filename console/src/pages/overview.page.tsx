import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { useOverview } from '../app';
import { ErrorMessage, Loading, when } from '../ui';

const STATUSES = ['pending', 'processing', 'synced', 'unmatched', 'needs_review', 'skipped', 'failed'] as const;

export function useConnectionNames() {
  const q = useQuery({
    queryKey: ['connections', 'names'],
    // The first page names the connections an overview shows; a larger estate pages on the connections page.
    queryFn: () => unwrap(api.GET('/admin/connections', { params: { query: { limit: 200 } } })),
    staleTime: 30_000,
  });
  return new Map((q.data?.items ?? []).map((c) => [c.id, `${c.name} (${c.provider})`]));
}

export function OverviewPage() {
  const overview = useOverview();
  const jobs = useQuery({ queryKey: ['jobs'], queryFn: () => unwrap(api.GET('/admin/jobs')), refetchInterval: 15_000 });
  const names = useConnectionNames();
  const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  if (overview.isPending) return <Loading what="the overview" />;
  if (overview.error) return <ErrorMessage error={overview.error} />;
  const o = overview.data;
  return (
    <>
      <h1>Overview</h1>
      <section aria-labelledby="review-h">
        <h2 id="review-h">Waiting for review</h2>
        <p>
          <Link to="/review" className="big-number">
            {o.needsReview} meeting{o.needsReview === 1 ? '' : 's'} waiting for review
          </Link>
        </p>
      </section>
      <section aria-labelledby="syncs-h">
        <h2 id="syncs-h">Syncs by status</h2>
        {o.connections.length === 0 ? (
          <p>No syncs yet. <Link to="/connections">Connect an ATS</Link>, then send a meeting.</p>
        ) : (
          <div className="overflow-auto" tabIndex={0} role="region" aria-label="Syncs by status table">
            <table>
              <thead>
                <tr>
                  <th scope="col">Connection</th>
                  {STATUSES.map((s) => (
                    <th scope="col" key={s}>
                      {s.replace('_', ' ')}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {o.connections.map((c) => (
                  <tr key={c.connectionId}>
                    <th scope="row">
                      <Link to={`/syncs?connectionId=${c.connectionId}`}>{names.get(c.connectionId) ?? c.connectionId}</Link>
                    </th>
                    {STATUSES.map((s) => (
                      <td key={s}>
                        <Link to={`/syncs?connectionId=${c.connectionId}&status=${s}`} aria-label={`${c.counts[s]} ${s.replace('_', ' ')} for ${names.get(c.connectionId) ?? c.connectionId}`}>
                          {c.counts[s]}
                        </Link>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <div className="grid-2">
        <section aria-labelledby="queue-h">
          <h2 id="queue-h">Queue</h2>
          <p>
            <Link to="/syncs?status=pending">{o.queue.due} due now</Link>, <Link to="/syncs?status=processing">{o.queue.processing} processing</Link>
          </p>
          <p>Oldest due sync waiting since: {when(o.queue.oldestDueAt)}</p>
        </section>
        <section aria-labelledby="failures-h">
          <h2 id="failures-h">Failures in the last 24 h</h2>
          {o.failuresLast24h.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul>
              {o.failuresLast24h.map((f) => (
                <li key={f.code}>
                  <Link to={`/syncs?status=failed&from=${encodeURIComponent(since)}`}>
                    <code>{f.code}</code>: {f.count} attempt{f.count === 1 ? '' : 's'}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section aria-labelledby="jobs-h">
        <h2 id="jobs-h">Jobs</h2>
        {jobs.error && <ErrorMessage error={jobs.error} />}
        <ul>
          {jobs.data?.jobs.map((j) => (
            <li key={j.name}>
              <Link to="/jobs">{j.name}</Link>: last run {j.lastRun ? `${when(j.lastRun.startedAt)}, ${j.lastRun.outcome}` : 'never'}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
