import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { decodeSequenceCursor, encodeSequenceCursor, Page } from '../common/http/list-cursor';

export type AuditTargetType = 'connection' | 'mapping' | 'sync' | 'syncs' | 'event' | 'erasure';

export interface AuditEntryInput {
  /** `req.adminActor.id`: a label of the token used, never the token. */
  actor: string;
  /** `<target>.<verb>`, e.g. `connection.update`, `sync.retry`. */
  action: string;
  targetType: AuditTargetType;
  targetId: string | null;
  /** What changed, without values of secrets (say that credentials changed, not what they are). */
  detail?: Record<string, unknown>;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  detail: Record<string, unknown>;
}

export interface AuditFilter {
  limit: number;
  cursor?: string;
  targetType?: string;
  targetId?: string;
  action?: string;
  actor?: string;
}

/** Field names whose values are never written to the audit log, at any depth of `detail`. */
const SECRET_KEY = /credential|secret|password|token|apikey|api_key|authorization/i;

/** Who changed what through the admin API, and when. */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Writes one entry; pass the change's transaction so the entry and the change commit together. */
  async record(entry: AuditEntryInput, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO admin_audit (actor, action, target_type, target_id, detail) VALUES ($1, $2, $3, $4, $5::jsonb)`,
      [entry.actor, entry.action, entry.targetType, entry.targetId, JSON.stringify(redactSecrets(entry.detail ?? {}))],
    );
  }

  /** Newest first; follow `nextCursor`. */
  async list(filter: AuditFilter): Promise<Page<AuditEntry>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.targetType) add('target_type = ?', filter.targetType);
    if (filter.targetId) add('target_id = ?', filter.targetId);
    if (filter.action) add('action = ?', filter.action);
    if (filter.actor) add('actor = ?', filter.actor);
    if (filter.cursor) add('id < ?::bigint', decodeSequenceCursor(filter.cursor));
    params.push(filter.limit + 1);
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `SELECT a.id::text AS entry_id, a.at, a.actor, a.action, a.target_type, a.target_id, a.detail FROM admin_audit a
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.entry_id,
        at: new Date(r.at).toISOString(),
        actor: r.actor,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        detail: r.detail ?? {},
      })),
      nextCursor: rows.length > filter.limit && last ? encodeSequenceCursor(last.entry_id) : null,
    };
  }
}

/**
 * A last line of defence: callers already leave secret values out, but a value under a secret-looking key is
 * replaced anyway, so a later caller's mistake cannot put a credential into a table kept for years.
 */
export function redactSecrets(value: unknown, depth = 0): any {
  // Requests are refused beyond JSON_MAX_DEPTH; this bound only keeps a caller's mistake from overflowing the stack.
  if (depth > MAX_DETAIL_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
      key,
      SECRET_KEY.test(key) && inner !== null && typeof inner !== 'boolean' ? '[redacted]' : redactSecrets(inner, depth + 1),
    ]),
  );
}
const MAX_DETAIL_DEPTH = 1000;
