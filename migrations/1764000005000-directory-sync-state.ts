import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an ATS adapter asked the directory refresh to keep for a connection between listing passes (Ashby: the
 * sync token that ended the last complete pass). Opaque to everything but the adapter; in the database so that
 * every instance, and one that restarted, can run the next pass incrementally. NULL: nothing kept.
 */
export class DirectorySyncState1764000005000 implements MigrationInterface {
  name = 'DirectorySyncState1764000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE directory_refresh_state ADD COLUMN sync_state text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE directory_refresh_state DROP COLUMN IF EXISTS sync_state`);
  }
}
