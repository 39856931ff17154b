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
 *
 * A connection's settings and credentials (the sandbox's settings hold its whole candidate list) are sent only
 * when the reader does not already hold that version of the row: `known` names a text[] parameter of the
 * versions it holds (`ConnectionSnapshots.versions()`). A version is the row's id and `xmin`, which every UPDATE
 * of the row changes, whoever makes it.
 */
export function syncInputsSql(source: string, known: string): { columns: string; joins: string } {
  return {
    columns: `in_e.id IS NOT NULL AS in_event_found, in_e.raw_body AS in_raw_body,
      in_c.id AS in_c_id, in_c.name AS in_c_name, in_c.provider AS in_c_provider, in_c.account_id AS in_c_account_id,
      in_c.team_id AS in_c_team_id, in_c.enabled AS in_c_enabled, in_c.created_at AS in_c_created_at,
      in_c.updated_at AS in_c_updated_at, in_c.deleted_at AS in_c_deleted_at,
      in_v.version AS in_c_version, in_v.known AS in_c_known,
      CASE WHEN in_v.known THEN NULL ELSE in_c.credentials_encrypted END AS in_c_credentials_encrypted,
      CASE WHEN in_v.known THEN NULL ELSE in_c.settings END AS in_c_settings,
      in_m.version AS in_mapping_version, in_m.document AS in_mapping_document`,
    joins: `LEFT JOIN webhook_events in_e ON in_e.id = ${source}.event_id
      LEFT JOIN connections in_c ON in_c.id = ${source}.connection_id
      LEFT JOIN LATERAL (
        SELECT v.version, v.version = ANY(${known}::text[]) AS known FROM (SELECT in_c.id::text || ':' || in_c.xmin::text AS version) v
      ) in_v ON in_c.id IS NOT NULL
      LEFT JOIN LATERAL (
        SELECT version, document FROM field_mappings WHERE connection_id = ${source}.connection_id ORDER BY version DESC LIMIT 1
      ) in_m ON true`,
  };
}

interface ConnectionSnapshot {
  version: string;
  settings: Record<string, unknown>;
  credentialsEncrypted: string | null;
}

/** Connections whose settings this process holds at most; beyond it, the least recently stored is dropped. */
const MAX_SNAPSHOTS = 1000;

/**
 * The settings and credentials of the connections this process has read, by version, so that a claim need not
 * send them again while the row is unchanged. One settings object is shared by every attempt that reads that
 * version: it is frozen, and code that needs a variant copies it.
 */
export class ConnectionSnapshots {
  private readonly byConnection = new Map<string, ConnectionSnapshot>();

  /** The versions held, for the claim's `known` parameter. */
  versions(): string[] {
    return [...this.byConnection.values()].map((s) => s.version);
  }

  /** The inputs of claimed rows read with `syncInputsSql`; versions sent in full are kept for the next claims. */
  inputsOf(rows: Array<Record<string, any>>): SyncInputs[] {
    const fresh = new Map<string, ConnectionSnapshot>();
    const inputs = rows.map((r) => {
      let snapshot: ConnectionSnapshot | undefined;
      if (r.in_c_id !== null) {
        snapshot = r.in_c_known ? this.byConnection.get(r.in_c_id) : fresh.get(r.in_c_version);
        if (!snapshot) {
          snapshot = { version: r.in_c_version, settings: Object.freeze(r.in_c_settings ?? {}), credentialsEncrypted: r.in_c_credentials_encrypted };
          fresh.set(r.in_c_version, snapshot);
        }
      }
      return toSyncInputs(r, snapshot);
    });
    // Kept only now, so that no version this claim relied on was dropped while its rows were read.
    for (const snapshot of fresh.values()) this.keep(rows.find((r) => r.in_c_version === snapshot.version)!.in_c_id, snapshot);
    return inputs;
  }

  private keep(connectionId: string, snapshot: ConnectionSnapshot): void {
    this.byConnection.delete(connectionId);
    if (this.byConnection.size >= MAX_SNAPSHOTS) this.byConnection.delete(this.byConnection.keys().next().value!);
    this.byConnection.set(connectionId, snapshot);
  }
}

function toSyncInputs(r: Record<string, any>, snapshot: ConnectionSnapshot | undefined): SyncInputs {
  return {
    event: r.in_event_found ? { found: true, rawBody: r.in_raw_body } : { found: false },
    connection:
      snapshot === undefined
        ? null
        : Object.assign(new ConnectionEntity(), {
            id: r.in_c_id,
            name: r.in_c_name,
            provider: r.in_c_provider,
            accountId: r.in_c_account_id,
            teamId: r.in_c_team_id,
            credentialsEncrypted: snapshot.credentialsEncrypted,
            settings: snapshot.settings,
            enabled: r.in_c_enabled,
            createdAt: r.in_c_created_at,
            updatedAt: r.in_c_updated_at,
            deletedAt: r.in_c_deleted_at,
          }),
    mapping: r.in_mapping_version === null ? null : { version: r.in_mapping_version, document: r.in_mapping_document },
  };
}
