import { Code, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { jobsQuery } from '../queries';
import { DataTable, ErrorMessage, Loading, ReadOnlyNotice, WriteButton, when } from '../ui';

export default function JobsPage() {
  const client = useQueryClient();
  const jobs = useQuery({ ...jobsQuery, refetchInterval: 5_000 });
  const run = useMutation({
    mutationFn: (name: string) => unwrap(api.POST('/admin/jobs/{name}/run', { params: { path: { name } } })),
    onSettled: () => void client.invalidateQueries({ queryKey: ['jobs'] }),
  });
  return (
    <>
      <Title order={1} mb="md">
        Jobs
      </Title>
      <ReadOnlyNotice />
      {jobs.error && <ErrorMessage error={jobs.error} />}
      {jobs.isPending && <Loading what="jobs" />}
      {jobs.data && (
        <>
          <Text mb="sm">Schedules are in {jobs.data.timeZone}.</Text>
          <ErrorMessage error={run.error} />
          <DataTable label="Jobs table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Job</Table.Th>
                <Table.Th scope="col">Schedule</Table.Th>
                <Table.Th scope="col">Last run</Table.Th>
                <Table.Th scope="col">Next run</Table.Th>
                <Table.Th scope="col">Action</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {jobs.data.jobs.map((j) => (
                <Table.Tr key={j.name}>
                  <Table.Th scope="row">
                    {j.name}
                    <Text size="xs" c="dimmed" fw={400}>
                      {j.description}
                    </Text>
                  </Table.Th>
                  <Table.Td>
                    <Code>{j.schedule}</Code>
                    {!j.scheduled && <Text size="xs"> (not scheduled here)</Text>}
                  </Table.Td>
                  <Table.Td>
                    {j.lastRun ? (
                      <>
                        {when(j.lastRun.startedAt)}: {j.lastRun.outcome}
                        {j.lastRun.durationMs !== null && ` in ${j.lastRun.durationMs} ms`}
                        {j.lastRun.error && (
                          <Text size="xs" c="red.9">
                            {j.lastRun.error}
                          </Text>
                        )}
                      </>
                    ) : (
                      'never'
                    )}
                  </Table.Td>
                  <Table.Td>{j.running ? 'running now' : when(j.nextRunAt)}</Table.Td>
                  <Table.Td>
                    <WriteButton size="xs" onClick={() => run.mutate(j.name)} disabled={j.running || (run.isPending && run.variables === j.name)}>
                      Run {j.name} now
                    </WriteButton>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </DataTable>
        </>
      )}
    </>
  );
}
