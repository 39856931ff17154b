import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { samplePayload, standardHeaders } from '../support/sign';

describe('webhook intake (smoke)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('accepts the signed sample once and stores it', async () => {
    const body = JSON.stringify(samplePayload());
    const first = await http(app).post('/webhooks/meetings').set(standardHeaders(body)).send(body);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ status: 'accepted' });
    const second = await http(app).post('/webhooks/meetings').set(standardHeaders(body)).send(body);
    expect(second.body).toEqual({ status: 'duplicate' });
    const rows = await db.dataSource.query('SELECT id, raw_body FROM webhook_events');
    expect(rows).toHaveLength(1);
    expect(rows[0].raw_body).toBe(body);
  });
});
