import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rowsOf } from '../common/query-rows';

export type JobTrigger = 'schedule' | 'manual';
export type JobOutcome = 'running' | 'succeeded' | 'partial' | 'failed' | 'abandoned';

export interface JobRunView {
  id: string;
  job: string;
  trigger: JobTrigger;
  instance: string;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  outcome: JobOutcome;
  summary: Record<string, unknown> | null;
  error: string | null;
}

const COLUMNS = `id, job, trigger, instance, started_at, finished_at, duration_ms, outcome, summary, error`;

/** Job runs in Postgres, so that every instance answers the same history. */
@Injectable()
export class JobRunsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records the start of a run. Called under the job's lock, so a `running` row left by an earlier run is
   * from a process that died mid-run: it is closed as abandoned.
   */
  async start(job: string, trigger: JobTrigger, instance: string): Promise<JobRunView> {
    await this.dataSource.query(
      `UPDATE job_runs SET outcome = 'abandoned', finished_at = now(), error = 'the instance running it stopped before it finished'
       WHERE job = $1 AND outcome = 'running'`,
      [job],
    );
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `INSERT INTO job_runs (job, trigger, instance, outcome) VALUES ($1, $2, $3, 'running') RETURNING ${COLUMNS}`,
      [job, trigger, instance],
    );
    return toView(rows[0]!);
  }

  async finish(id: string, outcome: Exclude<JobOutcome, 'running'>, summary: Record<string, unknown> | null, error: string | null): Promise<JobRunView> {
    const rows = rowsOf(await this.dataSource.query(
      `UPDATE job_runs SET outcome = $2, summary = $3::jsonb, error = $4, finished_at = now(),
              duration_ms = GREATEST(0, round(extract(epoch FROM (now() - started_at)) * 1000))::int
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, outcome, summary === null ? null : JSON.stringify(summary), error],
    ));
    return toView(rows[0]!);
  }

  /** The latest finished run of each job. */
  async latest(jobs: string[]): Promise<Map<string, JobRunView>> {
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `SELECT DISTINCT ON (job) ${COLUMNS} FROM job_runs WHERE job = ANY($1::text[]) AND outcome <> 'running'
       ORDER BY job, started_at DESC, id DESC`,
      [jobs],
    );
    return new Map(rows.map((r) => [r.job as string, toView(r)]));
  }

  /** The latest runs of one job, newest first. */
  async history(job: string, limit: number): Promise<JobRunView[]> {
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM job_runs WHERE job = $1 ORDER BY started_at DESC, id DESC LIMIT $2`,
      [job, limit],
    );
    return rows.map(toView);
  }

  async deleteOlderThan(days: number): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `WITH gone AS (DELETE FROM job_runs WHERE started_at < now() - make_interval(days => $1) AND outcome <> 'running' RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [days],
    );
    return rows[0]?.n ?? 0;
  }
}

function toView(r: Record<string, any>): JobRunView {
  return {
    id: String(r.id),
    job: r.job,
    trigger: r.trigger,
    instance: r.instance,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    outcome: r.outcome,
    summary: r.summary,
    error: r.error,
  };
}
