import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AtsAdapterRegistry } from '../ats/ats-adapter.registry';
import { badRequest, conflict, notFound } from '../common/api-error';
import { decodeSequenceCursor, encodeSequenceCursor, Page } from '../common/http/list-cursor';
import { ConnectionsService } from '../connections/connections.service';
import { FieldMappingRepository } from '../mapping/field-mapping.repository';
import type { FieldMapping } from '../mapping/field-mapping.schema';
import { type MappingProblem, validateMappingFor } from '../mapping/field-mapping.validation';
import { AuditService } from '../audit/audit.service';

export interface MappingView {
  version: number;
  mapping: FieldMapping;
  isDefault: boolean;
  warnings?: MappingProblem[];
}

export interface MappingVersionView {
  version: number;
  createdAt: string;
  createdBy: string | null;
}

/** Reads and versions a connection's field mapping, refusing what its ATS cannot do. */
@Injectable()
export class MappingAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: ConnectionsService,
    private readonly registry: AtsAdapterRegistry,
    private readonly mappings: FieldMappingRepository,
    private readonly audit: AuditService,
  ) {}

  async get(connectionId: string): Promise<MappingView> {
    await this.connections.entity(connectionId);
    const { version, mapping } = await this.mappings.current(connectionId);
    return { version, mapping, isDefault: version === 0 };
  }

  /** The saved versions, newest first, a page at a time (the cursor carries the last version listed). */
  async versions(connectionId: string, query: { limit: number; cursor?: string }): Promise<Page<MappingVersionView>> {
    const before = query.cursor === undefined ? undefined : decodeSequenceCursor(query.cursor);
    await this.connections.entity(connectionId);
    const rows = await this.mappings.history(connectionId, query.limit + 1, before);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({ version: r.version, createdAt: r.createdAt.toISOString(), createdBy: r.createdBy })),
      nextCursor: rows.length > query.limit && last ? encodeSequenceCursor(String(last.version)) : null,
    };
  }

  /** One saved version with its document. */
  async version(connectionId: string, version: number): Promise<MappingVersionView & { mapping: FieldMapping }> {
    await this.connections.entity(connectionId);
    const found = await this.mappings.version(connectionId, version);
    if (!found) throw notFound('mapping version', [{ path: '$.version', message: `this connection has no saved version ${version}` }]);
    return { version: found.version, createdAt: found.createdAt.toISOString(), createdBy: found.createdBy, mapping: found.mapping };
  }

  async put(connectionId: string, document: unknown, actor: string): Promise<MappingView> {
    const connection = await this.connections.entity(connectionId);
    const validation = validateMappingFor(document, this.registry.get(connection.provider).capabilities);
    if (!validation.ok) throw badRequest('invalid field mapping', validation.problems);
    const previous = await this.mappings.current(connectionId);
    let version: number;
    try {
      version = await this.dataSource.transaction(async (em) => {
        const saved = await this.mappings.save(connectionId, validation.mapping, actor, em);
        await this.audit.record(
          {
            actor,
            action: 'mapping.put',
            targetType: 'mapping',
            targetId: connectionId,
            detail: { version: saved, previousVersion: previous.version, warnings: validation.warnings.length },
          },
          em,
        );
        return saved;
      });
    } catch (err) {
      // Two writers computed the same next version; the loser is told to reload rather than overwrite blindly.
      if ((err as { code?: string; driverError?: { code?: string } }).driverError?.code === '23505' || (err as { code?: string }).code === '23505') {
        throw conflict('another mapping version was saved at the same time; read it and try again');
      }
      throw err;
    }
    return { version, mapping: validation.mapping, isDefault: false, warnings: validation.warnings };
  }
}
