import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface StoreEventInput {
  id: string;
  eventType: string;
  accountId: string;
  teamId: string | null;
  providerCreatedAt: Date;
  status: 'accepted' | 'ignored';
  signatureScheme: string;
  rawBody: string;
}

export interface StoreEventResult {
  duplicate: boolean;
  syncsCreated: number;
}

/** Where a sync row is created, the worker is woken through this channel. */
export const SYNC_NOTIFY_CHANNEL = 'debrief_syncs';

/**
 * The intake write: the event and one pending sync per routed connection, in one statement (so one
 * transaction and one round trip). A repeated id inserts nothing, also when deliveries race: the primary
 * key decides, and the sync insert only runs for the row this statement inserted.
 */
@Injectable()
export class EventStoreRepository {
  constructor(private readonly dataSource: DataSource) {}

  async store(input: StoreEventInput): Promise<StoreEventResult> {
    const rows: Array<{ inserted: number; routed: number }> = await this.dataSource.query(
      `WITH ev AS (
         INSERT INTO webhook_events (id, event_type, account_id, team_id, provider_created_at, status, signature_scheme, raw_body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO NOTHING
         RETURNING id, status
       ), ins AS (
         INSERT INTO syncs (event_id, connection_id)
         SELECT ev.id, c.id FROM ev JOIN connections c
           ON c.account_id = $3 AND c.enabled AND c.deleted_at IS NULL AND (c.team_id IS NULL OR c.team_id = $4)
         WHERE ev.status = 'accepted'
         RETURNING id
       ), wake AS (
         SELECT pg_notify('${SYNC_NOTIFY_CHANNEL}', '') FROM (SELECT 1 FROM ins LIMIT 1) x
       )
       SELECT (SELECT count(*) FROM ev)::int AS inserted, (SELECT count(*) FROM ins)::int AS routed,
              (SELECT count(*) FROM wake)::int AS woke`,
      [input.id, input.eventType, input.accountId, input.teamId, input.providerCreatedAt, input.status, input.signatureScheme, input.rawBody],
    );
    const row = rows[0];
    return { duplicate: row.inserted === 0, syncsCreated: row.routed };
  }
}
