import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { encodeTimeCursor } from '../common/http/list-cursor';
import { conflict, notFound } from '../common/api-error';
import { READABLE_DEPTH, truncateDepth } from '../common/http/input-inspection';
import { EventRepository } from './event.repository';
import { SyncStatus } from './sync.entity';
import { SyncRepository } from './sync.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SyncListFilter {
  status?: SyncStatus[];
  eventId?: string;
  connectionId?: string;
  candidateId?: string;
  /** On the sync's created_at: from inclusive, to exclusive. */
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

export interface ResyncFilter {
  statuses: SyncStatus[];
  connectionId?: string;
  from?: Date;
  to?: Date;
  /** Count and list what would be re-armed, change nothing. */
  dryRun?: boolean;
}

/** Sync ids an answer lists at most; the count is always complete. */
export const RESYNC_IDS_SHOWN = 100;
const RESYNC_BATCH = 1000;

export function syncView(r: Record<string, any>, detailed = false) {
  const base = {
    id: r.id,
    eventId: r.event_id,
    connectionId: r.connection_id,
    status: r.status as SyncStatus,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    candidateId: r.candidate_id,
    candidateName: r.candidate_name,
    visibility: r.visibility,
    lastError: r.last_error_code ? { code: r.last_error_code, message: r.last_error_message } : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
  if (!detailed) return base;
  return {
    ...base,
    match: r.match,
    resolution: r.resolution,
    mappingVersion: r.mapping_version,
    visibilityReason: r.visibility_reason,
    actionItems: r.action_items_status,
    note: r.rendered_note || r.note_ref ? { ...(r.rendered_note ?? {}), ...(r.note_ref ?? {}) } : null,
    noteUncertain: r.note_uncertain,
    leaseExpiresAt: r.status === 'processing' ? r.lease_expires_at : null,
  };
}

/** What operators read and steer about syncs and events. State changes go through SyncRepository. */
@Injectable()
export class SyncAdminService {
  constructor(
    private readonly state: SyncRepository,
    private readonly events: EventRepository,
    private readonly audit: AuditService,
  ) {}

  async list(filter: SyncListFilter) {
    if (filter.connectionId && !UUID.test(filter.connectionId)) return { items: [], nextCursor: null };
    const rows = await this.state.page(filter, filter.limit, filter.cursor);
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => syncView(r)),
      nextCursor: rows.length > filter.limit && last ? encodeTimeCursor(last.cursor_ts, last.id) : null,
    };
  }

  async get(id: string) {
    const row = await this.row(id);
    const attempts = await this.state.attempts(id);
    return {
      ...syncView(row, true),
      attemptsHistory: attempts.map((a) => ({
        attempt: a.attempt,
        worker: a.worker,
        startedAt: a.started_at,
        finishedAt: a.finished_at,
        outcome: a.outcome,
        error: a.error_code ? { code: a.error_code, message: a.error_message } : null,
        detail: a.detail,
      })),
    };
  }

  async retry(id: string, actor: string) {
    const row = await this.row(id);
    const ids = await this.state.rearm([id], ['failed', 'unmatched', 'needs_review', 'skipped', 'pending']);
    if (ids.length === 0) throw conflict(`a ${row.status} sync cannot be retried`);
    await this.audit.record({
      actor,
      action: 'sync.retry',
      targetType: 'sync',
      targetId: id,
      detail: { previousStatus: row.status, lastErrorCode: row.last_error_code ?? null },
    });
    return this.get(id);
  }

  async resolve(id: string, candidateId: string, actor: string) {
    const row = await this.row(id);
    const resolution = { candidateId, by: actor, at: new Date().toISOString() };
    // A failed sync can be resolved to another candidate (say the chosen one was deleted), unless its note may
    // already stand on someone: then a second candidate would get a second note.
    const ids = await this.state.rearm([id], ['needs_review', 'unmatched', 'failed'], { resolution, certainOnly: true });
    if (ids.length === 0) {
      if (['needs_review', 'unmatched', 'failed'].includes(row.status) && row.note_uncertain) {
        throw conflict('this sync may already have posted its note (noteUncertain): look on the ATS, then retry it rather than choose a candidate');
      }
      throw conflict(`only needs_review, unmatched or failed syncs can be resolved; this one is ${row.status}`);
    }
    await this.audit.record({ actor, action: 'sync.resolve', targetType: 'sync', targetId: id, detail: { previousStatus: row.status, candidateId } });
    return this.get(id);
  }

  /**
   * Re-arms every sync in `statuses` (of one connection, created in [from, to)). A synced sync is only
   * included when the caller named `synced` (the controller demands includeSynced for that); it is re-armed
   * uncertain (SyncRepository.rearm), so the pipeline looks for the note's reference marker on the
   * candidate before posting and posts again only when that note is gone.
   */
  async resync(filter: ResyncFilter, actor: string) {
    const ids = await this.state.ids({ status: filter.statuses, connectionId: filter.connectionId, from: filter.from, to: filter.to });
    if (filter.dryRun) {
      return { dryRun: true, matched: ids.length, rearmed: 0, ids: ids.slice(0, RESYNC_IDS_SHOWN), idsTruncated: ids.length > RESYNC_IDS_SHOWN };
    }
    const rearmed: string[] = [];
    for (let i = 0; i < ids.length; i += RESYNC_BATCH) {
      const batch = ids.slice(i, i + RESYNC_BATCH);
      rearmed.push(...(await this.state.rearm(batch, filter.statuses)));
    }
    await this.audit.record({
      actor,
      action: 'syncs.resync',
      targetType: 'syncs',
      targetId: filter.connectionId ?? null,
      detail: {
        statuses: filter.statuses,
        connectionId: filter.connectionId ?? null,
        from: filter.from?.toISOString() ?? null,
        to: filter.to?.toISOString() ?? null,
        matched: ids.length,
        rearmed: rearmed.length,
        ids: rearmed.slice(0, RESYNC_IDS_SHOWN),
      },
    });
    return {
      dryRun: false,
      matched: ids.length,
      rearmed: rearmed.length,
      ids: rearmed.slice(0, RESYNC_IDS_SHOWN),
      idsTruncated: rearmed.length > RESYNC_IDS_SHOWN,
    };
  }

  async event(id: string) {
    const e = await this.events.find(id);
    if (!e) throw notFound('event');
    const syncs = await this.state.ofEvent(id);
    let payload: unknown = null;
    try {
      // Bodies stored before intake bounded their nesting may be too deep to serialise: shown cut, not lost.
      payload = e.raw_body ? truncateDepth(JSON.parse(e.raw_body), READABLE_DEPTH) : null;
    } catch {
      payload = null;
    }
    return {
      id: e.id,
      eventType: e.event_type,
      accountId: e.account_id,
      teamId: e.team_id,
      createdAt: e.provider_created_at,
      receivedAt: e.received_at,
      status: e.status,
      signatureScheme: e.signature_scheme,
      payload,
      payloadPurgedAt: e.raw_body_purged_at,
      syncs: syncs.map((s) => syncView(s)),
    };
  }

  /** Creates the syncs that connections routed today should have for this event; existing ones are kept. */
  async replay(id: string, actor: string) {
    const e = await this.events.find(id);
    if (!e) throw notFound('event');
    if (e.status !== 'accepted') throw conflict(`an ${e.status} event has nothing to deliver`);
    const created = await this.state.createRouted(id, e.account_id, e.team_id);
    await this.audit.record({ actor, action: 'event.replay', targetType: 'event', targetId: id, detail: { created: created.length, syncIds: created } });
    return { eventId: id, created: created.length, syncIds: created };
  }

  private async row(id: string): Promise<Record<string, any>> {
    if (!UUID.test(id)) throw notFound('sync');
    const row = await this.state.row(id);
    if (!row) throw notFound('sync');
    return row;
  }
}
