import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../common/api-error';
import { PreparedStatement } from '../common/prepared-statement';
import { StatementBatcher } from '../database/statement-batcher';
import { routedConnectionSql } from '../sync/event-routing';
import { NOTIFY_SQL } from '../sync/sync.repository';

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

/**
 * At most one wake-up NOTIFY per this many milliseconds; the workers claim what came in meanwhile in one batch,
 * and the attempts of a batch end together and share their finish. Measured with bench:combined at 250/s:
 * 50 ms kept the p99 from 200 to note at 61-77 ms, with a median of 35-47 ms; 20 ms halved the median but let the
 * p99 reach 80-156 ms; 10 ms, 125 ms.
 */
export const WAKE_INTERVAL_MS = 50;

/**
 * Intake writes in flight at once; requests arriving meanwhile wait and go together in the next write.
 * Measured with bench:intake at 32 connections: 1 and 2 give the largest batches (Postgres CPU per event
 * below the one-INSERT baseline); 4, 8 and 16 cost more and answer slower. Two, so that one slow commit
 * does not hold up every request.
 */
export const MAX_CONCURRENT_WRITES = 2;
/** The most events one write commits. */
export const MAX_BATCH = 64;

/**
 * The intake write for one event or many: the first delivery of each id in the batch wins, as between statements.
 * Prepared: one text for every batch size, so each connection plans it once.
 */
const STORE_EVENTS = new PreparedStatement<{ id: string; routed: number }>('intake_store_events', `WITH input AS (
     SELECT DISTINCT ON (id) * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[])
       WITH ORDINALITY AS i(id, event_type, account_id, team_id, provider_created_at, status, signature_scheme, raw_body, ord)
     ORDER BY id, ord
   ), ev AS (
     INSERT INTO webhook_events (id, event_type, account_id, team_id, provider_created_at, status, signature_scheme, raw_body)
     SELECT id, event_type, account_id, team_id, provider_created_at, status, signature_scheme, raw_body FROM input ORDER BY ord
     ON CONFLICT (id) DO NOTHING
     RETURNING id, status, account_id, team_id
   ), ins AS (
     INSERT INTO syncs (event_id, connection_id)
     SELECT ev.id, c.id FROM ev JOIN connections c
       ON ${routedConnectionSql('c', 'ev.account_id', 'ev.team_id')}
     WHERE ev.status = 'accepted'
     RETURNING event_id
   )
   SELECT ev.id, (SELECT count(*) FROM ins WHERE ins.event_id = ev.id)::int AS routed FROM ev`);

/**
 * The intake write: the event and one pending sync per routed connection, in one statement (so one
 * transaction and one round trip). A repeated id inserts nothing, also when deliveries race: the primary
 * key decides, and the sync insert only runs for the row this statement inserted.
 *
 * Under load, concurrent requests share a write (group commit): at most MAX_CONCURRENT_WRITES statements
 * are in flight, and the requests that arrive meanwhile go together in the next one, so that one commit
 * (one WAL flush) answers many. Alone, a request is written at once, as before. Each request is still
 * answered only after the commit that holds its event; a batch that fails for anything but an unreachable
 * database is written again one event at a time, so one bad event cannot fail its neighbours.
 *
 * The workers are woken by a NOTIFY sent after the commit, at most one per WAKE_INTERVAL_MS, never from
 * the intake transaction itself: PostgreSQL serialises the commits of notifying transactions (a global
 * lock held through the WAL flush), which capped intake at a third of its throughput under load.
 */
@Injectable()
export class EventStoreRepository implements OnModuleDestroy {
  private lastWake = 0;
  private wakeTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly writes = new StatementBatcher<StoreEventInput, StoreEventResult>({
    maxConcurrent: MAX_CONCURRENT_WRITES,
    maxBatch: MAX_BATCH,
    one: (input) => this.storeMany([input]).then(([result]) => result!),
    many: (inputs) => this.storeMany(inputs),
    failWhole: isDatabaseUnavailable,
  });

  constructor(private readonly dataSource: DataSource) {}

  onModuleDestroy(): void {
    this.closed = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
  }

  store(input: StoreEventInput): Promise<StoreEventResult> {
    return this.writes.submit(input);
  }

  private async storeMany(inputs: StoreEventInput[]): Promise<StoreEventResult[]> {
    const rows = await STORE_EVENTS.run(this.dataSource, [
      inputs.map((i) => i.id),
      inputs.map((i) => i.eventType),
      inputs.map((i) => i.accountId),
      inputs.map((i) => i.teamId),
      inputs.map((i) => i.providerCreatedAt.toISOString()),
      inputs.map((i) => i.status),
      inputs.map((i) => i.signatureScheme),
      inputs.map((i) => i.rawBody),
    ]);
    const inserted = new Map(rows.map((r) => [r.id, r.routed]));
    if (rows.some((r) => r.routed > 0)) this.wakeWorkers();
    return inputs.map((input) => {
      const routed = inserted.get(input.id);
      // Only the first delivery of an id in the batch inserted it; later ones in the batch are duplicates.
      inserted.delete(input.id);
      return routed === undefined ? { duplicate: true, syncsCreated: 0 } : { duplicate: false, syncsCreated: routed };
    });
  }

  /** Leading edge at once, then at most one more per interval; a lost NOTIFY only delays work until the poll. */
  private wakeWorkers(): void {
    if (this.wakeTimer || this.closed) return;
    const wait = this.lastWake + WAKE_INTERVAL_MS - Date.now();
    const send = () => {
      this.wakeTimer = null;
      if (this.closed) return;
      this.lastWake = Date.now();
      this.dataSource.query(NOTIFY_SQL).catch(() => undefined);
    };
    if (wait <= 0) send();
    else this.wakeTimer = setTimeout(send, wait);
  }
}
