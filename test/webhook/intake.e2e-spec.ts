import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { normaliseMeeting } from '../../src/meeting/normalise-meeting';
import { validatePayload } from '../../src/meeting/meeting-payload.schema';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { samplePayload, standardHeaders } from '../support/sign';

type Payload = Record<string, any>;

const ACCOUNT = 'acc_route';
const payloadFor = (id: string, change: (p: Payload) => void = () => {}) =>
  samplePayload((p) => {
    p.id = id;
    p.data.organization = { accountId: ACCOUNT, teamId: 'team_1' };
    change(p);
  });

describe('webhook intake', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  const connections: Record<string, string> = {};

  const createConnection = async (name: string, body: Record<string, unknown>) => {
    const res = await http(app).post('/admin/connections').set(adminHeaders()).send({ name, provider: 'sandbox', ...body });
    expect(res.status).toBe(201);
    connections[name] = res.body.id;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    await createConnection('account-wide', { accountId: ACCOUNT });
    await createConnection('team-1', { accountId: ACCOUNT, teamId: 'team_1' });
    await createConnection('team-2', { accountId: ACCOUNT, teamId: 'team_2' });
    await createConnection('disabled', { accountId: ACCOUNT, enabled: false });
    await createConnection('deleted', { accountId: ACCOUNT });
    expect((await http(app).delete(`/admin/connections/${connections.deleted}`).set(adminHeaders())).status).toBe(204);
    await createConnection('other-account-team-1', { accountId: 'acc_other', teamId: 'team_1' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const sendRaw = (body: string, headers: Record<string, string> = standardHeaders(body)) =>
    http(app).post('/webhooks/meetings').set(headers).send(body);
  const send = (payload: Payload) => sendRaw(JSON.stringify(payload));
  const eventRow = async (id: string) =>
    (await db.dataSource.query('SELECT event_type, status, account_id, team_id, provider_created_at, raw_body FROM webhook_events WHERE id = $1', [id]))[0];
  const routedTo = async (id: string) => {
    const rows: Array<{ connection_id: string; status: string; attempts: number }> = await db.dataSource.query(
      'SELECT connection_id, status, attempts FROM syncs WHERE event_id = $1',
      [id],
    );
    const names = Object.fromEntries(Object.entries(connections).map(([name, cid]) => [cid, name]));
    for (const row of rows) expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    return rows.map((r) => names[r.connection_id]).sort();
  };
  const counts = async () =>
    (await db.dataSource.query(`SELECT (SELECT count(*) FROM webhook_events)::int AS events, (SELECT count(*) FROM syncs)::int AS syncs`))[0];

  describe('accepted events', () => {
    it('stores the event as received and one pending sync per routed connection, then answers accepted', async () => {
      const payload = payloadFor('evt_accept');
      const body = JSON.stringify(payload);
      const res = await sendRaw(body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'accepted' });
      const row = await eventRow('evt_accept');
      expect(row).toMatchObject({ event_type: 'meeting.completed', status: 'accepted', account_id: ACCOUNT, team_id: 'team_1', raw_body: body });
      expect(new Date(row.provider_created_at).getTime()).toBe(payload.createdAt);
      expect(await routedTo('evt_accept')).toEqual(['account-wide', 'team-1']);
    });

    it('stores both payload shapes (assets beside data, assets under data) and normalises them alike', async () => {
      const outer = payloadFor('evt_shape_outer');
      const inner = payloadFor('evt_shape_inner', (p) => {
        p.data.assets = p.assets;
        delete p.assets;
      });
      expect((await send(outer)).body).toEqual({ status: 'accepted' });
      expect((await send(inner)).body).toEqual({ status: 'accepted' });

      const normalised = async (id: string) => {
        const validation = validatePayload(JSON.parse((await eventRow(id)).raw_body));
        if (!validation.ok) throw new Error(JSON.stringify(validation.issues));
        return normaliseMeeting(validation.payload);
      };
      const a = await normalised('evt_shape_outer');
      const b = await normalised('evt_shape_inner');
      expect({ ...b, eventId: 'x' }).toEqual({ ...a, eventId: 'x' });
      expect(a.assets.transcriptionUrl).toBe('https://api.provider.com/v1/transcripts/abc123.txt');
      expect(a.assets.databaseNotes).toHaveLength(1);
      expect(a.assets.followUpMaterials).toHaveLength(1);
      expect(await routedTo('evt_shape_inner')).toEqual(['account-wide', 'team-1']);
    });

    it('accepts a minimal payload (only the required fields) and keeps unknown fields in the stored body', async () => {
      const payload = {
        id: 'evt_minimal',
        eventType: 'meeting.completed',
        createdAt: 1765198584697,
        data: { meeting: { id: 'mtg_1', recorderVersion: '2.1' }, organization: { accountId: 'acc_other' } },
        futureField: { nested: [1, 2, 3] },
      };
      expect((await send(payload)).body).toEqual({ status: 'accepted' });
      const stored = JSON.parse((await eventRow('evt_minimal')).raw_body);
      expect(stored.futureField).toEqual({ nested: [1, 2, 3] });
      const validation = validatePayload(stored);
      expect(validation.ok && (validation.payload as Payload).futureField).toEqual({ nested: [1, 2, 3] });
      expect(validation.ok && (validation.payload.data.meeting as Payload).recorderVersion).toBe('2.1');
      // No team on the event: only account-wide connections of the account (there is none for acc_other).
      expect(await routedTo('evt_minimal')).toEqual([]);
    });

    it('accepts nulls for the optional seed fields', async () => {
      const payload = payloadFor('evt_nulls', (p) => {
        Object.assign(p.data.meeting, { name: null, startTime: null, ownerName: null, participants: null, atsRecordName: null, isPrivate: null });
        p.data.organization.teamId = null;
        p.assets = null;
      });
      expect((await send(payload)).body).toEqual({ status: 'accepted' });
      expect(await routedTo('evt_nulls')).toEqual(['account-wide']);
    });

    it('accepts a JSON content type with a charset or a +json suffix', async () => {
      const body = JSON.stringify(payloadFor('evt_charset'));
      const res = await sendRaw(body, { ...standardHeaders(body), 'content-type': 'application/json; charset=utf-8' });
      expect(res.body).toEqual({ status: 'accepted' });
      const suffixed = JSON.stringify(payloadFor('evt_suffix'));
      const res2 = await sendRaw(suffixed, { ...standardHeaders(suffixed), 'content-type': 'application/vnd.provider+json' });
      expect(res2.body).toEqual({ status: 'accepted' });
    });
  });

  describe('routing', () => {
    it.each([
      ['a team with its own connection', { accountId: ACCOUNT, teamId: 'team_2' }, ['account-wide', 'team-2']],
      ['a team without its own connection', { accountId: ACCOUNT, teamId: 'team_9' }, ['account-wide']],
      ['no team', { accountId: ACCOUNT }, ['account-wide']],
      ['the same team id under another account', { accountId: 'acc_other', teamId: 'team_1' }, ['other-account-team-1']],
    ])('routes an event for %s', async (label, organization, expected) => {
      const id = `evt_route_${label.replace(/\W+/g, '_')}`;
      expect((await send(payloadFor(id, (p) => (p.data.organization = organization)))).body).toEqual({ status: 'accepted' });
      expect(await routedTo(id)).toEqual(expected);
    });

    it('never routes to a disabled or a deleted connection', async () => {
      expect((await send(payloadFor('evt_route_all', (p) => (p.data.organization = { accountId: ACCOUNT, teamId: 'team_1' })))).status).toBe(200);
      const routed = await routedTo('evt_route_all');
      expect(routed).not.toContain('disabled');
      expect(routed).not.toContain('deleted');
    });

    it('stores an event for an organisation without any connection, with no sync, so it can be replayed later', async () => {
      const res = await send(payloadFor('evt_unrouted', (p) => (p.data.organization = { accountId: 'acc_nobody', teamId: 'team_1' })));
      expect(res.body).toEqual({ status: 'accepted' });
      expect(await eventRow('evt_unrouted')).toMatchObject({ status: 'accepted', account_id: 'acc_nobody' });
      expect(await routedTo('evt_unrouted')).toEqual([]);
    });

    it('routes to a connection enabled again, and follows a team change', async () => {
      const patch = (id: string, body: object) => http(app).patch(`/admin/connections/${id}`).set(adminHeaders()).send(body);
      expect((await patch(connections.disabled, { enabled: true, teamId: 'team_7' })).status).toBe(200);
      await send(payloadFor('evt_route_reenabled', (p) => (p.data.organization = { accountId: ACCOUNT, teamId: 'team_7' })));
      expect(await routedTo('evt_route_reenabled')).toEqual(['account-wide', 'disabled']);
      expect((await patch(connections.disabled, { enabled: false })).status).toBe(200);
    });
  });

  describe('duplicates and other event types', () => {
    it('answers duplicate for a repeated id and changes nothing, even with another body', async () => {
      expect((await send(payloadFor('evt_dup'))).body).toEqual({ status: 'accepted' });
      const before = await counts();
      const firstBody = (await eventRow('evt_dup')).raw_body;
      expect((await send(payloadFor('evt_dup'))).body).toEqual({ status: 'duplicate' });
      const changed = await send(payloadFor('evt_dup', (p) => (p.data.meeting.name = 'Renamed')));
      expect(changed.status).toBe(200);
      expect(changed.body).toEqual({ status: 'duplicate' });
      expect(await counts()).toEqual(before);
      expect((await eventRow('evt_dup')).raw_body).toBe(firstBody);
    });

    it('keeps a repeated id a duplicate when a connection was added in between (no late sync)', async () => {
      expect((await send(payloadFor('evt_dup_late', (p) => (p.data.organization = { accountId: 'acc_late' })))).body).toEqual({ status: 'accepted' });
      await createConnection('late', { accountId: 'acc_late' });
      expect((await send(payloadFor('evt_dup_late', (p) => (p.data.organization = { accountId: 'acc_late' })))).body).toEqual({ status: 'duplicate' });
      expect(await routedTo('evt_dup_late')).toEqual([]);
    });

    it('stores exactly one event and one sync per connection when 20 deliveries of one id race', async () => {
      const body = JSON.stringify(payloadFor('evt_race'));
      const results = await Promise.all(Array.from({ length: 20 }, () => sendRaw(body)));
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      const statuses = results.map((r) => r.body.status).sort();
      expect(statuses).toEqual(['accepted', ...Array(19).fill('duplicate')]);
      expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM webhook_events WHERE id = 'evt_race'`)).toEqual([{ n: 1 }]);
      expect(await routedTo('evt_race')).toEqual(['account-wide', 'team-1']);
    });

    it('answers ignored for another event type, stores it as ignored, and creates no sync', async () => {
      const res = await send(payloadFor('evt_started', (p) => (p.eventType = 'meeting.started')));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ignored' });
      expect(await eventRow('evt_started')).toMatchObject({ event_type: 'meeting.started', status: 'ignored' });
      expect(await routedTo('evt_started')).toEqual([]);
      expect((await send(payloadFor('evt_started', (p) => (p.eventType = 'meeting.started')))).body).toEqual({ status: 'duplicate' });
    });

    it('stores another event type as ignored even when it carries no meeting at all', async () => {
      const res = await send({ id: 'evt_recording_ready', eventType: 'recording.ready', createdAt: Date.now(), data: { recordingId: 'r1' } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ignored' });
      expect(await eventRow('evt_recording_ready')).toMatchObject({ event_type: 'recording.ready', status: 'ignored', account_id: '' });
      expect(await routedTo('evt_recording_ready')).toEqual([]);
    });

    it('still needs an id, a type and a time for another event type', async () => {
      const res = await send({ eventType: 'recording.ready', createdAt: 'yesterday' });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['$.id', '$.createdAt']));
    });
  });

  describe('refused requests store nothing', () => {
    let before: { events: number; syncs: number };
    beforeEach(async () => {
      before = await counts();
    });
    afterEach(async () => {
      expect(await counts()).toEqual(before);
    });

    const detailsOf = (res: { body: { details?: Array<{ path: string }> } }) => (res.body.details ?? []).map((d) => d.path).sort();

    it.each([
      ['broken JSON', '{"id": "evt_bad", "eventType": ', 'MALFORMED_JSON', ['$']],
      ['an empty body', '', 'MALFORMED_JSON', ['$']],
      ['a JSON array', '[]', 'INVALID_PAYLOAD', ['$']],
      ['JSON null', 'null', 'INVALID_PAYLOAD', ['$']],
      ['a JSON string', '"meeting.completed"', 'INVALID_PAYLOAD', ['$']],
    ])('400 for %s', async (_label, body, code, paths) => {
      const res = await sendRaw(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(code);
      expect(detailsOf(res)).toEqual(paths);
    });

    it.each<[string, (p: Payload) => void, string[]]>([
      ['a missing id', (p) => delete p.id, ['$.id']],
      ['an empty id', (p) => (p.id = ''), ['$.id']],
      ['a numeric id', (p) => (p.id = 42), ['$.id']],
      ['a missing eventType', (p) => delete p.eventType, ['$.eventType']],
      ['createdAt as a string', (p) => (p.createdAt = '1765198584697'), ['$.createdAt']],
      ['createdAt as an ISO date', (p) => (p.createdAt = '2025-10-10T10:23:27.000Z'), ['$.createdAt']],
      ['a negative createdAt', (p) => (p.createdAt = -1), ['$.createdAt']],
      ['a createdAt beyond any real date', (p) => (p.createdAt = 1e20), ['$.createdAt']],
      ['a missing data', (p) => delete p.data, ['$.data']],
      ['a missing meeting id', (p) => delete p.data.meeting.id, ['$.data.meeting.id']],
      ['a missing organization', (p) => delete p.data.organization, ['$.data.organization']],
      ['a missing accountId', (p) => delete p.data.organization.accountId, ['$.data.organization.accountId']],
      ['a numeric teamId', (p) => (p.data.organization.teamId = 998877), ['$.data.organization.teamId']],
      ['participants not an array', (p) => (p.data.meeting.participants = '+12345678900'), ['$.data.meeting.participants']],
      ['a participant that is not a string', (p) => (p.data.meeting.participants = ['+12345678900', 5]), ['$.data.meeting.participants[1]']],
      ['isPrivate as a string', (p) => (p.data.meeting.isPrivate = 'false'), ['$.data.meeting.isPrivate']],
      ['a startTime that is not ISO 8601', (p) => (p.data.meeting.startTime = 'yesterday'), ['$.data.meeting.startTime']],
      ['databaseNotes not an array', (p) => (p.assets.databaseNotes = { note: 'x' }), ['$.assets.databaseNotes']],
      ['a note that is not a string', (p) => (p.assets.databaseNotes[0].note = 7), ['$.assets.databaseNotes[0].note']],
      ['a nested asset URL that is not a string', (p) => ((p.data.assets = { recordingUrl: 5 }), delete p.assets), ['$.data.assets.recordingUrl']],
      ['an id with a NUL character', (p) => (p.id = 'evt_\u0000nul'), ['$.id']],
      ['an accountId with a NUL character', (p) => (p.data.organization.accountId = 'acc\u0000'), ['$.data.organization.accountId']],
      ['several problems at once', (p) => ((p.createdAt = 'now'), delete p.data.meeting.id, (p.data.meeting.participants = {})), ['$.createdAt', '$.data.meeting.id', '$.data.meeting.participants']],
    ])('400 naming the JSON path for %s', async (_label, change, paths) => {
      const res = await send(payloadFor('evt_bad', change));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_PAYLOAD', message: expect.any(String) });
      expect(detailsOf(res)).toEqual(paths);
      for (const detail of res.body.details) expect(detail.message).toEqual(expect.any(String));
    });

    it('413 for a body above the limit (1 MiB by default)', async () => {
      const body = JSON.stringify(payloadFor('evt_large', (p) => (p.padding = 'x'.repeat(1024 * 1024))));
      const res = await sendRaw(body);
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });

    it.each([
      ['text/plain', 'text/plain'],
      ['form encoded', 'application/x-www-form-urlencoded'],
      ['xml', 'application/xml'],
    ])('415 for a %s body', async (_label, type) => {
      const body = JSON.stringify(payloadFor('evt_type'));
      const res = await sendRaw(body, { ...standardHeaders(body), 'content-type': type });
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    });

    it('415 for a body without a content type', async () => {
      const body = JSON.stringify(payloadFor('evt_type'));
      const headers = standardHeaders(body);
      delete headers['content-type'];
      const res = await http(app).post('/webhooks/meetings').set(headers).send(Buffer.from(body));
      expect(res.status).toBe(415);
    });
  });

  it('accepts a body just under the limit', async () => {
    const payload = payloadFor('evt_near_limit');
    const size = Buffer.byteLength(JSON.stringify({ ...payload, padding: '' }));
    const body = JSON.stringify({ ...payload, padding: 'x'.repeat(1024 * 1024 - size) });
    expect(Buffer.byteLength(body)).toBe(1024 * 1024);
    expect((await sendRaw(body)).body).toEqual({ status: 'accepted' });
  });
});

describe('webhook intake with a configured body limit', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { WEBHOOK_BODY_LIMIT_BYTES: '4096' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('answers 413 above WEBHOOK_BODY_LIMIT_BYTES and accepts below it', async () => {
    const post = (body: string) => http(app).post('/webhooks/meetings').set(standardHeaders(body)).send(body);
    const large = JSON.stringify(samplePayload((p) => ((p.id = 'evt_large'), (p.padding = 'x'.repeat(4096)))));
    expect((await post(large)).status).toBe(413);
    expect((await post(JSON.stringify(samplePayload()))).body).toEqual({ status: 'accepted' });
    expect(await db.dataSource.query('SELECT id FROM webhook_events')).toEqual([{ id: 'evt_789456123' }]);
  });
});
