import { ConnectionEntity } from '../connections/connection.entity';

/** What one attempt reads before it can work: the stored event, its connection and the current field mapping. */
export interface SyncInputs {
  event: { found: false } | { found: true; rawBody: string | null };
  /** Soft-deleted connections are included (the attempt skips them); null when the row is gone. */
  connection: ConnectionEntity | null;
  /** The newest version, or null when the connection has none (the default mapping applies). */
  mapping: { version: number; document: unknown } | null;
}

/**
 * The read of an attempt's inputs, joined onto a row source that has `event_id` and `connection_id` (the claim
 * joins it onto the rows it just claimed, so a sync's inputs come with it in the claim's round trip). The
 * columns are prefixed `in_` so they cannot collide with the source's.
 */
export function syncInputsSql(source: string): { columns: string; joins: string } {
  return {
    columns: `in_e.id IS NOT NULL AS in_event_found, in_e.raw_body AS in_raw_body,
      in_c.id AS in_c_id, in_c.name AS in_c_name, in_c.provider AS in_c_provider, in_c.account_id AS in_c_account_id,
      in_c.team_id AS in_c_team_id, in_c.credentials_encrypted AS in_c_credentials_encrypted, in_c.settings AS in_c_settings,
      in_c.enabled AS in_c_enabled, in_c.created_at AS in_c_created_at, in_c.updated_at AS in_c_updated_at,
      in_c.deleted_at AS in_c_deleted_at, in_m.version AS in_mapping_version, in_m.document AS in_mapping_document`,
    joins: `LEFT JOIN webhook_events in_e ON in_e.id = ${source}.event_id
      LEFT JOIN connections in_c ON in_c.id = ${source}.connection_id
      LEFT JOIN LATERAL (
        SELECT version, document FROM field_mappings WHERE connection_id = ${source}.connection_id ORDER BY version DESC LIMIT 1
      ) in_m ON true`,
  };
}

/** The inputs from a row read with `syncInputsSql`. */
export function toSyncInputs(r: Record<string, any>): SyncInputs {
  return {
    event: r.in_event_found ? { found: true, rawBody: r.in_raw_body } : { found: false },
    connection:
      r.in_c_id === null
        ? null
        : Object.assign(new ConnectionEntity(), {
            id: r.in_c_id,
            name: r.in_c_name,
            provider: r.in_c_provider,
            accountId: r.in_c_account_id,
            teamId: r.in_c_team_id,
            credentialsEncrypted: r.in_c_credentials_encrypted,
            settings: r.in_c_settings ?? {},
            enabled: r.in_c_enabled,
            createdAt: r.in_c_created_at,
            updatedAt: r.in_c_updated_at,
            deletedAt: r.in_c_deleted_at,
          }),
    mapping: r.in_mapping_version === null ? null : { version: r.in_mapping_version, document: r.in_mapping_document },
  };
}
