import { Anchor, Button, Code, Group, List, SimpleGrid, Text, Timeline, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, unwrap, type SyncDetail } from '../api/client';
import { EvidenceList, NoteView, type EvidenceItem } from '../note-view';
import { inFlight, syncQuery, useConnectionList, useMeeting, useProviders } from '../queries';
import { ErrorMessage, Loading, Notice, ReadOnlyNotice, StatusBadge, StatusMessage, WriteButton, shortId, when } from '../ui';

interface MatchRecord {
  decision?: string;
  reason?: string;
  score?: number;
  evidence?: EvidenceItem[];
  alternatives?: Array<{ candidateId: string; displayName: string; score: number; evidence: EvidenceItem[] }>;
}

export function MeetingFacts({ meeting, purged }: { meeting: Record<string, unknown> | null; purged: boolean }) {
  if (!meeting) return <Text>{purged ? 'The payload was purged by retention.' : 'Loading the meeting…'}</Text>;
  const participants = Array.isArray(meeting.participants) ? (meeting.participants as string[]) : [];
  return (
    <dl className="facts">
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
  // The sync, the connections' names and the providers' capabilities are asked side by side; only the meeting
  // (the event the sync names) waits for the sync.
  const sync = useQuery({ ...syncQuery(id!), refetchInterval: (q) => (inFlight(q.state.data?.status) ? 1000 : false) });
  const connections = useConnectionList();
  const providers = useProviders();
  const { event, meeting } = useMeeting(sync.data?.eventId);
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['sync', id] });
    void client.invalidateQueries({ queryKey: ['overview'] });
  };
  const retry = useMutation({ mutationFn: () => unwrap(api.POST('/admin/syncs/{id}/retry', { params: { path: { id: id! } } })), onSuccess: refresh });
  const replay = useMutation({
    mutationFn: () => unwrap(api.POST('/admin/events/{id}/replay', { params: { path: { id: sync.data!.eventId } } })),
    onSuccess: refresh,
  });
  const s = sync.data;
  return (
    <>
      <Title order={1} mb="md">
        Sync <Code fz="inherit">{shortId(id ?? '')}</Code> {s && <StatusBadge status={s.status} />}
      </Title>
      {sync.error && <ErrorMessage error={sync.error} />}
      {!s ? (
        !sync.error && <Loading what="the sync" />
      ) : (
        <SyncBody
          s={s}
          meeting={meeting}
          purged={!!event.data?.payloadPurgedAt}
          connection={connections.find((c) => c.id === s.connectionId)}
          rich={providers.data?.items.find((p) => p.provider === connections.find((c) => c.id === s.connectionId)?.provider)?.capabilities.richText ?? false}
          retry={retry}
          replay={replay}
        />
      )}
    </>
  );
}


function SyncBody({
  s,
  meeting,
  purged,
  connection,
  rich,
  retry,
  replay,
}: {
  s: SyncDetail;
  meeting: Record<string, unknown> | null;
  purged: boolean;
  connection: { name: string; provider: string } | undefined;
  rich: boolean;
  retry: { mutate: () => void; isPending: boolean; isSuccess: boolean; error: unknown };
  replay: { mutate: () => void; isPending: boolean; error: unknown; data?: { created: number } };
}) {
  const match = (s.match ?? {}) as MatchRecord;
  const note = s.note as { title?: string; text?: string; html?: string; externalNoteId?: string; visibility?: string; postedAt?: string; remarks?: string[] } | null;
  const resolvable = ['needs_review', 'unmatched', 'failed'].includes(s.status);
  return (
    <>
      <ReadOnlyNotice />
      <Group gap="sm">
        <WriteButton onClick={() => retry.mutate()} loading={retry.isPending}>
          Retry
        </WriteButton>
        <WriteButton variant="light" onClick={() => replay.mutate()} loading={replay.isPending}>
          Replay the event
        </WriteButton>
        {resolvable && (
          <Button component={Link} to={`/review/${s.id}`} variant="outline">
            Resolve: choose the candidate
          </Button>
        )}
      </Group>
      <ErrorMessage error={retry.error ?? replay.error} />
      {replay.data && <StatusMessage>Replay created {replay.data.created} new sync(s).</StatusMessage>}
      {retry.isSuccess && <StatusMessage>Queued again.</StatusMessage>}
      <SimpleGrid cols={{ base: 1, md: 2 }} mt="md" spacing="xl">
        <section aria-labelledby="meeting-h">
          <Title order={2} id="meeting-h" size="h3">
            Meeting
          </Title>
          <MeetingFacts meeting={meeting} purged={purged} />
          <Text>
            Event <Code>{s.eventId}</Code> on{' '}
            <Anchor component={Link} to={`/syncs?connectionId=${s.connectionId}`}>
              {connection ? `${connection.name} (${connection.provider})` : s.connectionId}
            </Anchor>
          </Text>
        </section>
        <section aria-labelledby="match-h">
          <Title order={2} id="match-h" size="h3">
            Match
          </Title>
          <Text>
            <strong>{match.decision ?? 'not matched yet'}</strong>
            {s.candidateId && (
              <>
                {' '}
                →{' '}
                <Anchor component={Link} to={`/syncs?candidateId=${encodeURIComponent(s.candidateId)}`}>
                  {s.candidateName ?? s.candidateId}
                </Anchor>
              </>
            )}
          </Text>
          {match.reason && <Text>{match.reason}</Text>}
          {s.resolution && (
            <Text>
              Resolved by {String(s.resolution.by)} at {when(String(s.resolution.at))}.
            </Text>
          )}
          <Title order={3} size="h4" mt="sm">
            Evidence
          </Title>
          <EvidenceList evidence={match.evidence ?? []} />
          <Title order={3} size="h4" mt="sm">
            Alternatives
          </Title>
          {(match.alternatives ?? []).length === 0 ? (
            <Text>None.</Text>
          ) : (
            <List>
              {match.alternatives!.map((a) => (
                <List.Item key={a.candidateId}>
                  {a.displayName} (<Code>{a.candidateId}</Code>), score {a.score}
                  <EvidenceList evidence={a.evidence} />
                </List.Item>
              ))}
            </List>
          )}
        </section>
      </SimpleGrid>
      <section aria-labelledby="note-h">
        <Title order={2} id="note-h" size="h3" mt="lg" mb="xs">
          Note as posted
        </Title>
        {note?.title ? (
          <>
            <NoteView title={note.title} text={note.text} html={note.html} format={rich ? 'html' : 'text'} visibility={s.visibility} />
            <Text mt="xs">
              {note.externalNoteId ? (
                <>
                  ATS note <Code>{note.externalNoteId}</Code>, posted {when(note.postedAt)}, visibility {note.visibility}
                </>
              ) : (
                'Not posted yet.'
              )}
              {s.visibilityReason && <> — {s.visibilityReason}</>}
            </Text>
            {note.remarks?.map((r) => (
              <Notice key={r}>{r}</Notice>
            ))}
          </>
        ) : (
          <Text>No note{s.visibilityReason ? `: ${s.visibilityReason}` : ' yet'}.</Text>
        )}
        {s.noteUncertain && <Notice>The last attempt may have posted the note without seeing the answer; the next one looks first.</Notice>}
      </section>
      <section aria-labelledby="attempts-h">
        <Title order={2} id="attempts-h" size="h3" mt="lg" mb="xs">
          Attempts
        </Title>
        {s.attemptsHistory.length === 0 ? (
          <Text>
            No attempt yet{s.nextAttemptAt ? `; due ${when(s.nextAttemptAt)}` : ''}.
          </Text>
        ) : (
          <Timeline active={s.attemptsHistory.length - 1} bulletSize={14} lineWidth={2} component="ol" aria-label="Attempts, oldest first">
            {s.attemptsHistory.map((a) => (
              <Timeline.Item
                key={a.attempt}
                component="li"
                color={a.error ? 'red' : undefined}
                title={
                  <>
                    #{a.attempt} {a.outcome}
                  </>
                }
              >
                <Text size="sm">
                  {when(a.startedAt)}
                  {a.worker && <> on {a.worker}</>}
                </Text>
                {a.error && (
                  <Text size="sm" c="red.9">
                    <Code>{a.error.code}</Code> {a.error.message}
                  </Text>
                )}
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </section>
    </>
  );
}
