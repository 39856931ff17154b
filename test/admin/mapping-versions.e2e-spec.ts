import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mappingVersionPageSchema, mappingVersionSchema } from '../../src/admin/admin-api.schemas';
import { adminHeaders, createTestApp, http, TEST_READONLY_TOKEN } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection } from '../support/fixtures';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('a connection\'s mapping versions through the admin API', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let connectionId: string;
  let otherId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { ADMIN_READONLY_TOKENS: TEST_READONLY_TOKEN });
    connectionId = (await createSandboxConnection(app)).id;
    otherId = (await createSandboxConnection(app, { accountId: 'acc_other' })).id;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const versions = (id = connectionId, query: Record<string, string | number> = {}, token?: string) =>
    http(app).get(`/admin/connections/${id}/mapping/versions`).query(query).set(adminHeaders(token));
  const version = (v: string | number, id = connectionId, token?: string) =>
    http(app).get(`/admin/connections/${id}/mapping/versions/${v}`).set(adminHeaders(token));
  const save = (body: object, id = connectionId) => http(app).put(`/admin/connections/${id}/mapping`).set(adminHeaders()).send(body);

  it('lists no version while the built-in default is in force', async () => {
    const res = await versions();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  it('lists saved versions newest first with who saved them, a page at a time through the cursor', async () => {
    for (const title of ['One {{meeting.name}}', 'Two {{meeting.name}}', 'Three {{meeting.name}}']) {
      expect((await save({ titleTemplate: title })).status).toBe(200);
    }
    // Another connection's versions never show up in this one's history.
    expect((await save({ titleTemplate: 'Elsewhere {{meeting.name}}' }, otherId)).status).toBe(200);

    const first = await versions(connectionId, { limit: 2 });
    expect(first.status).toBe(200);
    mappingVersionPageSchema.parse(first.body);
    expect(first.body.items.map((v: { version: number }) => v.version)).toEqual([3, 2]);
    expect(first.body.items[0]).toEqual({ version: 3, createdAt: expect.any(String), createdBy: expect.stringMatching(/^admin:/) });
    expect(Number.isNaN(Date.parse(first.body.items[0].createdAt))).toBe(false);
    expect(first.body.nextCursor).toEqual(expect.any(String));

    const second = await versions(connectionId, { limit: 2, cursor: first.body.nextCursor });
    expect(second.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
    expect(second.body.nextCursor).toBeNull();

    const other = await versions(otherId);
    expect(other.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
  });

  it('answers one version with the document saved then, also to a read-only token', async () => {
    const res = await version(1, connectionId, TEST_READONLY_TOKEN);
    expect(res.status).toBe(200);
    mappingVersionSchema.parse(res.body);
    expect(res.body).toMatchObject({ version: 1, createdBy: expect.stringMatching(/^admin:/) });
    expect(res.body.mapping.titleTemplate).toBe('One {{meeting.name}}');
    // The current mapping is the newest version, unchanged by reading an old one.
    expect((await http(app).get(`/admin/connections/${connectionId}/mapping`).set(adminHeaders())).body).toMatchObject({
      version: 3,
      mapping: { titleTemplate: 'Three {{meeting.name}}' },
    });
    expect((await version(1, otherId)).body.mapping.titleTemplate).toBe('Elsewhere {{meeting.name}}');
  });

  it('answers 404 in the common shape for an unknown connection or version', async () => {
    for (const res of [await version(4), await version(2, otherId)]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 'NOT_FOUND', message: 'mapping version not found', details: [{ path: '$.version', message: expect.any(String) }] });
    }
    for (const res of [await version(1, UNKNOWN), await versions(UNKNOWN), await versions('not-a-uuid')]) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND', message: 'connection not found' });
    }
  });

  it.each(['0', '-1', '1.5', 'one', '01', '2147483648', '99999999999'])('answers 400 naming the version for %p', async (bad) => {
    const res = await version(bad);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', message: expect.any(String) });
    expect(res.body.details).toEqual([{ path: '$.version', message: expect.any(String) }]);
  });

  it('answers 400 for a cursor it did not make and a page size out of range', async () => {
    const cursor = await versions(connectionId, { cursor: 'not-a-cursor' });
    expect(cursor.status).toBe(400);
    expect(cursor.body.details).toEqual([{ path: '$.cursor', message: expect.any(String) }]);
    const limit = await versions(connectionId, { limit: 0 });
    expect(limit.status).toBe(400);
    expect(limit.body.details.map((d: { path: string }) => d.path)).toEqual(['$.limit']);
  });

  it('asks for the admin token', async () => {
    expect((await http(app).get(`/admin/connections/${connectionId}/mapping/versions`)).status).toBe(401);
    expect((await http(app).get(`/admin/connections/${connectionId}/mapping/versions/1`)).status).toBe(401);
  });
});
