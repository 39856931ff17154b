import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../../src/common/api-error';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { EventStoreRepository, StoreEventInput } from '../../src/webhook/event-store.repository';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TcpProxy } from '../support/tcp-proxy';

const input = (id: string, change: Partial<StoreEventInput> = {}): StoreEventInput => ({
  id,
  eventType: 'meeting.completed',
  accountId: 'acc_batch',
  teamId: 'team_1',
  providerCreatedAt: new Date('2025-10-10T10:00:00Z'),
  status: 'accepted',
  signatureScheme: 'standard-webhooks',
  rawBody: JSON.stringify({ id }),
  ...change,
});

/** Intake under concurrency: requests that arrive together are committed together, with the same answers. */
describe('event store: concurrent writes committed together', () => {
  let db: TestDatabase;
  let store: EventStoreRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.dataSource.query(
      `INSERT INTO connections (name, provider, account_id, team_id) VALUES ('all', 'sandbox', 'acc_batch', NULL), ('team 2', 'sandbox', 'acc_batch', 'team_2')`,
    );
    store = new EventStoreRepository(db.dataSource);
  });
  afterAll(async () => {
    store?.onModuleDestroy();
    await db?.drop();
  });

  const count = async (sql: string, params: unknown[] = []) => (await db.dataSource.query(sql, params))[0].n as number;

  it('stores each of many simultaneous events with its syncs, routed per event', async () => {
    const inputs = Array.from({ length: 150 }, (_, i) => input(`evt_many_${i}`, i % 3 === 0 ? { teamId: 'team_2' } : i % 3 === 1 ? { teamId: null } : {}));
    const results = await Promise.all(inputs.map((i) => store.store(i)));
    expect(results).toEqual(inputs.map((i) => ({ duplicate: false, syncsCreated: i.teamId === 'team_2' ? 2 : 1 })));
    expect(await count(`SELECT count(*)::int AS n FROM webhook_events WHERE id LIKE 'evt_many_%'`)).toBe(150);
    expect(await count(`SELECT count(*)::int AS n FROM syncs WHERE event_id LIKE 'evt_many_%'`)).toBe(200);
  });

  it('accepts exactly one of simultaneous deliveries of one id, and keeps the first body', async () => {
    const inputs = [
      ...Array.from({ length: 30 }, (_, i) => input(`evt_other_${i}`)),
      ...Array.from({ length: 12 }, (_, i) => input('evt_same', { rawBody: `{"delivery":${i}}` })),
    ];
    const results = await Promise.all(inputs.map((i) => store.store(i)));
    const same = results.slice(30);
    expect(same.filter((r) => !r.duplicate)).toEqual([{ duplicate: false, syncsCreated: 1 }]);
    expect(same.filter((r) => r.duplicate)).toHaveLength(11);
    expect(await count(`SELECT count(*)::int AS n FROM syncs WHERE event_id = 'evt_same'`)).toBe(1);
    const [row] = await db.dataSource.query(`SELECT raw_body FROM webhook_events WHERE id = 'evt_same'`);
    expect(row.raw_body).toBe(`{"delivery":${same.findIndex((r) => !r.duplicate)}}`);
    expect((await Promise.all([store.store(input('evt_same'))]))[0]).toEqual({ duplicate: true, syncsCreated: 0 });
  });

  it('fails only the event Postgres refuses, not the others written with it', async () => {
    const inputs = Array.from({ length: 40 }, (_, i) => input(i === 17 ? 'evt_poison_\u0000' : `evt_fine_${i}`));
    const settled = await Promise.allSettled(inputs.map((i) => store.store(i)));
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(1);
    expect(settled[17].status).toBe('rejected');
    expect(await count(`SELECT count(*)::int AS n FROM webhook_events WHERE id LIKE 'evt_fine_%'`)).toBe(39);
    expect(await count(`SELECT count(*)::int AS n FROM syncs WHERE event_id LIKE 'evt_fine_%'`)).toBe(39);
  });

  it('stores nothing and reports the database unreachable for every event of a write that could not commit', async () => {
    const proxy = await TcpProxy.start(db.url);
    const viaProxy = new DataSource(dataSourceOptions(proxy.urlFor(db.url), 4));
    await viaProxy.initialize();
    const cut = new EventStoreRepository(viaProxy);
    try {
      proxy.refuse();
      const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => cut.store(input(`evt_cut_${i}`))));
      expect(settled.every((s) => s.status === 'rejected' && isDatabaseUnavailable(s.reason))).toBe(true);
      expect(await count(`SELECT count(*)::int AS n FROM webhook_events WHERE id LIKE 'evt_cut_%'`)).toBe(0);
      proxy.forward();
      expect(await cut.store(input('evt_cut_after'))).toEqual({ duplicate: false, syncsCreated: 1 });
    } finally {
      cut.onModuleDestroy();
      await viaProxy.destroy().catch(() => undefined);
      await proxy.close();
    }
  });
});
