import { rowsOf } from '../common/query-rows';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { routesEventSql } from './event-routing';
import type { SyncErrorCode } from './failure-policy';
import { OPEN_STATUSES } from './sync.repository';

/** A stored webhook event as operators read it. */
export interface StoredEvent {
  id: string;
  event_type: string;
  account_id: string;
  team_id: string | null;
  provider_created_at: Date;
  received_at: Date;
  status: string;
  signature_scheme: string;
  raw_body: string | null;
  raw_body_purged_at: Date | null;
}

/**
 * Every statement on `webhook_events` apart from intake's single write. An attempt's own read of its event
 * comes with its claim (`syncInputsSql`).
 */
@Injectable()
export class EventRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One stored event, or null. */
  async find(id: string): Promise<StoredEvent | null> {
    const rows: StoredEvent[] = await this.dataSource.query(
      `SELECT id, event_type, account_id, team_id, provider_created_at, received_at, status, signature_scheme, raw_body,
              raw_body_purged_at FROM webhook_events WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * Whether an event of (account, team) routes to a connection, by the routing rule intake and replay use;
   * `sameAccount` tells which half of the rule refused it. Null when the connection is not stored.
   */
  async routing(connectionId: string, accountId: string, teamId: string | null): Promise<{ routed: boolean; sameAccount: boolean } | null> {
    const rows: Array<{ routed: boolean; same_account: boolean }> = await this.dataSource.query(
      `SELECT (${routesEventSql('c', '$2::text', '$3::text')}) AS routed, c.account_id = $2::text AS same_account
       FROM connections c WHERE c.id = $1`,
      [connectionId, accountId, teamId],
    );
    return rows[0] ? { routed: rows[0].routed === true, sameAccount: rows[0].same_account } : null;
  }

  /**
   * Unmatched syncs of live connections whose event arrived within the re-match window, a page at a time in
   * sync id order, with what the re-match ladder needs.
   */
  async unmatchedInWindow(
    windowDays: number,
    after: string,
    limit: number,
  ): Promise<Array<{ id: string; rematch_count: number; finished_at: Date | null; received_at: Date; now: Date }>> {
    return this.dataSource.query(
      `SELECT s.id, s.rematch_count, s.finished_at, e.received_at, now() AS now
       FROM syncs s JOIN webhook_events e ON e.id = s.event_id JOIN connections c ON c.id = s.connection_id
       WHERE s.status = 'unmatched' AND e.received_at > now() - make_interval(days => $1)
         AND c.enabled AND c.deleted_at IS NULL AND s.id > $2::uuid
       ORDER BY s.id LIMIT $3`,
      [windowDays, after, limit],
    );
  }

  /**
   * One connection's syncs a directory change may concern: unmatched inside the re-match window, and those
   * being matched right now (their lookup may have run before the change), with the meeting's payload.
   */
  async openForNews(
    connectionId: string,
    windowDays: number,
  ): Promise<Array<{ id: string; status: 'unmatched' | 'processing'; rematch_count: number; raw_body: string | null }>> {
    return this.dataSource.query(
      `SELECT s.id, s.status, s.rematch_count, e.raw_body
       FROM syncs s JOIN webhook_events e ON e.id = s.event_id
       WHERE s.connection_id = $1 AND s.status IN ('unmatched', 'processing') AND s.resolution IS NULL
         AND e.received_at > now() - make_interval(days => $2)
       ORDER BY s.id LIMIT 2000`,
      [connectionId, windowDays],
    );
  }

  /**
   * Retention: drops raw bodies received before `cutoff`, unless a sync may still need them (it is open, or
   * failed with a code recovery re-arms and has re-arms left). Answers how many were purged.
   */
  async purgePayloads(cutoff: Date, limit: number, recoverable: readonly SyncErrorCode[], maxRearms: number): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `WITH purged AS (
         UPDATE webhook_events SET raw_body = NULL, raw_body_purged_at = now()
         WHERE id IN (
           SELECT e.id FROM webhook_events e
           WHERE e.raw_body IS NOT NULL AND e.received_at < $1
             AND NOT EXISTS (
               SELECT 1 FROM syncs s WHERE s.event_id = e.id
                 AND (s.status = ANY($5::text[])
                      OR (s.status = 'failed' AND s.last_error_code = ANY($3::text[]) AND s.recovery_count < $4)))
           LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING 1)
       SELECT count(*)::int AS n FROM purged`,
      [cutoff, limit, recoverable, maxRearms, OPEN_STATUSES],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Erasure: events in id order after `after`, a page at a time (resumable), each with its body (null once
   * purged) and whether one of its syncs chose one of `candidates` (a connection's candidate ids). With
   * `connectionId`, only events routed to that connection.
   */
  async pageForErasure(
    after: string,
    limit: number,
    connectionId: string | null,
    candidates: ReadonlyArray<{ connectionId: string; externalId: string }>,
  ): Promise<Array<{ id: string; rawBody: string | null; chosen: boolean }>> {
    const rows: Array<{ id: string; raw_body: string | null; chosen: boolean }> = await this.dataSource.query(
      `SELECT e.id, e.raw_body,
              EXISTS (SELECT 1 FROM syncs s JOIN unnest($4::uuid[], $5::text[]) AS c(connection_id, external_id)
                        ON s.connection_id = c.connection_id AND s.candidate_id = c.external_id
                      WHERE s.event_id = e.id) AS chosen
       FROM webhook_events e
       WHERE e.id > $1 AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM syncs s WHERE s.event_id = e.id AND s.connection_id = $3::uuid))
       ORDER BY e.id LIMIT $2`,
      [after, limit, connectionId, candidates.map((c) => c.connectionId), candidates.map((c) => c.externalId)],
    );
    return rows.map((r) => ({ id: r.id, rawBody: r.raw_body, chosen: r.chosen === true }));
  }

  /**
   * Erasure: drops the bodies of these events. The row (id, envelope, status) stays, so a re-delivery is still
   * recognised as a duplicate and never stored again. Answers how many bodies were dropped.
   */
  async purgeBodies(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = rowsOf<{ id: string }>(await this.dataSource.query(
      `UPDATE webhook_events SET raw_body = NULL, raw_body_purged_at = now() WHERE id = ANY($1::text[]) AND raw_body IS NOT NULL RETURNING id`,
      [ids],
    ));
    return rows.length;
  }
}
