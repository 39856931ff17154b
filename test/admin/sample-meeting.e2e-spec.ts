import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { sampleMeetingResponseSchema } from '../../src/admin/admin-api.schemas';
import { providerSample } from '../../src/meeting/sample-meeting';
import { adminHeaders, createTestApp, http, TEST_READONLY_TOKEN } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain } from '../support/fixtures';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe("the provider's sample meeting sent to a connection through the admin API", () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let connectionId: string;
  let otherAccountId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { ADMIN_READONLY_TOKENS: TEST_READONLY_TOKEN });
    connectionId = (await createSandboxConnection(app, { accountId: 'acc_trial', teamId: 'team_trial' })).id;
    otherAccountId = (await createSandboxConnection(app, { accountId: 'acc_elsewhere' })).id;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const send = (id = connectionId, token?: string) => http(app).post(`/admin/connections/${id}/sample-meeting`).set(adminHeaders(token));
  const count = async (sql: string, params: unknown[] = []) => Number((await db.dataSource.query(sql, params))[0].n);

  it("stores the sample as a new event of the connection's account, routed like a webhook, and its note reaches the candidate", async () => {
    const res = await send();
    expect(res.status).toBe(200);
    sampleMeetingResponseSchema.parse(res.body);
    expect(res.body).toEqual({ eventId: expect.stringMatching(/^evt_sample_[0-9a-f-]{36}$/), syncsCreated: 1 });

    const event = await http(app).get(`/admin/events/${res.body.eventId}`).set(adminHeaders());
    expect(event.status).toBe(200);
    expect(event.body).toMatchObject({ accountId: 'acc_trial', teamId: 'team_trial', status: 'accepted', signatureScheme: 'admin' });
    expect(event.body.payload.data.meeting).toEqual(providerSample().data.meeting);
    expect(event.body.syncs.map((s: { connectionId: string }) => s.connectionId)).toEqual([connectionId]);

    await drain(app);
    const notes = await db.dataSource.query('SELECT candidate_id, title FROM sandbox_notes WHERE connection_id = $1', [connectionId]);
    expect(notes).toEqual([{ candidate_id: 'cand-1', title: expect.stringContaining(providerSample().data.meeting.name as string) }]);
    expect(await count('SELECT count(*) AS n FROM sandbox_notes WHERE connection_id = $1', [otherAccountId])).toBe(0);

    const audit = await http(app).get('/admin/audit').query({ action: 'connection.sample' }).set(adminHeaders());
    expect(audit.body.items[0]).toMatchObject({ action: 'connection.sample', targetId: connectionId, detail: { eventId: res.body.eventId, syncsCreated: 1 } });
  });

  it('makes a new meeting each time, never a duplicate of the last one', async () => {
    const first = await send();
    const second = await send();
    expect(first.body.eventId).not.toBe(second.body.eventId);
    expect(second.body.syncsCreated).toBe(1);
    await drain(app);
    expect(await count('SELECT count(*) AS n FROM sandbox_notes WHERE connection_id = $1', [connectionId])).toBe(3);
  });

  it('refuses a read-only token, an unknown connection and a disabled one, storing nothing', async () => {
    const before = await count('SELECT count(*) AS n FROM webhook_events');
    const readOnly = await send(connectionId, TEST_READONLY_TOKEN);
    expect(readOnly.status).toBe(403);
    expect(readOnly.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });

    const unknown = await send(UNKNOWN);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'NOT_FOUND', message: expect.any(String) });

    expect((await http(app).patch(`/admin/connections/${otherAccountId}`).set(adminHeaders()).send({ enabled: false })).status).toBe(200);
    const disabled = await send(otherAccountId);
    expect(disabled.status).toBe(409);
    expect(disabled.body).toEqual({ code: 'CONFLICT', message: 'the connection is disabled: enable it, then send the sample', details: [{ path: '$.enabled', message: 'is false' }] });
    expect(await count('SELECT count(*) AS n FROM webhook_events')).toBe(before);
  });
});
