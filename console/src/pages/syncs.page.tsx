import { Anchor, Button, Code, Group, NativeSelect, SimpleGrid, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { SYNC_FILTERS as FILTERS, inFlight, syncFilterOf, syncsPageQuery, useConnectionNames } from '../queries';
import { DataTable, ErrorMessage, Loading, Pager, StatusBadge, shortId, useCursorPager, when } from '../ui';

const STATUSES = ['pending', 'processing', 'synced', 'unmatched', 'needs_review', 'skipped', 'failed'];

/** `datetime-local` works in local time; the API takes ISO instants. */
const toLocalInput = (iso: string | null) => (iso ? new Date(new Date(iso).getTime() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16) : '');
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : '');

export default function SyncsPage() {
  const [params, setParams] = useSearchParams();
  const filter = syncFilterOf(params);
  const pager = useCursorPager(params.toString());
  const names = useConnectionNames();
  const list = useQuery({
    ...syncsPageQuery(filter, pager.cursor),
    placeholderData: keepPreviousData,
    // While a listed sync is still being worked on, the list follows it to its outcome.
    refetchInterval: (q) => (q.state.data?.items.some((s) => inFlight(s.status)) ? 2000 : false),
  });
  const [draft, setDraft] = useState(() => ({ ...Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])) }) as Record<(typeof FILTERS)[number], string>);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const k of FILTERS) if (draft[k]) next.set(k, draft[k]);
    setParams(next);
  };
  const set = (k: (typeof FILTERS)[number]) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setDraft((d) => ({ ...d, [k]: value }));
  };
  return (
    <>
      <Title order={1} mb="md">
        Syncs
      </Title>
      <form onSubmit={apply} aria-label="Filter syncs">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
          <NativeSelect label="Status" value={draft.status} onChange={set('status')} data={[{ value: '', label: 'any' }, ...STATUSES.map((s) => ({ value: s, label: s.replace('_', ' ') }))]} />
          <NativeSelect
            label="Connection"
            value={draft.connectionId}
            onChange={set('connectionId')}
            data={[{ value: '', label: 'any' }, ...[...names].map(([id, name]) => ({ value: id, label: name }))]}
          />
          <TextInput label="From" type="datetime-local" value={toLocalInput(draft.from || null)} onChange={(e) => setDraft((d) => ({ ...d, from: fromLocalInput(e.target.value) }))} />
          <TextInput label="To" type="datetime-local" value={toLocalInput(draft.to || null)} onChange={(e) => setDraft((d) => ({ ...d, to: fromLocalInput(e.target.value) }))} />
          <TextInput label="Event id" value={draft.eventId} onChange={set('eventId')} />
          <TextInput label="Candidate id" value={draft.candidateId} onChange={set('candidateId')} />
        </SimpleGrid>
        <Group mt="md">
          <Button type="submit">Apply filters</Button>
          <Button
            variant="default"
            onClick={() => {
              setDraft(Object.fromEntries(FILTERS.map((k) => [k, ''])) as never);
              setParams(new URLSearchParams());
            }}
          >
            Clear filters
          </Button>
        </Group>
      </form>
      {list.error && <ErrorMessage error={list.error} />}
      {list.isPending ? (
        <Loading what="syncs" />
      ) : (
        <>
          <DataTable label="Syncs table" caption="Syncs, newest first">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Sync</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Event</Table.Th>
                <Table.Th scope="col">Connection</Table.Th>
                <Table.Th scope="col">Candidate</Table.Th>
                <Table.Th scope="col">Attempts</Table.Th>
                <Table.Th scope="col">Last error</Table.Th>
                <Table.Th scope="col">Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data?.items.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/syncs/${s.id}`} aria-label={`Sync ${shortId(s.id)}`}>
                      {shortId(s.id)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={s.status} />
                  </Table.Td>
                  <Table.Td>
                    <Code>{s.eventId}</Code>
                  </Table.Td>
                  <Table.Td>{names.get(s.connectionId) ?? shortId(s.connectionId)}</Table.Td>
                  <Table.Td>{s.candidateName ?? s.candidateId ?? '—'}</Table.Td>
                  <Table.Td>{s.attempts}</Table.Td>
                  <Table.Td>{s.lastError ? <Code>{s.lastError.code}</Code> : '—'}</Table.Td>
                  <Table.Td>{when(s.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </DataTable>
          {list.data?.items.length === 0 && <Text my="md">No sync matches these filters.</Text>}
          <Pager pager={pager} nextCursor={list.data?.nextCursor} label="Syncs" />
        </>
      )}
    </>
  );
}
