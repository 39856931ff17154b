import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { cursorTimestampSql, decodeTimeCursor } from '../common/http/list-cursor';
import { MetricsService, type QueueReading } from '../observability/metrics.service';
import { rowsOf } from '../common/query-rows';
import { PreparedStatement } from '../common/prepared-statement';
import { StatementBatcher } from '../database/statement-batcher';
import { isDatabaseUnavailable } from '../common/api-error';
import { routedConnectionSql } from './event-routing';
import type { SyncErrorCode } from './failure-policy';
import { storableJson, storableText } from './storable-values';
import { ConnectionSnapshots, SyncInputs, syncInputsSql } from './sync-inputs';
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
  /** The event, connection and mapping, read in the claim's statement. */
  inputs: SyncInputs;
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

/** The patch's fields and the columns they set. */
const COLUMNS: Record<Exclude<keyof SyncPatch, 'status'>, string> = {
  nextAttemptAt: 'next_attempt_at',
  candidateId: 'candidate_id',
  candidateName: 'candidate_name',
  match: 'match',
  mappingVersion: 'mapping_version',
  visibility: 'visibility',
  visibilityReason: 'visibility_reason',
  actionItemsStatus: 'action_items_status',
  renderedNote: 'rendered_note',
  noteRef: 'note_ref',
  noteUncertain: 'note_uncertain',
  lastErrorCode: 'last_error_code',
  lastErrorMessage: 'last_error_message',
};

interface Finish {
  sync: ClaimedSync;
  patch: SyncPatch;
  attempt: AttemptRecord;
}

const TERMINAL: ReadonlySet<string> = new Set(['synced', 'unmatched', 'needs_review', 'skipped', 'failed']);

/** Statuses from which a sync may still run (so its payload and rendered note are still needed). */
export const OPEN_STATUSES: readonly SyncStatus[] = ['pending', 'processing', 'unmatched', 'needs_review'];

/** Where a sync row is created or re-armed, the workers are woken through this channel. */
export const SYNC_NOTIFY_CHANNEL = 'debrief_syncs';
export const NOTIFY_SQL = `SELECT pg_notify('${SYNC_NOTIFY_CHANNEL}', '')`;

/** The columns an operator reads about a sync (alias `s`). */
const SYNC_COLUMNS = `s.id, s.event_id, s.connection_id, s.status, s.attempts, s.next_attempt_at, s.candidate_id, s.candidate_name,
  s.match, s.resolution, s.mapping_version, s.visibility, s.visibility_reason, s.action_items_status, s.rendered_note, s.note_ref,
  s.note_uncertain, s.last_error_code, s.last_error_message, s.created_at, s.updated_at, s.finished_at, s.lease_expires_at`;

const CLAIM_INPUTS = syncInputsSql('claimed', '$4');

/**
 * The claim: up to $2 due syncs for owner $1 with a lease of $3 seconds, each with its inputs ($4: the connection
 * versions this process holds, see ConnectionSnapshots). Two branches,
 * each walking its own partial index in order, instead of one OR over both states: the OR made Postgres scan
 * and sort the whole table on every claim (2.7 ms at 10,000 pending, growing with the backlog). Rows a branch
 * locks but the final LIMIT drops are released when the statement ends.
 */
const CLAIM = new PreparedStatement('sync_claim', `WITH pending AS (
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
   ), claimed AS (
     UPDATE syncs s SET status = 'processing', lease_owner = $1,
            lease_expires_at = now() + make_interval(secs => $3), attempts = s.attempts + 1,
            note_uncertain = s.note_uncertain OR due.previous_status = 'processing', updated_at = now()
     FROM due WHERE s.id = due.id
     RETURNING s.id, s.event_id, s.connection_id, s.attempts, s.note_uncertain, s.resolution, due.previous_status
   )
   SELECT claimed.*, ${CLAIM_INPUTS.columns} FROM claimed ${CLAIM_INPUTS.joins}`);

const keepUnlessSet = (column: string) => `${column} = CASE WHEN '${column}' = ANY(x.set_keys) THEN x.${column} ELSE s.${column} END`;

/**
 * Ends attempts: each item of the JSON array $1 applies its patch (only the columns in its `set_keys`) and
 * appends its attempt, only while the lease is still the item's (owner and attempt number). Answers the ids kept.
 */
const FINISH = new PreparedStatement<{ sync_id: string }>('sync_finish', `WITH x AS (
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
       id uuid, owner text, attempts int, status text, terminal boolean, set_keys text[],
       next_attempt_at timestamptz, candidate_id text, candidate_name text, match jsonb, mapping_version int,
       visibility text, visibility_reason text, action_items_status text, rendered_note jsonb, note_ref jsonb,
       note_uncertain boolean, last_error_code text, last_error_message text,
       a_started_at timestamptz, a_outcome text, a_error_code text, a_error_message text, a_detail jsonb)
   ), finished AS (
     UPDATE syncs s SET status = x.status, lease_owner = NULL, lease_expires_at = NULL, updated_at = now(),
            ${Object.values(COLUMNS).map(keepUnlessSet).join(',\n            ')},
            finished_at = CASE WHEN x.terminal THEN now() ELSE s.finished_at END
     FROM x
     WHERE s.id = x.id AND s.lease_owner = x.owner AND s.attempts = x.attempts AND s.status = 'processing'
     RETURNING x.*
   )
   INSERT INTO sync_attempts (sync_id, attempt, worker, started_at, outcome, error_code, error_message, detail)
   SELECT id, attempts, owner, a_started_at, a_outcome, a_error_code, a_error_message, a_detail FROM finished
   RETURNING sync_id`);

export interface SyncRowFilter {
  status?: readonly SyncStatus[];
  eventId?: string;
  connectionId?: string;
  /** The ATS candidate the sync was filed on (or matched to). */
  candidateId?: string;
  /** On the sync's created_at: from inclusive, to exclusive. */
  from?: Date;
  to?: Date;
}

/**
 * Every statement on `syncs` (and its history, `sync_attempts`), apart from intake's single insert.
 * The only code that changes a sync's state. Every transition out of `processing` is conditional on the
 * lease still being ours, so a worker whose lease expired (and whose row another worker took) cannot
 * overwrite the newer outcome. "Ours" is the owner and the attempt number the claim gave: a process that
 * reclaims its own expired row (same owner) makes the earlier attempt stale as well.
 */
@Injectable()
export class SyncRepository {
  /** The connections' settings and credentials as this process last read them, so a claim need not resend them. */
  private readonly connections = new ConnectionSnapshots();

  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {
    metrics.readQueueWith(() => this.queueReading());
  }

  /** Syncs due now and how long the oldest has waited past its time (the metrics' queue gauges). */
  async queueReading(): Promise<QueueReading> {
    const rows: Array<{ due: number; oldest: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS due, coalesce(extract(epoch FROM now() - min(next_attempt_at)), 0)::float AS oldest
       FROM syncs WHERE status = 'pending' AND next_attempt_at <= now()`,
    );
    return { due: rows[0]!.due, oldestDueAgeSeconds: Math.max(0, rows[0]!.oldest) };
  }

  /**
   * Claims up to `limit` due syncs: pending ones whose time has come, and processing ones whose lease
   * expired (their worker died). A reclaimed row is marked uncertain: its worker may have posted. Each comes
   * with its inputs (event, connection, mapping), so an attempt starts without another round trip.
   */
  async claim(owner: string, limit: number, leaseSeconds: number): Promise<ClaimedSync[]> {
    if (limit <= 0) return [];
    const rows = await CLAIM.run(this.dataSource, [owner, limit, leaseSeconds, this.connections.versions()]);
    for (const r of rows) this.metrics.syncTransition(r.previous_status, 'processing');
    const inputs = this.connections.inputsOf(rows);
    return rows.map((r, i) => ({
      id: r.id,
      eventId: r.event_id,
      connectionId: r.connection_id,
      attempts: r.attempts,
      leaseOwner: owner,
      noteUncertain: r.note_uncertain,
      resolution: r.resolution,
      previousStatus: r.previous_status,
      inputs: inputs[i]!,
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
    one: (f) => this.finishMany([f]).then(([kept]) => kept!),
    many: (fs) => this.finishMany(fs),
    failWhole: isDatabaseUnavailable,
  });

  /** Ends attempts in one statement, one or many: the rows travel as one JSON array. */
  private async finishMany(finishes: Finish[]): Promise<boolean[]> {
    const items = finishes.map(({ sync, patch, attempt }) => {
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
      for (const [key, column] of Object.entries(COLUMNS)) {
        const value = patch[key as keyof typeof COLUMNS];
        if (value === undefined) continue;
        (item.set_keys as string[]).push(column);
        item[column] = value instanceof Date ? value.toISOString() : value;
      }
      return item;
    });
    // One JSON text for the whole batch, made storable as a whole (NUL and lone surrogates, in keys as in values).
    const rows = await FINISH.run(this.dataSource, [storableJson(items)]);
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
    if (rows.length > 0) await this.dataSource.query(NOTIFY_SQL);
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
      if (rows.length > 0) await em.query(NOTIFY_SQL);
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
   * Re-arms one connection's syncs held in review only until a full directory refresh completed (a name-only
   * match on an ATS without name search; see CandidateFinderService): that refresh has now completed.
   */
  async rearmHeldForFullDirectory(connectionId: string): Promise<string[]> {
    const rows = rowsOf<{ id: string }>(await this.dataSource.query(
      `SELECT id FROM syncs WHERE connection_id = $1 AND status = 'needs_review' AND resolution IS NULL
         AND match->>'waitsFor' = 'full_directory_refresh'`,
      [connectionId],
    ));
    return this.rearm(rows.map((r) => r.id), ['needs_review']);
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
                      AND NOT (status = ANY($3::text[]))
                    LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [cutoff, limit, OPEN_STATUSES],
    ));
    return rows.length;
  }

  /** Failed syncs of live connections whose code recovery re-arms, a page at a time in id order. */
  async recoverable(
    codes: readonly SyncErrorCode[],
    maxRearms: number,
    intervalHours: number,
    after: string,
    limit: number,
  ): Promise<Array<{ id: string; recovery_count: number }>> {
    return this.dataSource.query(
      `SELECT s.id, s.recovery_count FROM syncs s JOIN connections c ON c.id = s.connection_id
       WHERE s.status = 'failed' AND s.last_error_code = ANY($1::text[]) AND s.recovery_count < $2
         AND s.finished_at <= now() - make_interval(hours => $3)
         AND c.enabled AND c.deleted_at IS NULL AND s.id > $4::uuid
       ORDER BY s.id LIMIT $5`,
      [codes, maxRearms, intervalHours, after, limit],
    );
  }

  /** A connection's failed syncs whose code is one of `codes`, oldest first. */
  async failedWith(connectionId: string, codes: readonly SyncErrorCode[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM syncs WHERE connection_id = $1 AND status = 'failed' AND last_error_code = ANY($2::text[]) ORDER BY created_at, id`,
      [connectionId, codes],
    );
    return rows.map((r) => r.id);
  }

  /** The match a sync recorded last (null when none, or no such sync). */
  async matchOf(id: string): Promise<Record<string, unknown> | null> {
    const rows: Array<{ match: Record<string, unknown> | null }> = await this.dataSource.query(`SELECT match FROM syncs WHERE id = $1`, [id]);
    return rows[0]?.match ?? null;
  }

  /** The sync of one (event, connection), if there is one. */
  async findFor(eventId: string, connectionId: string): Promise<{ id: string; resolution: { candidateId: string; by: string; at: string } | null } | null> {
    const rows: Array<{ id: string; resolution: { candidateId: string; by: string; at: string } | null }> = await this.dataSource.query(
      `SELECT id, resolution FROM syncs WHERE event_id = $1 AND connection_id = $2`,
      [eventId, connectionId],
    );
    return rows[0] ?? null;
  }

  /** One sync as operators read it, or null. */
  async row(id: string): Promise<Record<string, any> | null> {
    const rows: Array<Record<string, any>> = await this.dataSource.query(`SELECT ${SYNC_COLUMNS} FROM syncs s WHERE s.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** A sync's attempts, in order. */
  async attempts(id: string): Promise<Array<Record<string, any>>> {
    return this.dataSource.query(
      `SELECT attempt, worker, started_at, finished_at, outcome, error_code, error_message, detail
       FROM sync_attempts WHERE sync_id = $1 ORDER BY id`,
      [id],
    );
  }

  /**
   * Erasure: syncs in id order after `after` (a page at a time, resumable), with what tells whether they concern
   * a person (chosen candidate, evidence) and the note they filed. `holdsPersonal`: something is left to purge.
   */
  async pageForErasure(after: string, limit: number, connectionId: string | null): Promise<ErasureSyncRow[]> {
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `SELECT id, event_id, connection_id, candidate_id, candidate_name, match, note_ref,
              (rendered_note IS NOT NULL OR match IS NOT NULL OR candidate_name IS NOT NULL
               OR EXISTS (SELECT 1 FROM sync_attempts a WHERE a.sync_id = syncs.id AND a.detail IS NOT NULL)) AS holds_personal
       FROM syncs WHERE id > $1::uuid AND ($3::uuid IS NULL OR connection_id = $3::uuid) ORDER BY id LIMIT $2`,
      [after, limit, connectionId],
    );
    return rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      connectionId: r.connection_id,
      candidateId: r.candidate_id,
      candidateName: r.candidate_name,
      match: r.match,
      noteRef: r.note_ref,
      holdsPersonal: r.holds_personal === true,
    }));
  }

  /**
   * Erasure: drops what a sync holds about the person (rendered note, match evidence and details, candidate name,
   * attempts' details) and keeps its status, timestamps, ids and note reference. Answers how many changed.
   */
  async purgePersonal(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.dataSource.transaction(async (em) => {
      await em.query(`UPDATE sync_attempts SET detail = NULL WHERE sync_id = ANY($1::uuid[]) AND detail IS NOT NULL`, [ids]);
      const rows = rowsOf<{ id: string }>(await em.query(
        `UPDATE syncs SET rendered_note = NULL, match = NULL, candidate_name = NULL
         WHERE id = ANY($1::uuid[]) AND (rendered_note IS NOT NULL OR match IS NOT NULL OR candidate_name IS NOT NULL)
         RETURNING id`,
        [ids],
      ));
      return rows.length;
    });
  }

  /**
   * Erasure, for syncs that only name the person in their evidence (as an alternative): drops the match record
   * and leaves the rest, which is about someone else. Answers how many changed.
   */
  async purgeMatch(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = rowsOf<{ id: string }>(await this.dataSource.query(
      `UPDATE syncs SET match = NULL WHERE id = ANY($1::uuid[]) AND match IS NOT NULL RETURNING id`,
      [ids],
    ));
    return rows.length;
  }

  /** An event's syncs, oldest first. */
  async ofEvent(eventId: string): Promise<Array<Record<string, any>>> {
    return this.dataSource.query(`SELECT ${SYNC_COLUMNS} FROM syncs s WHERE s.event_id = $1 ORDER BY s.created_at, s.id`, [eventId]);
  }

  /**
   * A page of syncs, newest first, after `cursor`: up to `limit + 1` rows (the extra one tells that more
   * follow), each with `cursor_ts` for the next cursor.
   */
  async page(filter: SyncRowFilter, limit: number, cursor?: string): Promise<Array<Record<string, any>>> {
    const { where, params } = whereOf(filter);
    if (cursor) {
      const c = decodeTimeCursor(cursor);
      params.push(c.timestamp, c.id);
      where.push(`(s.created_at, s.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    return this.dataSource.query(
      `SELECT ${SYNC_COLUMNS}, ${cursorTimestampSql('s.created_at')} AS cursor_ts FROM syncs s
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY s.created_at DESC, s.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** The ids of every sync the filter selects, oldest first. */
  async ids(filter: SyncRowFilter): Promise<string[]> {
    if (filter.status?.length === 0) return [];
    const { where, params } = whereOf(filter);
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT s.id FROM syncs s ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.created_at, s.id`,
      params,
    );
    return rows.map((r) => r.id);
  }

  /** The console's overview: syncs by status per connection, the due queue, and failures by code since `since`. */
  async overview(since: Date): Promise<{
    byConnection: Array<{ connection_id: string; status: SyncStatus; n: number }>;
    queue: { due: number; oldest_due_at: Date | null; processing: number };
    failures: Array<{ code: string; n: number }>;
  }> {
    const [byConnection, queue, failures] = await Promise.all([
      this.dataSource.query(`SELECT connection_id, status, count(*)::int AS n FROM syncs GROUP BY connection_id, status ORDER BY connection_id`),
      this.dataSource.query(
        `SELECT count(*) FILTER (WHERE status = 'pending' AND next_attempt_at <= now())::int AS due,
                min(next_attempt_at) FILTER (WHERE status = 'pending' AND next_attempt_at <= now()) AS oldest_due_at,
                count(*) FILTER (WHERE status = 'processing')::int AS processing
         FROM syncs WHERE status IN ('pending', 'processing')`,
      ),
      // Attempts, not syncs: a sync that failed three times last night counts three failures.
      this.dataSource.query(
        `SELECT error_code AS code, count(*)::int AS n FROM sync_attempts
         WHERE started_at >= $1 AND error_code IS NOT NULL GROUP BY error_code ORDER BY n DESC, error_code`,
        [since],
      ),
    ]);
    return { byConnection, queue: queue[0], failures };
  }

  /** Creates the syncs that connections routed now should have for a stored event; existing ones are kept. */
  async createRouted(eventId: string, accountId: string, teamId: string | null): Promise<string[]> {
    const created: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO syncs (event_id, connection_id)
       SELECT $1, c.id FROM connections c
       WHERE ${routedConnectionSql('c', '$2', '$3')}
       ON CONFLICT (event_id, connection_id) DO NOTHING RETURNING id`,
      [eventId, accountId, teamId],
    );
    if (created.length > 0) await this.dataSource.query(NOTIFY_SQL);
    return created.map((c) => c.id);
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
    if (rows.length > 0) await this.dataSource.query(NOTIFY_SQL);
    return rows.map((r) => r.id);
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

function whereOf(filter: SyncRowFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.status?.length) add('s.status = ANY(?::text[])', filter.status);
  if (filter.eventId) add('s.event_id = ?', filter.eventId);
  if (filter.connectionId) add('s.connection_id = ?::uuid', filter.connectionId);
  if (filter.candidateId) add('s.candidate_id = ?', filter.candidateId);
  if (filter.from) add('s.created_at >= ?', filter.from);
  if (filter.to) add('s.created_at < ?', filter.to);
  return { where, params };
}

/** A sync as an erasure reads it. */
export interface ErasureSyncRow {
  id: string;
  eventId: string;
  connectionId: string;
  candidateId: string | null;
  candidateName: string | null;
  match: unknown;
  noteRef: Record<string, any> | null;
  holdsPersonal: boolean;
}
