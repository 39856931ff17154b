import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the scheduled jobs need: their run history (shared by every instance), the candidate directory's
 * refresh position per connection (so a crashed refresh resumes at its saved cursor), and per-sync counters
 * for the re-match and recovery jobs (so neither re-arms a sync more often than its schedule allows).
 */
export class ScheduledJobs1764000002000 implements MigrationInterface {
  name = 'ScheduledJobs1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE job_runs (
        id bigserial PRIMARY KEY,
        job text NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
        instance text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        duration_ms integer,
        outcome text NOT NULL CHECK (outcome IN ('running', 'succeeded', 'partial', 'failed', 'abandoned')),
        summary jsonb,
        error text
      )`);
    await q.query(`CREATE INDEX job_runs_job_idx ON job_runs (job, started_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE directory_refresh_state (
        connection_id uuid PRIMARY KEY REFERENCES connections(id),
        mode text CHECK (mode IN ('full', 'incremental')),
        cursor text,
        updated_since timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        pages integer NOT NULL DEFAULT 0,
        candidates_seen integer NOT NULL DEFAULT 0,
        watermark timestamptz,
        full_requested_at timestamptz,
        last_full_at timestamptz,
        last_incremental_at timestamptz,
        last_error text,
        last_error_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      ALTER TABLE syncs
        ADD COLUMN rematch_count integer NOT NULL DEFAULT 0,
        ADD COLUMN rematched_at timestamptz,
        ADD COLUMN recovery_count integer NOT NULL DEFAULT 0,
        ADD COLUMN recovered_at timestamptz`);
    await q.query(`CREATE INDEX syncs_unmatched_idx ON syncs (created_at) WHERE status = 'unmatched'`);
    await q.query(`CREATE INDEX syncs_failed_idx ON syncs (finished_at) WHERE status = 'failed'`);
    await q.query(`CREATE INDEX syncs_finished_idx ON syncs (finished_at) WHERE rendered_note IS NOT NULL`);
    await q.query(`CREATE INDEX webhook_events_retention_idx ON webhook_events (received_at) WHERE raw_body IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS webhook_events_retention_idx`);
    await q.query(`DROP INDEX IF EXISTS syncs_finished_idx`);
    await q.query(`DROP INDEX IF EXISTS syncs_failed_idx`);
    await q.query(`DROP INDEX IF EXISTS syncs_unmatched_idx`);
    await q.query(`
      ALTER TABLE syncs
        DROP COLUMN IF EXISTS recovered_at,
        DROP COLUMN IF EXISTS recovery_count,
        DROP COLUMN IF EXISTS rematched_at,
        DROP COLUMN IF EXISTS rematch_count`);
    await q.query(`DROP TABLE IF EXISTS directory_refresh_state`);
    await q.query(`DROP TABLE IF EXISTS job_runs`);
  }
}
