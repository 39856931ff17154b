import { MigrationInterface, QueryRunner } from 'typeorm';
import { storedNameKeys } from '../src/matching/name-lookup-keys';

const BATCH = 1000;

/**
 * Looser name keys for the candidate directory: the exact `name_key` misses the spellings the matching policy
 * treats as the same person (Müller/Mueller, a middle name or initial, a particle) and near spellings (Jon/John).
 * `name_keys` holds every key of src/matching/name-lookup-keys.ts, searched with `&&` through a GIN index.
 * Existing rows are filled in here, in batches; new and refreshed rows get their keys from the repository.
 *
 * It also turns JIT compilation off for the database. The lookup's GIN estimates are pessimistic (thousands of
 * rows where a handful match), which lifts its estimated cost over jit_above_cost: Postgres then spends 15-50 ms
 * compiling a query that runs in under one. Debrief only runs short queries, which never gain from JIT. A role
 * that may not alter the database keeps its setting (the lookups are then slower, not wrong).
 */
export class CandidateNameKeys1764000003000 implements MigrationInterface {
  name = 'CandidateNameKeys1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE candidates ADD COLUMN name_keys text[] NOT NULL DEFAULT '{}'`);
    let after = '0';
    for (;;) {
      const rows: Array<{ id: string; display_name: string; first_name: string | null; last_name: string | null }> = await q.query(
        `SELECT id::text AS id, display_name, first_name, last_name FROM candidates WHERE id > $1::bigint ORDER BY id LIMIT ${BATCH}`,
        [after],
      );
      if (rows.length === 0) break;
      const keyed = rows.map((r) => ({
        id: r.id,
        keys: storedNameKeys([[r.first_name, r.last_name].filter((p) => p && p.trim() !== '').join(' '), r.display_name]),
      }));
      await q.query(
        `UPDATE candidates c SET name_keys = ARRAY(SELECT jsonb_array_elements_text(k.keys))
         FROM jsonb_to_recordset($1::jsonb) AS k(id bigint, keys jsonb) WHERE c.id = k.id`,
        [JSON.stringify(keyed)],
      );
      after = rows[rows.length - 1]!.id;
    }
    await q.query(`CREATE INDEX candidates_name_keys_idx ON candidates USING gin (name_keys)`);
    await q.query(`
      DO $$
      BEGIN
        EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
      EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'jit left as configured: %', SQLERRM;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        EXECUTE format('ALTER DATABASE %I RESET jit', current_database());
      EXCEPTION WHEN insufficient_privilege THEN
        NULL;
      END $$`);
    await q.query(`DROP INDEX IF EXISTS candidates_name_keys_idx`);
    await q.query(`ALTER TABLE candidates DROP COLUMN IF EXISTS name_keys`);
  }
}
