import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { ErrorMessage, Loading, ReadOnlyNotice, WriteButton, when } from '../ui';

export default function JobsPage() {
  const client = useQueryClient();
  const jobs = useQuery({ queryKey: ['jobs'], queryFn: () => unwrap(api.GET('/admin/jobs')), refetchInterval: 5_000 });
  const run = useMutation({
    mutationFn: (name: string) => unwrap(api.POST('/admin/jobs/{name}/run', { params: { path: { name } } })),
    onSettled: () => void client.invalidateQueries({ queryKey: ['jobs'] }),
  });
  if (jobs.isPending) return <Loading what="jobs" />;
  if (jobs.error) return <ErrorMessage error={jobs.error} />;
  return (
    <>
      <h1>Jobs</h1>
      <ReadOnlyNotice />
      <p>Schedules are in {jobs.data.timeZone}.</p>
      <ErrorMessage error={run.error} />
      <div className="overflow-auto" tabIndex={0} role="region" aria-label="Jobs table">
        <table>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Schedule</th>
              <th scope="col">Last run</th>
              <th scope="col">Next run</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {jobs.data.jobs.map((j) => (
              <tr key={j.name}>
                <th scope="row">
                  {j.name}
                  <br />
                  <small>{j.description}</small>
                </th>
                <td>
                  <code>{j.schedule}</code>
                  {!j.scheduled && <small> (not scheduled here)</small>}
                </td>
                <td>
                  {j.lastRun ? (
                    <>
                      {when(j.lastRun.startedAt)}: {j.lastRun.outcome}
                      {j.lastRun.durationMs !== null && ` in ${j.lastRun.durationMs} ms`}
                      {j.lastRun.error && <small className="field-error"> {j.lastRun.error}</small>}
                    </>
                  ) : (
                    'never'
                  )}
                </td>
                <td>{j.running ? 'running now' : when(j.nextRunAt)}</td>
                <td>
                  <WriteButton onClick={() => run.mutate(j.name)} disabled={j.running || (run.isPending && run.variables === j.name)}>
                    Run {j.name} now
                  </WriteButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
