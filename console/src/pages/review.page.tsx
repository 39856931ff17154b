import { Anchor, Button, Card, Code, Group, List, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { EvidenceList, type EvidenceItem } from '../note-view';
import { reviewPageQuery, syncQuery, useMeeting } from '../queries';
import { ConfirmButton, DataTable, ErrorMessage, Loading, Pager, ReadOnlyNotice, StatusBadge, shortId, useCursorPager, when } from '../ui';
import { MeetingFacts } from './sync.page';

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
      <Title order={1} mb="md">
        Review queue
      </Title>
      <ReadOnlyNotice />
      {id ? <ReviewItem id={id} /> : <ReviewList />}
    </>
  );
}

function ReviewList() {
  const pager = useCursorPager('review');
  const list = useQuery({ ...reviewPageQuery(pager.cursor), placeholderData: keepPreviousData, refetchInterval: 10_000 });
  return (
    <>
      <Text mb="sm">Meetings Debrief could not attribute beyond doubt. Open one to compare its evidence with each candidate.</Text>
      {list.error && <ErrorMessage error={list.error} />}
      {list.isPending ? (
        <Loading what="the review queue" />
      ) : list.data?.items.length === 0 ? (
        <Text>Nothing waits for review.</Text>
      ) : (
        <DataTable label="Review queue table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Sync</Table.Th>
              <Table.Th scope="col">Event</Table.Th>
              <Table.Th scope="col">Arrived</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data?.items.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/review/${s.id}`}>
                    Review {shortId(s.id)}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Code>{s.eventId}</Code>
                </Table.Td>
                <Table.Td>{when(s.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </DataTable>
      )}
      <Pager pager={pager} nextCursor={list.data?.nextCursor} label="Review queue" />
    </>
  );
}

function ReviewItem({ id }: { id: string }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const sync = useQuery(syncQuery(id));
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
          Post this meeting's note on <strong>{name}</strong> (<Code>{candidateId}</Code>)? The note goes to the ATS at once and cannot be taken back from here.
        </>
      }
      confirmLabel={`Yes, post to ${name}`}
      onConfirm={() => resolve.mutate(candidateId)}
    />
  );
  return (
    <>
      <Group gap="xs" mb="sm">
        <Anchor component={Link} to="/review">
          ← All items
        </Anchor>
        <Text>
          · Sync{' '}
          <Anchor component={Link} to={`/syncs/${s.id}`}>
            {shortId(s.id)}
          </Anchor>
        </Text>
        <StatusBadge status={s.status} />
      </Group>
      {match.reason && <Text mb="sm">{match.reason}</Text>}
      <ErrorMessage error={resolve.error} />
      <div className="side-by-side">
        <Card withBorder component="article" aria-labelledby="evidence-h">
          <Title order={2} id="evidence-h" size="h3">
            The meeting
          </Title>
          <MeetingFacts meeting={meeting} purged={!!event.data?.payloadPurgedAt} />
          <Title order={3} size="h4">
            Evidence
          </Title>
          <EvidenceList evidence={match.evidence ?? []} />
        </Card>
        {alternatives.map((a) => {
          const c = byId.get(a.candidateId);
          return (
            <Card withBorder component="article" key={a.candidateId} aria-label={`Candidate ${a.displayName}`}>
              <Title order={2} size="h3">
                {a.displayName}
              </Title>
              <dl className="facts">
                <dt>Candidate id</dt>
                <dd>
                  <Code>{a.candidateId}</Code>
                </dd>
                <dt>Phones</dt>
                <dd>{c?.phones.join(', ') || '—'}</dd>
                <dt>Emails</dt>
                <dd>{c?.emails.join(', ') || '—'}</dd>
                <dt>Score</dt>
                <dd>{a.score}</dd>
              </dl>
              <Title order={3} size="h4">
                Why it scored
              </Title>
              <EvidenceList evidence={a.evidence} />
              {s.status !== 'synced' && <Group mt="md">{post(a.candidateId, a.displayName)}</Group>}
            </Card>
          );
        })}
      </div>
      {s.status !== 'synced' && <CandidateSearch connectionId={s.connectionId} post={post} />}
    </>
  );
}

function CandidateSearch({ connectionId, post }: { connectionId: string; post: (id: string, name: string) => ReactNode }) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const results = useQuery({
    queryKey: ['candidates', connectionId, 'q', q],
    enabled: q.length >= 2,
    queryFn: () => unwrap(api.GET('/admin/connections/{id}/candidates', { params: { path: { id: connectionId }, query: { q } } })),
  });
  return (
    <section aria-labelledby="search-h">
      <Title order={2} id="search-h" size="h3" mt="xl" mb="xs">
        Someone else?
      </Title>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(text.trim());
        }}
      >
        <Group align="flex-end">
          <TextInput
            label="Search the connection's candidates by name, email or phone"
            type="search"
            value={text}
            minLength={2}
            onChange={(e) => setText(e.currentTarget.value)}
            style={{ flex: 1, maxWidth: '32rem' }}
          />
          <Button type="submit">Search candidates</Button>
        </Group>
      </form>
      <ErrorMessage error={results.error} />
      {results.data && (
        <>
          <Text role="status" my="sm">
            {results.data.items.length} found{results.data.atsSearched ? ' (directory and ATS)' : ' (directory)'}
            {results.data.atsError && ` — the ATS search failed: ${results.data.atsError}`}
          </Text>
          <List spacing="xs">
            {results.data.items.map((c) => (
              <List.Item key={c.externalId}>
                <Group gap="xs">
                  <strong>{c.displayName}</strong> <Code>{c.externalId}</Code> {c.emails.join(', ')} {c.phones.join(', ')} <Text size="sm">({c.source})</Text>{' '}
                  {post(c.externalId, c.displayName)}
                </Group>
              </List.Item>
            ))}
          </List>
        </>
      )}
    </section>
  );
}
