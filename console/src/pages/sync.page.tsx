import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, getSync, unwrap } from '../api/client';
import { EvidenceList, NoteView, type EvidenceItem } from '../note-view';
import { ErrorMessage, Loading, ReadOnlyNotice, StatusBadge, WriteButton, when } from '../ui';

interface MatchRecord {
  decision?: string;
  reason?: string;
  score?: number;
  evidence?: EvidenceItem[];
  alternatives?: Array<{ candidateId: string; displayName: string; score: number; evidence: EvidenceItem[] }>;
}

export function useProviders() {
  return useQuery({ queryKey: ['providers'], queryFn: () => unwrap(api.GET('/admin/providers')), staleTime: Infinity });
}

/** The meeting as its webhook told it (name, time, who). */
export function useMeeting(eventId: string | undefined) {
  const event = useQuery({
    queryKey: ['event', eventId],
    enabled: !!eventId,
    queryFn: () => unwrap(api.GET('/admin/events/{id}', { params: { path: { id: eventId! } } })),
  });
  const payload = event.data?.payload as { data?: { meeting?: Record<string, unknown> } } | null | undefined;
  return { event, meeting: payload?.data?.meeting ?? null };
}

export function MeetingFacts({ meeting, purged }: { meeting: Record<string, unknown> | null; purged: boolean }) {
  if (!meeting) return <p>{purged ? 'The payload was purged by retention.' : 'Loading the meeting…'}</p>;
  const participants = Array.isArray(meeting.participants) ? (meeting.participants as string[]) : [];
  return (
    <dl>
      <dt>Meeting</dt>
      <dd>{String(meeting.name ?? '—')}</dd>
      <dt>About (atsRecordName)</dt>
      <dd>{String(meeting.atsRecordName ?? '—')}</dd>
      <dt>Started</dt>
      <dd>{when(meeting.startTime as string | undefined)}</dd>
      <dt>Owner</dt>
      <dd>{String((meeting.owner as { name?: string } | undefined)?.name ?? meeting.ownerName ?? '—')}</dd>
      <dt>Participants</dt>
      <dd>{participants.length ? participants.join(', ') : '—'}</dd>
    </dl>
  );
}

export default function SyncPage() {
  const { id } = useParams();
  const client = useQueryClient();
  const sync = useQuery({ queryKey: ['sync', id], queryFn: () => getSync(id!), refetchInterval: (q) => (['pending', 'processing'].includes(q.state.data?.status ?? '') ? 1000 : false) });
  const { event, meeting } = useMeeting(sync.data?.eventId);
  const connection = useQuery({
    queryKey: ['connection', sync.data?.connectionId],
    enabled: !!sync.data,
    queryFn: () => unwrap(api.GET('/admin/connections/{id}', { params: { path: { id: sync.data!.connectionId } } })),
  });
  const providers = useProviders();
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['sync', id] });
    void client.invalidateQueries({ queryKey: ['overview'] });
  };
  const retry = useMutation({ mutationFn: () => unwrap(api.POST('/admin/syncs/{id}/retry', { params: { path: { id: id! } } })), onSuccess: refresh });
  const replay = useMutation({
    mutationFn: () => unwrap(api.POST('/admin/events/{id}/replay', { params: { path: { id: sync.data!.eventId } } })),
    onSuccess: refresh,
  });
  if (sync.isPending) return <Loading what="the sync" />;
  if (sync.error) return <ErrorMessage error={sync.error} />;
  const s = sync.data;
  const match = (s.match ?? {}) as MatchRecord;
  const note = s.note as { title?: string; text?: string; html?: string; externalNoteId?: string; visibility?: string; postedAt?: string; remarks?: string[] } | null;
  const rich = providers.data?.items.find((p) => p.provider === connection.data?.provider)?.capabilities.richText ?? false;
  const resolvable = ['needs_review', 'unmatched', 'failed'].includes(s.status);
  return (
    <>
      <h1>
        Sync <code>{s.id.slice(0, 8)}</code> <StatusBadge status={s.status} />
      </h1>
      <ReadOnlyNotice />
      <div className="actions">
        <WriteButton onClick={() => retry.mutate()} aria-busy={retry.isPending}>
          Retry
        </WriteButton>
        <WriteButton className="secondary" onClick={() => replay.mutate()} aria-busy={replay.isPending}>
          Replay the event
        </WriteButton>
        {resolvable && (
          <Link role="button" className="contrast" to={`/review/${s.id}`}>
            Resolve: choose the candidate
          </Link>
        )}
      </div>
      <ErrorMessage error={retry.error ?? replay.error} />
      {replay.data && <p role="status">Replay created {replay.data.created} new sync(s).</p>}
      {retry.isSuccess && <p role="status">Queued again.</p>}
      <div className="grid-2">
        <section aria-labelledby="meeting-h">
          <h2 id="meeting-h">Meeting</h2>
          <MeetingFacts meeting={meeting} purged={!!event.data?.payloadPurgedAt} />
          <p>
            Event <code>{s.eventId}</code> on <Link to={`/syncs?connectionId=${s.connectionId}`}>{connection.data?.name ?? s.connectionId}</Link>
          </p>
        </section>
        <section aria-labelledby="match-h">
          <h2 id="match-h">Match</h2>
          <p>
            <strong>{match.decision ?? 'not matched yet'}</strong>
            {s.candidateId && (
              <>
                {' '}
                → <Link to={`/syncs?candidateId=${encodeURIComponent(s.candidateId)}`}>{s.candidateName ?? s.candidateId}</Link>
              </>
            )}
          </p>
          {match.reason && <p>{match.reason}</p>}
          {s.resolution && <p>Resolved by {String(s.resolution.by)} at {when(String(s.resolution.at))}.</p>}
          <h3>Evidence</h3>
          <EvidenceList evidence={match.evidence ?? []} />
          <h3>Alternatives</h3>
          {(match.alternatives ?? []).length === 0 ? (
            <p>None.</p>
          ) : (
            <ul>
              {match.alternatives!.map((a) => (
                <li key={a.candidateId}>
                  {a.displayName} (<code>{a.candidateId}</code>), score {a.score}
                  <EvidenceList evidence={a.evidence} />
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section aria-labelledby="note-h">
        <h2 id="note-h">Note as posted</h2>
        {note?.title ? (
          <>
            <NoteView title={note.title} text={note.text} html={note.html} format={rich ? 'html' : 'text'} visibility={s.visibility} />
            <p>
              {note.externalNoteId ? (
                <>
                  ATS note <code>{note.externalNoteId}</code>, posted {when(note.postedAt)}, visibility {note.visibility}
                </>
              ) : (
                'Not posted yet.'
              )}
              {s.visibilityReason && <> — {s.visibilityReason}</>}
            </p>
            {note.remarks?.map((r) => (
              <p key={r} className="notice">
                {r}
              </p>
            ))}
          </>
        ) : (
          <p>No note{s.visibilityReason ? `: ${s.visibilityReason}` : ' yet'}.</p>
        )}
        {s.noteUncertain && <p className="notice">The last attempt may have posted the note without seeing the answer; the next one looks first.</p>}
      </section>
      <section aria-labelledby="attempts-h">
        <h2 id="attempts-h">Attempts</h2>
        {s.attemptsHistory.length === 0 ? (
          <p>No attempt yet{s.nextAttemptAt ? `; due ${when(s.nextAttemptAt)}` : ''}.</p>
        ) : (
          <ol className="timeline">
            {s.attemptsHistory.map((a) => (
              <li key={a.attempt}>
                <strong>
                  #{a.attempt} {a.outcome}
                </strong>{' '}
                {when(a.startedAt)}
                {a.worker && <> on {a.worker}</>}
                {a.error && (
                  <p className="field-error">
                    <code>{a.error.code}</code> {a.error.message}
                  </p>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
