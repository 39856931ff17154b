import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rowsOf } from '../../common/query-rows';
import { RefreshMode, RefreshState } from './directory-refresh.plan';

export interface RefreshStateRow extends RefreshState {
  connectionId: string;
  pages: number;
  candidatesSeen: number;
  lastIncrementalAt: Date | null;
  lastError: string | null;
  /** What the adapter asked to keep between passes (CandidatePage.syncState); opaque here. */
  syncState: string | null;
}

/**
 * Each connection's directory refresh position. The cursor is saved after every page, so a refresh that
 * stops (crash, deploy, page cap) continues where it stopped.
 */
@Injectable()
export class DirectoryRefreshStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  async get(connectionId: string): Promise<RefreshStateRow | null> {
    const rows: Array<Record<string, any>> = await this.dataSource.query(`SELECT * FROM directory_refresh_state WHERE connection_id = $1`, [connectionId]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  async getMany(connectionIds: string[]): Promise<RefreshStateRow[]> {
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `SELECT * FROM directory_refresh_state WHERE connection_id = ANY($1::uuid[])`,
      [connectionIds],
    );
    return rows.map(toRow);
  }

  async requestFull(connectionIds: string[]): Promise<void> {
    if (connectionIds.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO directory_refresh_state (connection_id, full_requested_at)
       SELECT id, now() FROM unnest($1::uuid[]) AS c(id)
       ON CONFLICT (connection_id) DO UPDATE SET full_requested_at = now(), updated_at = now()`,
      [connectionIds],
    );
  }

  async start(connectionId: string, mode: RefreshMode, updatedSince: Date | null): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO directory_refresh_state (connection_id, mode, cursor, updated_since, started_at, finished_at, pages, candidates_seen)
       VALUES ($1, $2, NULL, $3, now(), NULL, 0, 0)
       ON CONFLICT (connection_id) DO UPDATE SET mode = $2, cursor = NULL, updated_since = $3, started_at = now(),
         finished_at = NULL, pages = 0, candidates_seen = 0, updated_at = now()`,
      [connectionId, mode, updatedSince],
    );
  }

  async savePage(connectionId: string, nextCursor: string | null, candidates: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE directory_refresh_state SET cursor = $2, pages = pages + 1, candidates_seen = candidates_seen + $3, updated_at = now()
       WHERE connection_id = $1`,
      [connectionId, nextCursor, candidates],
    );
  }

  /**
   * Marks the refresh complete. Its start becomes the watermark for the next incremental one; a full refresh
   * answers the requests made before it started (a later request still stands). The adapter's sync state is
   * written in the same statement, so it never belongs to a pass that is not recorded as complete:
   * a string or null replaces it, undefined leaves it.
   */
  async complete(connectionId: string, syncState?: string | null): Promise<{ mode: RefreshMode; startedAt: Date }> {
    const rows = rowsOf<{ mode: RefreshMode; started_at: Date }>(await this.dataSource.query(
      `UPDATE directory_refresh_state SET cursor = NULL, finished_at = now(), watermark = started_at,
         sync_state = CASE WHEN $2::boolean THEN $3::text ELSE sync_state END,
         last_full_at = CASE WHEN mode = 'full' THEN now() ELSE last_full_at END,
         last_incremental_at = CASE WHEN mode = 'incremental' THEN now() ELSE last_incremental_at END,
         full_requested_at = CASE WHEN mode = 'full' AND full_requested_at <= started_at THEN NULL ELSE full_requested_at END,
         last_error = NULL, last_error_at = NULL, updated_at = now()
       WHERE connection_id = $1 RETURNING mode, started_at`,
      [connectionId, syncState !== undefined, syncState ?? null],
    ));
    return { mode: rows[0]!.mode, startedAt: rows[0]!.started_at };
  }

  async fail(connectionId: string, message: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO directory_refresh_state (connection_id, last_error, last_error_at) VALUES ($1, $2, now())
       ON CONFLICT (connection_id) DO UPDATE SET last_error = $2, last_error_at = now(), updated_at = now()`,
      [connectionId, message.slice(0, 2000)],
    );
  }
}

function toRow(r: Record<string, any>): RefreshStateRow {
  return {
    connectionId: r.connection_id,
    mode: r.mode,
    cursor: r.cursor,
    updatedSince: r.updated_since,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    watermark: r.watermark,
    fullRequestedAt: r.full_requested_at,
    lastFullAt: r.last_full_at,
    lastIncrementalAt: r.last_incremental_at,
    pages: r.pages,
    candidatesSeen: r.candidates_seen,
    lastError: r.last_error,
    syncState: r.sync_state ?? null,
  };
}
