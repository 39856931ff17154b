import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_events (
        id text PRIMARY KEY,
        event_type text NOT NULL,
        account_id text NOT NULL,
        team_id text,
        provider_created_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL CHECK (status IN ('accepted', 'ignored')),
        signature_scheme text NOT NULL,
        raw_body text,
        raw_body_purged_at timestamptz
      )`);
    await q.query(`CREATE INDEX webhook_events_account_idx ON webhook_events (account_id, received_at)`);

    await q.query(`
      CREATE TABLE connections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        provider text NOT NULL,
        account_id text NOT NULL,
        team_id text,
        credentials_encrypted text,
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX connections_routing_idx ON connections (account_id) WHERE deleted_at IS NULL`);

    await q.query(`
      CREATE TABLE field_mappings (
        connection_id uuid NOT NULL REFERENCES connections(id),
        version integer NOT NULL,
        document jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text,
        PRIMARY KEY (connection_id, version)
      )`);

    await q.query(`
      CREATE TABLE syncs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id text NOT NULL REFERENCES webhook_events(id),
        connection_id uuid NOT NULL REFERENCES connections(id),
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'processing', 'synced', 'unmatched', 'needs_review', 'skipped', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_owner text,
        lease_expires_at timestamptz,
        candidate_id text,
        candidate_name text,
        match jsonb,
        resolution jsonb,
        mapping_version integer,
        visibility text,
        visibility_reason text,
        action_items_status text,
        rendered_note jsonb,
        note_ref jsonb,
        note_uncertain boolean NOT NULL DEFAULT false,
        last_error_code text,
        last_error_message text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        UNIQUE (event_id, connection_id)
      )`);
    await q.query(`CREATE INDEX syncs_due_idx ON syncs (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX syncs_lease_idx ON syncs (lease_expires_at) WHERE status = 'processing'`);
    await q.query(`CREATE INDEX syncs_status_idx ON syncs (status, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX syncs_connection_idx ON syncs (connection_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE sync_attempts (
        id bigserial PRIMARY KEY,
        sync_id uuid NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        worker text,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL DEFAULT now(),
        outcome text NOT NULL,
        error_code text,
        error_message text,
        detail jsonb
      )`);
    await q.query(`CREATE INDEX sync_attempts_sync_idx ON sync_attempts (sync_id, id)`);

    await q.query(`
      CREATE TABLE candidates (
        id bigserial PRIMARY KEY,
        connection_id uuid NOT NULL REFERENCES connections(id),
        external_id text NOT NULL,
        display_name text NOT NULL,
        first_name text,
        last_name text,
        name_key text,
        phones text[] NOT NULL DEFAULT '{}',
        emails text[] NOT NULL DEFAULT '{}',
        meta jsonb,
        ats_updated_at timestamptz,
        refreshed_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (connection_id, external_id)
      )`);
    await q.query(`CREATE INDEX candidates_name_idx ON candidates (connection_id, name_key)`);
    await q.query(`CREATE INDEX candidates_phones_idx ON candidates USING gin (phones)`);
    await q.query(`CREATE INDEX candidates_emails_idx ON candidates USING gin (emails)`);

    await q.query(`
      CREATE TABLE sandbox_notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES connections(id),
        candidate_id text NOT NULL,
        title text NOT NULL,
        body_text text NOT NULL,
        body_html text NOT NULL,
        visibility text NOT NULL,
        author text,
        reference_marker text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (connection_id, reference_marker)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['sandbox_notes', 'candidates', 'sync_attempts', 'syncs', 'field_mappings', 'connections', 'webhook_events'])
      await q.query(`DROP TABLE IF EXISTS ${table}`);
  }
}
