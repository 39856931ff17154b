import { MigrationInterface, QueryRunner } from 'typeorm';
import { candidateLookupKeys } from '../src/matching/name-lookup-keys';

const BATCH = 1000;

/**
 * Recomputes every candidate's `name_keys` for the lookups added since they were written: family names that are
 * also particles (An Le, Wei Du), names in brackets and more titles left out, Chinese and Korean names read per
 * character, parts written joined or apart (van Houten / Vanhouten), given-name keys that find Dan for Daniel,
 * and the untagged mailbox of an address with a `+tag` (`m:` keys). Rows are rewritten in batches from the
 * columns they already hold, so no ATS is asked; a refresh would write the same keys.
 */
export class CandidateLookupKeys1764000006000 implements MigrationInterface {
  name = 'CandidateLookupKeys1764000006000';

  async up(q: QueryRunner): Promise<void> {
    let after = '0';
    for (;;) {
      const rows: Array<{ id: string; display_name: string; first_name: string | null; last_name: string | null; emails: string[] | null }> =
        await q.query(
          `SELECT id::text AS id, display_name, first_name, last_name, emails FROM candidates WHERE id > $1::bigint ORDER BY id LIMIT ${BATCH}`,
          [after],
        );
      if (rows.length === 0) break;
      const keyed = rows.map((r) => ({
        id: r.id,
        keys: candidateLookupKeys({ firstName: r.first_name, lastName: r.last_name, displayName: r.display_name }, r.emails ?? []),
      }));
      await q.query(
        `UPDATE candidates c SET name_keys = ARRAY(SELECT jsonb_array_elements_text(k.keys))
         FROM jsonb_to_recordset($1::jsonb) AS k(id bigint, keys jsonb)
         WHERE c.id = k.id AND c.name_keys IS DISTINCT FROM ARRAY(SELECT jsonb_array_elements_text(k.keys))`,
        [JSON.stringify(keyed)],
      );
      after = rows[rows.length - 1]!.id;
    }
    // The rewrite went to the GIN pending list; matching would scan it entry by entry until autovacuum runs.
    await q.query(`SELECT gin_clean_pending_list('candidates_name_keys_idx'::regclass)`);
  }

  async down(): Promise<void> {
    // Nothing to undo in the schema. Rows keep the newer keys, which the older lookups never ask for; the next
    // directory refresh under the older code writes its own keys again.
  }
}
