import { Anchor, Card, Code, List, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useOverview } from '../app';
import { jobsQuery, useConnectionNames } from '../queries';
import { DataTable, ErrorMessage, Loading, when } from '../ui';

const STATUSES = ['pending', 'processing', 'synced', 'unmatched', 'needs_review', 'skipped', 'failed'] as const;

export default function OverviewPage() {
  const overview = useOverview();
  const jobs = useQuery({ ...jobsQuery, refetchInterval: 15_000 });
  const names = useConnectionNames();
  const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const o = overview.data;
  return (
    <>
      <Title order={1} mb="md">
        Overview
      </Title>
      {overview.error && <ErrorMessage error={overview.error} />}
      {!o ? (
        !overview.error && <Loading what="the overview" />
      ) : (
        <>
          <section aria-labelledby="review-h">
            <Title order={2} id="review-h" size="h3">
              Waiting for review
            </Title>
            <Text size="xl" my="sm">
              <Anchor component={Link} to="/review" fw={600}>
                {o.needsReview} meeting{o.needsReview === 1 ? '' : 's'} waiting for review
              </Anchor>
            </Text>
          </section>
          <section aria-labelledby="syncs-h">
            <Title order={2} id="syncs-h" size="h3" mt="lg">
              Syncs by status
            </Title>
            {o.connections.length === 0 ? (
              <Text>
                No syncs yet.{' '}
                <Anchor component={Link} to="/connections">
                  Connect an ATS
                </Anchor>
                , then send a meeting.
              </Text>
            ) : (
              <DataTable label="Syncs by status table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Connection</Table.Th>
                    {STATUSES.map((s) => (
                      <Table.Th scope="col" key={s}>
                        {s.replace('_', ' ')}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {o.connections.map((c) => {
                    const name = names.get(c.connectionId) ?? c.connectionId;
                    return (
                      <Table.Tr key={c.connectionId}>
                        <Table.Th scope="row">
                          <Anchor component={Link} to={`/syncs?connectionId=${c.connectionId}`}>
                            {name}
                          </Anchor>
                        </Table.Th>
                        {STATUSES.map((s) => (
                          <Table.Td key={s}>
                            <Anchor component={Link} to={`/syncs?connectionId=${c.connectionId}&status=${s}`} aria-label={`${c.counts[s]} ${s.replace('_', ' ')} for ${name}`}>
                              {c.counts[s]}
                            </Anchor>
                          </Table.Td>
                        ))}
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </DataTable>
            )}
          </section>
          <SimpleGrid cols={{ base: 1, md: 2 }} mt="lg">
            <Card withBorder component="section" aria-labelledby="queue-h">
              <Title order={2} id="queue-h" size="h3">
                Queue
              </Title>
              <Text mt="xs">
                <Anchor component={Link} to="/syncs?status=pending">
                  {o.queue.due} due now
                </Anchor>
                ,{' '}
                <Anchor component={Link} to="/syncs?status=processing">
                  {o.queue.processing} processing
                </Anchor>
              </Text>
              <Text>Oldest due sync waiting since: {when(o.queue.oldestDueAt)}</Text>
            </Card>
            <Card withBorder component="section" aria-labelledby="failures-h">
              <Title order={2} id="failures-h" size="h3">
                Failures in the last 24 h
              </Title>
              {o.failuresLast24h.length === 0 ? (
                <Text mt="xs">None.</Text>
              ) : (
                <List mt="xs">
                  {o.failuresLast24h.map((f) => (
                    <List.Item key={f.code}>
                      <Anchor component={Link} to={`/syncs?status=failed&from=${encodeURIComponent(since)}`}>
                        <Code>{f.code}</Code>: {f.count} attempt{f.count === 1 ? '' : 's'}
                      </Anchor>
                    </List.Item>
                  ))}
                </List>
              )}
            </Card>
          </SimpleGrid>
        </>
      )}
      <section aria-labelledby="jobs-h">
        <Title order={2} id="jobs-h" size="h3" mt="lg">
          Jobs
        </Title>
        {jobs.error && <ErrorMessage error={jobs.error} />}
        {jobs.isPending && <Loading what="jobs" />}
        <List mt="xs">
          {jobs.data?.jobs.map((j) => (
            <List.Item key={j.name}>
              <Anchor component={Link} to="/jobs">
                {j.name}
              </Anchor>
              : last run {j.lastRun ? `${when(j.lastRun.startedAt)}, ${j.lastRun.outcome}` : 'never'}
            </List.Item>
          ))}
        </List>
      </section>
    </>
  );
}
