import { MigrationInterface, QueryRunner } from 'typeorm';

/** Who changed what through the admin API, and when. Append-only; never holds secrets. */
export class AdminAudit1764000001000 implements MigrationInterface {
  name = 'AdminAudit1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE admin_audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX admin_audit_target_idx ON admin_audit (target_type, target_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS admin_audit`);
  }
}
