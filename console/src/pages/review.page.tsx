import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, getSync, unwrap } from '../api/client';
import { EvidenceList, type EvidenceItem } from '../note-view';
import { ConfirmButton, ErrorMessage, Loading, Pager, ReadOnlyNotice, StatusBadge, shortId, useCursorPager, when } from '../ui';
import { MeetingFacts, useMeeting } from './sync.page';

interface Alternative {
  candidateId: string;
  displayName: string;
  score: number;
  evidence: EvidenceItem[];
}

export default function ReviewPage() {
  const { id } = useParams();
  return (
    <>
      <h1>Review queue</h1>
      <ReadOnlyNotice />
      {id ? <ReviewItem id={id} /> : <ReviewList />}
    </>
  );
}

function ReviewList() {
  const pager = useCursorPager('review');
  const list = useQuery({
    queryKey: ['syncs', 'review', pager.cursor],
    queryFn: () => unwrap(api.GET('/admin/syncs', { params: { query: { status: 'needs_review', limit: 25, cursor: pager.cursor } } })),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
  if (list.isPending) return <Loading what="the review queue" />;
  if (list.error) return <ErrorMessage error={list.error} />;
  return (
    <>
      <p>Meetings Debrief could not attribute beyond doubt. Open one to compare its evidence with each candidate.</p>
      {list.data.items.length === 0 ? (
        <p>Nothing waits for review.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Sync</th>
              <th scope="col">Event</th>
              <th scope="col">Arrived</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/review/${s.id}`}>Review {shortId(s.id)}</Link>
                </td>
                <td>
                  <code>{s.eventId}</code>
                </td>
                <td>{when(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pager={pager} nextCursor={list.data.nextCursor} label="Review queue" />
    </>
  );
}

function ReviewItem({ id }: { id: string }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const sync = useQuery({ queryKey: ['sync', id], queryFn: () => getSync(id) });
  const { event, meeting } = useMeeting(sync.data?.eventId);
  const match = (sync.data?.match ?? {}) as { reason?: string; evidence?: EvidenceItem[]; alternatives?: Alternative[] };
  const alternatives = match.alternatives ?? [];
  const connectionId = sync.data?.connectionId;
  // The alternatives' phones and emails, from the directory.
  const details = useQuery({
    queryKey: ['candidates', connectionId, alternatives.map((a) => a.candidateId).join(',')],
    enabled: !!connectionId && alternatives.length > 0,
    queryFn: () =>
      unwrap(api.GET('/admin/connections/{id}/candidates', { params: { path: { id: connectionId! }, query: { ids: alternatives.map((a) => a.candidateId).join(',') } } })),
  });
  const byId = new Map((details.data?.items ?? []).map((c) => [c.externalId, c]));
  const resolve = useMutation({
    mutationFn: (candidateId: string) => unwrap(api.POST('/admin/syncs/{id}/resolve', { params: { path: { id } }, body: { candidateId } })),
    onSuccess: () => {
      // The sync's page must not open on the copy read before the resolution (it would still say needs_review).
      void client.invalidateQueries({ queryKey: ['sync', id] });
      void client.invalidateQueries({ queryKey: ['overview'] });
      void client.invalidateQueries({ queryKey: ['syncs'] });
      void navigate(`/syncs/${id}`);
    },
  });
  if (sync.isPending) return <Loading what="the sync" />;
  if (sync.error) return <ErrorMessage error={sync.error} />;
  const s = sync.data;
  const post = (candidateId: string, name: string) => (
    <ConfirmButton
      label={`Post to ${name}`}
      question={
        <>
          Post this meeting's note on <strong>{name}</strong> (<code>{candidateId}</code>)? The note goes to the ATS at once and cannot be taken back from here.
        </>
      }
      confirmLabel={`Yes, post to ${name}`}
      onConfirm={() => resolve.mutate(candidateId)}
    />
  );
  return (
    <>
      <p>
        <Link to="/review">← All items</Link> · Sync <Link to={`/syncs/${s.id}`}>{shortId(s.id)}</Link> <StatusBadge status={s.status} />
      </p>
      {match.reason && <p>{match.reason}</p>}
      <ErrorMessage error={resolve.error} />
      <div className="side-by-side">
        <article aria-labelledby="evidence-h">
          <h2 id="evidence-h">The meeting</h2>
          <MeetingFacts meeting={meeting} purged={!!event.data?.payloadPurgedAt} />
          <h3>Evidence</h3>
          <EvidenceList evidence={match.evidence ?? []} />
        </article>
        {alternatives.map((a) => {
          const c = byId.get(a.candidateId);
          return (
            <article key={a.candidateId} aria-label={`Candidate ${a.displayName}`}>
              <h2>{a.displayName}</h2>
              <dl>
                <dt>Candidate id</dt>
                <dd>
                  <code>{a.candidateId}</code>
                </dd>
                <dt>Phones</dt>
                <dd>{c?.phones.join(', ') || '—'}</dd>
                <dt>Emails</dt>
                <dd>{c?.emails.join(', ') || '—'}</dd>
                <dt>Score</dt>
                <dd>{a.score}</dd>
              </dl>
              <h3>Why it scored</h3>
              <EvidenceList evidence={a.evidence} />
              {s.status !== 'synced' && post(a.candidateId, a.displayName)}
            </article>
          );
        })}
      </div>
      {s.status !== 'synced' && <CandidateSearch connectionId={s.connectionId} post={post} />}
    </>
  );
}

function CandidateSearch({ connectionId, post }: { connectionId: string; post: (id: string, name: string) => React.ReactNode }) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const results = useQuery({
    queryKey: ['candidates', connectionId, 'q', q],
    enabled: q.length >= 2,
    queryFn: () => unwrap(api.GET('/admin/connections/{id}/candidates', { params: { path: { id: connectionId }, query: { q } } })),
  });
  return (
    <section aria-labelledby="search-h">
      <h2 id="search-h">Someone else?</h2>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(text.trim());
        }}
      >
        <label>
          Search the connection's candidates by name, email or phone
          <input type="search" value={text} minLength={2} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit">Search candidates</button>
      </form>
      <ErrorMessage error={results.error} />
      {results.data && (
        <>
          <p role="status">
            {results.data.items.length} found{results.data.atsSearched ? ' (directory and ATS)' : ' (directory)'}
            {results.data.atsError && ` — the ATS search failed: ${results.data.atsError}`}
          </p>
          <ul>
            {results.data.items.map((c) => (
              <li key={c.externalId}>
                <strong>{c.displayName}</strong> <code>{c.externalId}</code> {c.emails.join(', ')} {c.phones.join(', ')} <small>({c.source})</small> {post(c.externalId, c.displayName)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
