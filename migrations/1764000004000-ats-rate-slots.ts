import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-connection rate schedule every instance shares: when the key's next free request slot is.
 * One row per key (a connection id), moved on by one statement per reservation (src/ats/rate-limit/).
 * No foreign key: a row left by a deleted connection is a few bytes and harmless.
 */
export class AtsRateSlots1764000004000 implements MigrationInterface {
  name = 'AtsRateSlots1764000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ats_rate_slots (key text PRIMARY KEY, next_slot_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS ats_rate_slots`);
  }
}
