import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { BoundedCache } from '../common/bounded-cache';
import { DEFAULT_FIELD_MAPPING, FieldMapping, parseFieldMapping } from './field-mapping.schema';

/** One saved version, as the history lists it (without its document). */
export interface MappingVersionEntry {
  version: number;
  createdAt: Date;
  createdBy: string | null;
}

export interface VersionedMapping {
  /** 0 is the built-in default (the connection has none of its own). */
  version: number;
  mapping: FieldMapping;
}

/** Versioned field-mapping documents: every write is a new version, validated before it is stored. */
@Injectable()
export class FieldMappingRepository {
  private readonly parsed = new BoundedCache<string, VersionedMapping>(1_000);

  constructor(private readonly dataSource: DataSource) {}

  async current(connectionId: string): Promise<VersionedMapping> {
    const rows: Array<{ version: number; document: unknown }> = await this.dataSource.query(
      `SELECT version, document FROM field_mappings WHERE connection_id = $1 ORDER BY version DESC LIMIT 1`,
      [connectionId],
    );
    return this.fromStored(connectionId, rows[0] ?? null);
  }

  /** Saved versions, newest first: `limit` of them below `beforeVersion` (all when it is absent). */
  async history(connectionId: string, limit: number, beforeVersion?: string): Promise<MappingVersionEntry[]> {
    const rows: Array<{ version: number; created_at: Date; created_by: string | null }> = await this.dataSource.query(
      `SELECT version, created_at, created_by FROM field_mappings
        WHERE connection_id = $1 AND ($3::bigint IS NULL OR version < $3::bigint)
        ORDER BY version DESC LIMIT $2`,
      [connectionId, limit, beforeVersion ?? null],
    );
    return rows.map((r) => ({ version: r.version, createdAt: r.created_at, createdBy: r.created_by }));
  }

  /** One saved version with its document, or null when the connection has no such version. */
  async version(connectionId: string, version: number): Promise<(VersionedMapping & MappingVersionEntry) | null> {
    const rows: Array<{ version: number; document: unknown; created_at: Date; created_by: string | null }> = await this.dataSource.query(
      `SELECT version, document, created_at, created_by FROM field_mappings WHERE connection_id = $1 AND version = $2`,
      [connectionId, version],
    );
    const row = rows[0];
    if (!row) return null;
    return { ...this.fromStored(connectionId, row), createdAt: row.created_at, createdBy: row.created_by };
  }

  /**
   * The mapping a stored row holds (null: the connection has none, the default applies). A stored version never
   * changes, so each is validated once per process and then reused.
   */
  fromStored(connectionId: string, stored: { version: number; document: unknown } | null): VersionedMapping {
    if (stored === null) return { version: 0, mapping: DEFAULT_FIELD_MAPPING };
    return this.parsed.getOrCompute(`${connectionId}:${stored.version}`, () => {
      const parsed = parseFieldMapping(stored.document);
      // A stored document was valid when written; if a later schema refuses it, fail loudly rather than guess.
      if (!parsed.ok) throw new Error(`stored field mapping v${stored.version} no longer validates`);
      return { version: stored.version, mapping: parsed.mapping };
    });
  }

  /**
   * Stores a new version (the caller validated it); concurrent writers get distinct versions or a conflict.
   * Pass a transaction's manager to store it together with other changes (the audit entry).
   */
  async save(connectionId: string, document: FieldMapping, createdBy: string | null, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const rows: Array<{ version: number }> = await manager.query(
      `INSERT INTO field_mappings (connection_id, version, document, created_by)
       SELECT $1, COALESCE(MAX(version), 0) + 1, $2::jsonb, $3 FROM field_mappings WHERE connection_id = $1
       RETURNING version`,
      [connectionId, JSON.stringify(document), createdBy],
    );
    return rows[0].version;
  }
}
