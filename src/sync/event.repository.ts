import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../common/api-error';
import { ConnectionEntity } from '../connections/connection.entity';
import { StatementBatcher } from '../database/statement-batcher';

/** What one attempt reads before it can work: the stored event, its connection and the current field mapping. */
export interface SyncInputs {
  event: { found: false } | { found: true; rawBody: string | null };
  /** Soft-deleted connections are included (the attempt skips them); null when the row is gone. */
  connection: ConnectionEntity | null;
  /** The newest version, or null when the connection has none (the default mapping applies). */
  mapping: { version: number; document: unknown } | null;
}

/**
 * Reads an attempt's inputs in one round trip, shared by the attempts that start together. Each round trip
 * costs both processes system calls and a wake-up; under load three separate reads per sync were a large
 * share of the worker's CPU.
 */
@Injectable()
export class SyncInputsRepository {
  /** Attempts starting together (a claimed batch) read their inputs in one statement. */
  private readonly reads = new StatementBatcher<Key, SyncInputs>({
    maxConcurrent: 2,
    maxBatch: 64,
    one: (key) => this.loadMany([key]).then((all) => all[0]!),
    many: (keys) => this.loadMany(keys),
    failWhole: isDatabaseUnavailable,
  });

  constructor(private readonly dataSource: DataSource) {}

  load(eventId: string, connectionId: string): Promise<SyncInputs> {
    return this.reads.submit({ eventId, connectionId });
  }

  private async loadMany(keys: Key[]): Promise<SyncInputs[]> {
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `SELECT k.ord, e.id IS NOT NULL AS event_found, e.raw_body,
              c.id, c.name, c.provider, c.account_id, c.team_id, c.credentials_encrypted, c.settings, c.enabled,
              c.created_at, c.updated_at, c.deleted_at,
              m.version AS mapping_version, m.document AS mapping_document
       FROM unnest($1::text[], $2::uuid[]) WITH ORDINALITY AS k(event_id, connection_id, ord)
       LEFT JOIN webhook_events e ON e.id = k.event_id
       LEFT JOIN connections c ON c.id = k.connection_id
       LEFT JOIN LATERAL (
         SELECT version, document FROM field_mappings WHERE connection_id = k.connection_id ORDER BY version DESC LIMIT 1
       ) m ON true`,
      [keys.map((k) => k.eventId), keys.map((k) => k.connectionId)],
    );
    const byOrdinal = new Map(rows.map((r) => [Number(r.ord), r]));
    return keys.map((_, i) => toInputs(byOrdinal.get(i + 1)!));
  }
}

interface Key {
  eventId: string;
  connectionId: string;
}

function toInputs(r: Record<string, any>): SyncInputs {
  return {
    event: r.event_found ? { found: true, rawBody: r.raw_body } : { found: false },
    connection: r.id === null ? null : toConnection(r),
    mapping: r.mapping_version === null ? null : { version: r.mapping_version, document: r.mapping_document },
  };
}

function toConnection(r: Record<string, any>): ConnectionEntity {
  return Object.assign(new ConnectionEntity(), {
    id: r.id,
    name: r.name,
    provider: r.provider,
    accountId: r.account_id,
    teamId: r.team_id,
    credentialsEncrypted: r.credentials_encrypted,
    settings: r.settings ?? {},
    enabled: r.enabled,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deletedAt: r.deleted_at,
  });
}
