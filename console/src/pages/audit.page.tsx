import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { ErrorMessage, Loading, Pager, useCursorPager, when } from '../ui';

const FILTERS = ['action', 'targetType', 'targetId', 'actor'] as const;

export default function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? undefined]).filter(([, v]) => v));
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])));
  const pager = useCursorPager(params.toString());
  const list = useQuery({
    queryKey: ['audit', filter, pager.cursor],
    queryFn: () => unwrap(api.GET('/admin/audit', { params: { query: { ...filter, limit: 50, cursor: pager.cursor } } })),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <h1>Audit log</h1>
      <form
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          const next = new URLSearchParams();
          for (const k of FILTERS) if (draft[k]) next.set(k, draft[k]!);
          setParams(next);
        }}
      >
        <div className="grid">
          {FILTERS.map((k) => (
            <label key={k}>
              {k === 'targetType' ? 'Target type' : k === 'targetId' ? 'Target id' : k === 'action' ? 'Action' : 'Actor'}
              <input value={draft[k]} onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} />
            </label>
          ))}
        </div>
        <button type="submit" style={{ width: 'auto' }}>
          Apply filters
        </button>
      </form>
      {list.error && <ErrorMessage error={list.error} />}
      {list.isPending ? (
        <Loading what="the audit log" />
      ) : (
        <div className="overflow-auto" tabIndex={0} role="region" aria-label="Audit entries table">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {list.data?.items.map((e) => (
                <tr key={e.id}>
                  <td>{when(e.at)}</td>
                  <td>{e.actor}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    {e.targetType} <code>{e.targetId ?? ''}</code>
                  </td>
                  <td>
                    <code style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(e.detail)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager pager={pager} nextCursor={list.data?.nextCursor} label="Audit log" />
    </>
  );
}
