import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { samplePayload, standardHeaders } from '../support/sign';
import { TcpProxy } from '../support/tcp-proxy';

/**
 * The app reaches Postgres through a proxy that the test can cut: during the outage the provider gets 503
 * (so it retries), nothing is half-stored, readiness says so, and once the database is back the same
 * delivery is accepted as if nothing had happened.
 */
describe('webhook intake while the database is unreachable', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: NestFastifyApplication;
  let connectionId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await TcpProxy.start(db.url);
    app = await createTestApp(proxy.urlFor(db.url));
    const res = await http(app)
      .post('/admin/connections')
      .set(adminHeaders())
      .send({ name: 'Sandbox', provider: 'sandbox', accountId: 'acc_554433' });
    expect(res.status).toBe(201);
    connectionId = res.body.id;
  });
  afterEach(() => proxy.forward());
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await db?.drop();
  });

  const send = (id: string) => {
    const body = JSON.stringify(samplePayload((p) => (p.id = id)));
    return http(app).post('/webhooks/meetings').set(standardHeaders(body)).send(body);
  };
  // Assertions read the database directly, not through the proxy.
  const eventRows = (id: string) => db.dataSource.query('SELECT id FROM webhook_events WHERE id = $1', [id]);
  const syncRows = (id: string) => db.dataSource.query('SELECT connection_id, status FROM syncs WHERE event_id = $1', [id]);

  it('answers 503 when connections are refused, stores nothing, and accepts the retry once it is back', async () => {
    expect((await send('evt_before_outage')).body).toEqual({ status: 'accepted' });

    proxy.refuse();
    const during = await send('evt_during_outage');
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    expect(during.headers['retry-after']).toBeDefined();
    expect(await eventRows('evt_during_outage')).toEqual([]);
    expect(await syncRows('evt_during_outage')).toEqual([]);

    const ready = await http(app).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ details: { status: 'error', details: { database: { status: 'down' } } } });
    expect((await http(app).get('/health')).status).toBe(200);

    proxy.forward();
    const retried = await send('evt_during_outage');
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ status: 'accepted' });
    expect(await eventRows('evt_during_outage')).toHaveLength(1);
    expect(await syncRows('evt_during_outage')).toEqual([{ connection_id: connectionId, status: 'pending' }]);
    expect((await http(app).get('/health/ready')).status).toBe(200);

    // The delivery the provider retries after a success it never saw is a duplicate, not a second event.
    expect((await send('evt_during_outage')).body).toEqual({ status: 'duplicate' });
  });

  it('answers 503, never 500, when the connection drops under pooled clients', async () => {
    // Warm the pool so that the outage hits clients that believe they are connected.
    await Promise.all(Array.from({ length: 4 }, (_, i) => send(`evt_warm_${i}`)));
    proxy.refuse();
    const statuses = (await Promise.all(Array.from({ length: 6 }, (_, i) => send(`evt_dropped_${i}`)))).map((r) => r.status);
    expect(statuses).toEqual(Array(6).fill(503));
    expect(await db.dataSource.query(`SELECT id FROM webhook_events WHERE id LIKE 'evt_dropped_%'`)).toEqual([]);
    expect(await db.dataSource.query(`SELECT id FROM syncs WHERE event_id LIKE 'evt_dropped_%'`)).toEqual([]);

    proxy.forward();
    const after = await Promise.all(Array.from({ length: 6 }, (_, i) => send(`evt_dropped_${i}`)));
    expect(after.map((r) => r.body)).toEqual(Array(6).fill({ status: 'accepted' }));
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM syncs WHERE event_id LIKE 'evt_dropped_%'`)).toEqual([{ n: 6 }]);
  });

  it('answers 503 when the database stops answering at all (a partition), once the connect timeout passes', async () => {
    proxy.blackhole();
    const res = await send('evt_partition');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    proxy.forward();
    expect(await eventRows('evt_partition')).toEqual([]);
    expect((await send('evt_partition')).body).toEqual({ status: 'accepted' });
  });

  it('keeps refusing bad input with 4xx during the outage (no database needed to say so)', async () => {
    proxy.refuse();
    const body = '{"id":';
    const broken = await http(app).post('/webhooks/meetings').set(standardHeaders(body)).send(body);
    expect(broken.status).toBe(400);
    const unsigned = await http(app).post('/webhooks/meetings').set('content-type', 'application/json').send('{}');
    expect(unsigned.status).toBe(401);
  });
});
