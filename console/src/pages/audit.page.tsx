import { Button, Code, SimpleGrid, Table, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { DataTable, ErrorMessage, Loading, Pager, useCursorPager, when } from '../ui';

const FILTERS = ['action', 'targetType', 'targetId', 'actor'] as const;
const LABELS: Record<(typeof FILTERS)[number], string> = { action: 'Action', targetType: 'Target type', targetId: 'Target id', actor: 'Actor' };

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
      <Title order={1} mb="md">
        Audit log
      </Title>
      <form
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          const next = new URLSearchParams();
          for (const k of FILTERS) if (draft[k]) next.set(k, draft[k]!);
          setParams(next);
        }}
      >
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
          {FILTERS.map((k) => (
            <TextInput key={k} label={LABELS[k]} value={draft[k]} onChange={(e) => setDraft({ ...draft, [k]: e.currentTarget.value })} />
          ))}
        </SimpleGrid>
        <Button type="submit" mt="md">
          Apply filters
        </Button>
      </form>
      {list.error && <ErrorMessage error={list.error} />}
      {list.isPending ? (
        <Loading what="the audit log" />
      ) : (
        <DataTable label="Audit entries table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">When</Table.Th>
              <Table.Th scope="col">Who</Table.Th>
              <Table.Th scope="col">Action</Table.Th>
              <Table.Th scope="col">Target</Table.Th>
              <Table.Th scope="col">Detail</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data?.items.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>{when(e.at)}</Table.Td>
                <Table.Td>{e.actor}</Table.Td>
                <Table.Td>
                  <Code>{e.action}</Code>
                </Table.Td>
                <Table.Td>
                  {e.targetType} <Code>{e.targetId ?? ''}</Code>
                </Table.Td>
                <Table.Td>
                  <Code style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(e.detail)}</Code>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </DataTable>
      )}
      <Pager pager={pager} nextCursor={list.data?.nextCursor} label="Audit log" />
    </>
  );
}
