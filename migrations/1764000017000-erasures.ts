import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure requests and their progress. `person` holds the identifiers only while the erasure runs (it must
 * resume after a crash) and is cleared when it ends; the report names ids and counts, never identifiers.
 * `erasure_salt` keeps the one salt the audit log's identifier hashes use when none is configured.
 */
export class Erasures1764000017000 implements MigrationInterface {
  name = 'Erasures1764000017000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE erasures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'pending',
        connection_id uuid,
        person jsonb,
        identifier_hash text NOT NULL,
        identifier_kinds text[] NOT NULL,
        dry_run boolean NOT NULL,
        delete_notes_in_ats boolean NOT NULL,
        actor text NOT NULL,
        progress jsonb NOT NULL DEFAULT '{}'::jsonb,
        report jsonb NOT NULL DEFAULT '{}'::jsonb,
        runs integer NOT NULL DEFAULT 0,
        lease_expires_at timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CONSTRAINT erasures_status_check CHECK (status IN ('pending', 'running', 'completed', 'failed'))
      )`);
    await q.query(`CREATE INDEX erasures_open_idx ON erasures (created_at) WHERE status IN ('pending', 'running')`);
    await q.query(`CREATE TABLE erasure_salt (id boolean PRIMARY KEY DEFAULT true CHECK (id), salt text NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS erasure_salt`);
    await q.query(`DROP TABLE IF EXISTS erasures`);
  }
}
