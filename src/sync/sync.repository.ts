import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MetricsService } from '../observability/metrics.service';
import { rowsOf } from '../database/query-rows';
import { StatementBatcher } from '../database/statement-batcher';
import { isDatabaseUnavailable } from '../common/api-error';
import { storableJson, storableText } from './storable-values';
import { SyncStatus } from './sync.entity';

/** A sync row as the worker claimed it. */
export interface ClaimedSync {
  id: string;
  eventId: string;
  connectionId: string;
  attempts: number;
  leaseOwner: string;
  /** The previous attempt may have posted the note without our seeing the answer: look before posting. */
  noteUncertain: boolean;
  resolution: { candidateId: string; by: string; at: string } | null;
  previousStatus: 'pending' | 'processing';
}

/** Fields an attempt may set on the sync; `undefined` leaves a column as it is. */
export interface SyncPatch {
  status: Exclude<SyncStatus, 'processing'>;
  nextAttemptAt?: Date;
  candidateId?: string | null;
  candidateName?: string | null;
  match?: Record<string, unknown> | null;
  mappingVersion?: number | null;
  visibility?: string | null;
  visibilityReason?: string | null;
  actionItemsStatus?: string | null;
  renderedNote?: Record<string, unknown> | null;
  noteRef?: Record<string, unknown> | null;
  noteUncertain?: boolean;
  lastErrorCode?: string | null;
  lastErrorMessage?: string | null;
}

export interface AttemptRecord {
  startedAt: Date;
  outcome: string;
  errorCode?: string | null;
  errorMessage?: string | null;
  detail?: Record<string, unknown> | null;
}

const COLUMNS: Record<Exclude<keyof SyncPatch, 'status'>, { column: string; json?: boolean }> = {
  nextAttemptAt: { column: 'next_attempt_at' },
  candidateId: { column: 'candidate_id' },
  candidateName: { column: 'candidate_name' },
  match: { column: 'match', json: true },
  mappingVersion: { column: 'mapping_version' },
  visibility: { column: 'visibility' },
  visibilityReason: { column: 'visibility_reason' },
  actionItemsStatus: { column: 'action_items_status' },
  renderedNote: { column: 'rendered_note', json: true },
  noteRef: { column: 'note_ref', json: true },
  noteUncertain: { column: 'note_uncertain' },
  lastErrorCode: { column: 'last_error_code' },
  lastErrorMessage: { column: 'last_error_message' },
};

interface Finish {
  sync: ClaimedSync;
  patch: SyncPatch;
  attempt: AttemptRecord;
}

const TERMINAL: ReadonlySet<string> = new Set(['synced', 'unmatched', 'needs_review', 'skipped', 'failed']);

/**
 * The only code that changes a sync's state. Every transition out of `processing` is conditional on the
 * lease still being ours, so a worker whose lease expired (and whose row another worker took) cannot
 * overwrite the newer outcome. "Ours" is the owner and the attempt number the claim gave: a process that
 * reclaims its own expired row (same owner) makes the earlier attempt stale as well.
 */
@Injectable()
export class SyncStateService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Claims up to `limit` due syncs: pending ones whose time has come, and processing ones whose lease
   * expired (their worker died). A reclaimed row is marked uncertain: its worker may have posted.
   */
  async claim(owner: string, limit: number, leaseSeconds: number): Promise<ClaimedSync[]> {
    if (limit <= 0) return [];
    // Two branches, each walking its own partial index in order, instead of one OR over both states: the OR
    // made Postgres scan and sort the whole table on every claim (2.7 ms at 10,000 pending, growing with the
    // backlog). Rows a branch locks but the final LIMIT drops are released when the statement ends.
    const rows = rowsOf(await this.dataSource.query(
      `WITH pending AS (
         SELECT id, 'pending'::text AS previous_status, next_attempt_at FROM syncs
         WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       ), lapsed AS (
         SELECT id, 'processing'::text AS previous_status, next_attempt_at FROM syncs
         WHERE status = 'processing' AND lease_expires_at < now()
         ORDER BY lease_expires_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       ), due AS (
         SELECT id, previous_status FROM (SELECT * FROM pending UNION ALL SELECT * FROM lapsed) d
         ORDER BY next_attempt_at
         LIMIT $2
       )
       UPDATE syncs s SET status = 'processing', lease_owner = $1,
              lease_expires_at = now() + make_interval(secs => $3), attempts = s.attempts + 1,
              note_uncertain = s.note_uncertain OR due.previous_status = 'processing', updated_at = now()
       FROM due WHERE s.id = due.id
       RETURNING s.id, s.event_id, s.connection_id, s.attempts, s.note_uncertain, s.resolution, due.previous_status`,
      [owner, limit, leaseSeconds],
    ));
    for (const r of rows) this.metrics.syncTransition(r.previous_status, 'processing');
    return rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      connectionId: r.connection_id,
      attempts: r.attempts,
      leaseOwner: owner,
      noteUncertain: r.note_uncertain,
      resolution: r.resolution,
      previousStatus: r.previous_status,
    }));
  }

  /** Pushes the lease further while a long attempt is still working. */
  async extendLease(sync: ClaimedSync, leaseSeconds: number): Promise<boolean> {
    const rows = rowsOf(await this.dataSource.query(
      `UPDATE syncs SET lease_expires_at = now() + make_interval(secs => $3)
       WHERE id = $1 AND lease_owner = $2 AND attempts = $4 AND status = 'processing' RETURNING id`,
      [sync.id, sync.leaseOwner, leaseSeconds, sync.attempts],
    ));
    return rows.length > 0;
  }

  /**
   * Ends an attempt: applies the patch and appends the attempt to the history, atomically.
   * Answers false (and changes nothing) when the lease was lost. Attempts ending at the same time share one
   * statement (group commit), each still answered only after its own row has committed.
   */
  finish(sync: ClaimedSync, patch: SyncPatch, attempt: AttemptRecord): Promise<boolean> {
    return this.finishes.submit({ sync, patch, attempt });
  }

  private readonly finishes = new StatementBatcher<Finish, boolean>({
    maxConcurrent: 2,
    maxBatch: 64,
    one: (f) => this.finishOne(f),
    many: (fs) => this.finishMany(fs),
    failWhole: isDatabaseUnavailable,
  });

  private async finishOne({ sync, patch, attempt }: Finish): Promise<boolean> {
    const sets = ['status = $3', 'lease_owner = NULL', 'lease_expires_at = NULL', 'updated_at = now()'];
    const params: unknown[] = [sync.id, sync.leaseOwner, patch.status, sync.attempts];
    this.addPatchColumns(patch, sets, params);
    if (TERMINAL.has(patch.status)) sets.push('finished_at = now()');
    const a = params.length;
    params.push(
      attempt.startedAt,
      attempt.outcome,
      attempt.errorCode ?? null,
      attempt.errorMessage == null ? null : storableText(attempt.errorMessage),
      attempt.detail ? storableJson(attempt.detail) : null,
    );
    const inserted = rowsOf(await this.dataSource.query(
      `WITH finished AS (
         UPDATE syncs SET ${sets.join(', ')} WHERE id = $1 AND lease_owner = $2 AND attempts = $4 AND status = 'processing' RETURNING id
       )
       INSERT INTO sync_attempts (sync_id, attempt, worker, started_at, outcome, error_code, error_message, detail)
       SELECT id, $4, $2, $${a + 1}, $${a + 2}, $${a + 3}, $${a + 4}, $${a + 5}::jsonb FROM finished
       RETURNING sync_id`,
      params,
    ));
    if (inserted.length === 0) return false;
    this.metrics.syncTransition('processing', patch.status);
    return true;
  }

  /** The same as finishOne for many attempts in one statement: the rows travel as one JSON array. */
  private async finishMany(finishes: Finish[]): Promise<boolean[]> {
    const items = finishes.map(({ sync, patch, attempt }, i) => {
      const item: Record<string, unknown> = {
        id: sync.id,
        owner: sync.leaseOwner,
        attempts: sync.attempts,
        status: patch.status,
        terminal: TERMINAL.has(patch.status),
        set_keys: [] as string[],
        a_started_at: attempt.startedAt.toISOString(),
        a_outcome: attempt.outcome,
        a_error_code: attempt.errorCode ?? null,
        a_error_message: attempt.errorMessage ?? null,
        a_detail: attempt.detail ?? null,
      };
      for (const [key, spec] of Object.entries(COLUMNS)) {
        const value = patch[key as keyof typeof COLUMNS];
        if (value === undefined) continue;
        (item.set_keys as string[]).push(spec.column);
        item[spec.column] = value instanceof Date ? value.toISOString() : value;
      }
      return item;
    });
    const keep = (column: string, type = '') => `${column} = CASE WHEN '${column}' = ANY(x.set_keys) THEN x.${column}${type} ELSE s.${column} END`;
    const rows = rowsOf<{ sync_id: string }>(await this.dataSource.query(
      `WITH x AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
           id uuid, owner text, attempts int, status text, terminal boolean, set_keys text[],
           next_attempt_at timestamptz, candidate_id text, candidate_name text, match jsonb, mapping_version int,
           visibility text, visibility_reason text, action_items_status text, rendered_note jsonb, note_ref jsonb,
           note_uncertain boolean, last_error_code text, last_error_message text,
           a_started_at timestamptz, a_outcome text, a_error_code text, a_error_message text, a_detail jsonb)
       ), finished AS (
         UPDATE syncs s SET status = x.status, lease_owner = NULL, lease_expires_at = NULL, updated_at = now(),
                ${Object.values(COLUMNS).map((c) => keep(c.column)).join(',\n                ')},
                finished_at = CASE WHEN x.terminal THEN now() ELSE s.finished_at END
         FROM x
         WHERE s.id = x.id AND s.lease_owner = x.owner AND s.attempts = x.attempts AND s.status = 'processing'
         RETURNING x.*
       )
       INSERT INTO sync_attempts (sync_id, attempt, worker, started_at, outcome, error_code, error_message, detail)
       SELECT id, attempts, owner, a_started_at, a_outcome, a_error_code, a_error_message, a_detail FROM finished
       RETURNING sync_id`,
      // One JSON text for the whole batch, made storable as a whole (NUL and lone surrogates, in keys as in values).
      [storableJson(items)],
    ));
    const kept = new Set(rows.map((r) => r.sync_id));
    return finishes.map((f) => {
      if (!kept.has(f.sync.id)) return false;
      this.metrics.syncTransition('processing', f.patch.status);
      return true;
    });
  }

  /**
   * Operator actions (retry, resolve, resync): re-arms syncs in the given states. Attempts restart from
   * zero; the history keeps the earlier ones. A synced sync is re-armed uncertain, so its next attempt looks
   * for the note on the candidate before posting (it posts again only when that note is gone).
   * `certainOnly` leaves out rows whose note may already be posted somewhere (noteUncertain).
   */
  async rearm(
    ids: string[],
    fromStatuses: readonly SyncStatus[],
    extra: { resolution?: Record<string, unknown> | null; certainOnly?: boolean } = {},
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const params: unknown[] = [ids, fromStatuses];
    let resolution = '';
    if (extra.resolution !== undefined) {
      params.push(extra.resolution === null ? null : JSON.stringify(extra.resolution));
      resolution = `, resolution = $3::jsonb`;
    }
    const certain = extra.certainOnly ? ' AND NOT note_uncertain' : '';
    const rows = rowsOf<{ id: string; previous: string }>(await this.dataSource.query(
      `UPDATE syncs s SET status = 'pending', attempts = 0, next_attempt_at = now(), finished_at = NULL,
              note_uncertain = s.note_uncertain OR p.previous = 'synced',
              last_error_code = NULL, last_error_message = NULL, updated_at = now()${resolution}
       FROM (SELECT id, status AS previous FROM syncs WHERE id = ANY($1::uuid[]) AND status = ANY($2::text[])${certain} FOR UPDATE) p
       WHERE s.id = p.id
       RETURNING s.id, p.previous`,
      params,
    ));
    for (const r of rows) this.metrics.syncTransition(r.previous, 'pending');
    if (rows.length > 0) await this.dataSource.query(`SELECT pg_notify('debrief_syncs', '')`);
    return rows.map((r) => r.id);
  }

  /**
   * Syncs whose worker's lease ran out (the worker died or hung) go back to pending at once, marked
   * uncertain because the worker may have posted; the lapse is appended to their history. `claim` would
   * reclaim them too, but only when a worker looks, and without a trace.
   */
  async releaseExpiredLeases(limit: number): Promise<string[]> {
    return this.dataSource.transaction(async (em) => {
      const rows = rowsOf<{ id: string; attempts: number; worker: string | null; started_at: Date }>(await em.query(
        `WITH lapsed AS (
           SELECT id, lease_owner, updated_at FROM syncs
           WHERE status = 'processing' AND lease_expires_at < now()
           ORDER BY lease_expires_at LIMIT $1
           FOR UPDATE SKIP LOCKED
         )
         UPDATE syncs s SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, note_uncertain = true,
                next_attempt_at = now(), updated_at = now()
         FROM lapsed WHERE s.id = lapsed.id
         RETURNING s.id, s.attempts, lapsed.lease_owner AS worker, lapsed.updated_at AS started_at`,
        [limit],
      ));
      for (const r of rows) {
        await this.insertAttempt(em, r.id, r.attempts, r.worker ?? 'unknown', {
          startedAt: r.started_at,
          outcome: 'lease_expired',
          errorCode: 'LEASE_EXPIRED',
          errorMessage: 'the worker stopped renewing its lease before recording an outcome; the next attempt looks for the note before posting',
        });
        this.metrics.syncTransition('processing', 'pending');
      }
      if (rows.length > 0) await em.query(`SELECT pg_notify('debrief_syncs', '')`);
      return rows.map((r) => r.id);
    });
  }

  /**
   * Re-arms unmatched syncs for another matching attempt (attempts restart from zero) and counts it. Each
   * item names the re-match count it was chosen at, so a sync is never re-armed twice for one step.
   */
  async rearmForRematch(items: ReadonlyArray<{ id: string; rematchCount: number }>): Promise<string[]> {
    return this.rearmCounted(items.map((i) => ({ id: i.id, count: i.rematchCount })), 'unmatched', 'rematch_count', 'rematched_at');
  }

  /**
   * Re-arms failed syncs whose failure may have passed (temporary, rate limit, authentication) and counts
   * it; like re-matching, conditional on the count it was chosen at. The pending note check still applies:
   * `note_uncertain` is kept.
   */
  async rearmForRecovery(items: ReadonlyArray<{ id: string; recoveryCount: number }>, errorCodes: readonly string[]): Promise<string[]> {
    return this.rearmCounted(
      items.map((i) => ({ id: i.id, count: i.recoveryCount })),
      'failed',
      'recovery_count',
      'recovered_at',
      errorCodes,
    );
  }

  /**
   * Retention: drops the rendered note bodies of syncs finished before `cutoff`. The outcome (status,
   * candidate, note reference, attempts) stays; syncs that may still run keep theirs.
   */
  async purgeRenderedNotes(cutoff: Date, limit: number): Promise<number> {
    const rows = rowsOf(await this.dataSource.query(
      `UPDATE syncs SET rendered_note = NULL
       WHERE id IN (SELECT id FROM syncs
                    WHERE rendered_note IS NOT NULL AND finished_at < $1
                      AND status NOT IN ('pending', 'processing', 'unmatched', 'needs_review')
                    LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [cutoff, limit],
    ));
    return rows.length;
  }

  private async rearmCounted(
    items: Array<{ id: string; count: number }>,
    from: 'unmatched' | 'failed',
    countColumn: 'rematch_count' | 'recovery_count',
    atColumn: 'rematched_at' | 'recovered_at',
    errorCodes: readonly string[] | null = null,
  ): Promise<string[]> {
    if (items.length === 0) return [];
    const rows = rowsOf<{ id: string }>(await this.dataSource.query(
      `UPDATE syncs s SET status = 'pending', attempts = 0, next_attempt_at = now(), finished_at = NULL,
              last_error_code = NULL, last_error_message = NULL, ${countColumn} = s.${countColumn} + 1,
              ${atColumn} = now(), updated_at = now()
       FROM unnest($1::uuid[], $2::int[]) AS chosen(id, count)
       WHERE s.id = chosen.id AND s.status = $3 AND s.${countColumn} = chosen.count
         AND ($4::text[] IS NULL OR s.last_error_code = ANY($4::text[]))
       RETURNING s.id`,
      [items.map((i) => i.id), items.map((i) => i.count), from, errorCodes],
    ));
    for (let i = 0; i < rows.length; i++) this.metrics.syncTransition(from, 'pending');
    if (rows.length > 0) await this.dataSource.query(`SELECT pg_notify('debrief_syncs', '')`);
    return rows.map((r) => r.id);
  }

  private addPatchColumns(patch: SyncPatch, sets: string[], params: unknown[]): void {
    for (const [key, spec] of Object.entries(COLUMNS)) {
      const value = patch[key as keyof typeof COLUMNS];
      if (value === undefined) continue;
      params.push(spec.json && value !== null ? storableJson(value) : typeof value === 'string' ? storableText(value) : value);
      sets.push(`${spec.column} = $${params.length}${spec.json ? '::jsonb' : ''}`);
    }
  }

  private async insertAttempt(em: EntityManager, syncId: string, attempt: number, worker: string, record: AttemptRecord): Promise<void> {
    await em.query(
      `INSERT INTO sync_attempts (sync_id, attempt, worker, started_at, outcome, error_code, error_message, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [
        syncId,
        attempt,
        worker,
        record.startedAt,
        record.outcome,
        record.errorCode ?? null,
        record.errorMessage == null ? null : storableText(record.errorMessage),
        record.detail ? storableJson(record.detail) : null,
      ],
    );
  }
}
