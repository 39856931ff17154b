import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { ErrorMessage, Loading, Pager, StatusBadge, shortId, useCursorPager, when } from '../ui';
import { useConnectionNames } from './overview.page';

const STATUSES = ['pending', 'processing', 'synced', 'unmatched', 'needs_review', 'skipped', 'failed'];
const FILTERS = ['status', 'connectionId', 'from', 'to', 'eventId', 'candidateId'] as const;
const PAGE_SIZE = 25;

/** `datetime-local` works in local time; the API takes ISO instants. */
const toLocalInput = (iso: string | null) => (iso ? new Date(new Date(iso).getTime() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16) : '');
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : '');

export default function SyncsPage() {
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? undefined]).filter(([, v]) => v)) as Partial<Record<(typeof FILTERS)[number], string>>;
  const pager = useCursorPager(params.toString());
  const names = useConnectionNames();
  const list = useQuery({
    queryKey: ['syncs', filter, pager.cursor],
    queryFn: () => unwrap(api.GET('/admin/syncs', { params: { query: { ...filter, limit: PAGE_SIZE, cursor: pager.cursor } } })),
    placeholderData: keepPreviousData,
  });
  const [draft, setDraft] = useState(() => ({ ...Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])) }) as Record<(typeof FILTERS)[number], string>);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const k of FILTERS) if (draft[k]) next.set(k, draft[k]);
    setParams(next);
  };
  const set = (k: (typeof FILTERS)[number]) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));
  return (
    <>
      <h1>Syncs</h1>
      <form onSubmit={apply} aria-label="Filter syncs">
        <div className="grid">
          <label>
            Status
            <select value={draft.status} onChange={set('status')}>
              <option value="">any</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s.replace('_', ' ')}
                </option>
              ))}
            </select>
          </label>
          <label>
            Connection
            <select value={draft.connectionId} onChange={set('connectionId')}>
              <option value="">any</option>
              {[...names].map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label>
            From
            <input type="datetime-local" value={toLocalInput(draft.from || null)} onChange={(e) => setDraft((d) => ({ ...d, from: fromLocalInput(e.target.value) }))} />
          </label>
          <label>
            To
            <input type="datetime-local" value={toLocalInput(draft.to || null)} onChange={(e) => setDraft((d) => ({ ...d, to: fromLocalInput(e.target.value) }))} />
          </label>
        </div>
        <div className="grid">
          <label>
            Event id
            <input value={draft.eventId} onChange={set('eventId')} />
          </label>
          <label>
            Candidate id
            <input value={draft.candidateId} onChange={set('candidateId')} />
          </label>
          <div className="actions" style={{ alignItems: 'end' }}>
            <button type="submit">Apply filters</button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setDraft(Object.fromEntries(FILTERS.map((k) => [k, ''])) as never);
                setParams(new URLSearchParams());
              }}
            >
              Clear filters
            </button>
          </div>
        </div>
      </form>
      {list.error && <ErrorMessage error={list.error} />}
      {list.isPending ? (
        <Loading what="syncs" />
      ) : (
        <>
          <div className="overflow-auto" tabIndex={0} role="region" aria-label="Syncs table">
            <table>
              <caption className="visually-hidden">Syncs, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Sync</th>
                  <th scope="col">Status</th>
                  <th scope="col">Event</th>
                  <th scope="col">Connection</th>
                  <th scope="col">Candidate</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last error</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {list.data?.items.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Link to={`/syncs/${s.id}`} aria-label={`Sync ${shortId(s.id)}`}>
                        {shortId(s.id)}
                      </Link>
                    </td>
                    <td>
                      <StatusBadge status={s.status} />
                    </td>
                    <td>
                      <code>{s.eventId}</code>
                    </td>
                    <td>{names.get(s.connectionId) ?? shortId(s.connectionId)}</td>
                    <td>{s.candidateName ?? s.candidateId ?? '—'}</td>
                    <td>{s.attempts}</td>
                    <td>{s.lastError ? <code>{s.lastError.code}</code> : '—'}</td>
                    <td>{when(s.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {list.data?.items.length === 0 && <p>No sync matches these filters.</p>}
          <Pager pager={pager} nextCursor={list.data?.nextCursor} label="Syncs" />
        </>
      )}
    </>
  );
}
