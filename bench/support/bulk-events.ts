import type { DataSource } from 'typeorm';
import { BENCH_ACCOUNT } from './bench-webhooks';
import { NOTIFY_SQL } from '../../src/sync/sync.repository';

/**
 * Stores events and their pending syncs directly, as intake would have, in one transaction: the drain
 * benchmark measures the worker, not intake.
 */
export async function insertPendingSyncs(
  dataSource: DataSource,
  connectionId: string,
  events: Array<{ id: string; body: string }>,
): Promise<void> {
  await dataSource.transaction(async (em) => {
    for (let i = 0; i < events.length; i += 2000) {
      const chunk = events.slice(i, i + 2000);
      await em.query(
        `INSERT INTO webhook_events (id, event_type, account_id, team_id, provider_created_at, status, signature_scheme, raw_body)
         SELECT id, 'meeting.completed', $2, 'team_bench', now(), 'accepted', 'standard-webhooks', body
         FROM unnest($1::text[], $3::text[]) AS e(id, body)`,
        [chunk.map((e) => e.id), BENCH_ACCOUNT, chunk.map((e) => e.body)],
      );
      await em.query(`INSERT INTO syncs (event_id, connection_id) SELECT id, $2 FROM unnest($1::text[]) AS e(id)`, [
        chunk.map((e) => e.id),
        connectionId,
      ]);
    }
  });
  await dataSource.query(NOTIFY_SQL);
}
