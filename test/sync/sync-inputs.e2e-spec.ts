import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { EventRepository } from '../../src/sync/event.repository';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';

/** Attempts starting together read their inputs in one statement; each must still get its own. */
describe('an attempt reads its inputs', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let inputs: EventRepository;
  let plain: string;
  let mapped: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    inputs = app.get(EventRepository);
    plain = (await createSandboxConnection(app, { accountId: 'acc_plain' })).id;
    mapped = (await createSandboxConnection(app, { accountId: 'acc_mapped' })).id;
    for (const title of ['first title', 'second title']) {
      const res = await http(app).put(`/admin/connections/${mapped}/mapping`).set(adminHeaders()).send({ titleTemplate: title });
      expect(res.status).toBe(200);
    }
    for (const [id, account] of [['evt_plain', 'acc_plain'], ['evt_mapped', 'acc_mapped']]) {
      expect((await sendWebhook(app, samplePayload((p) => ((p.id = id), (p.data.organization.accountId = account))))).status).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('gives each of many simultaneous readers its own event, connection and newest mapping', async () => {
    const missingConnection = randomUUID();
    const asked: Array<[string, string]> = [
      ['evt_plain', plain],
      ['evt_mapped', mapped],
      ['evt_missing', plain],
      ['evt_mapped', missingConnection],
      ['evt_plain', mapped],
      ['evt_mapped', mapped],
    ];
    const got = await Promise.all(asked.map(([eventId, connectionId]) => inputs.load(eventId, connectionId)));

    expect(got[0]!.event).toEqual({ found: true, rawBody: expect.stringContaining('"evt_plain"') });
    expect(got[0]!.connection).toMatchObject({ id: plain, provider: 'sandbox', accountId: 'acc_plain', enabled: true, deletedAt: null });
    expect(got[0]!.mapping).toBeNull();

    expect(got[1]!.event).toEqual({ found: true, rawBody: expect.stringContaining('"evt_mapped"') });
    expect(got[1]!.connection?.id).toBe(mapped);
    expect(got[1]!.mapping).toMatchObject({ version: 2, document: expect.objectContaining({ titleTemplate: 'second title' }) });

    expect(got[2]!.event).toEqual({ found: false });
    expect(got[3]!.connection).toBeNull();
    expect(got[4]!.event).toEqual({ found: true, rawBody: expect.stringContaining('"evt_plain"') });
    expect(got[4]!.mapping?.version).toBe(2);
    expect(got[5]).toEqual(got[1]);
  });
});
