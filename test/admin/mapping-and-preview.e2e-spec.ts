import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mappingViewSchema, previewResponseSchema, syncDetailSchema } from '../../src/admin/admin-api.schemas';
import { DEFAULT_FIELD_MAPPING } from '../../src/mapping/field-mapping.schema';
import { FakeHttpServer } from '../fakes/fake-http-server';
import { adminHeaders, createTestApp, http, TEST_READONLY_TOKEN } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain, sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';


/** Row counts of every table in the database, to prove a call stored nothing. */
async function rowCounts(db: TestDatabase): Promise<Record<string, number>> {
  const tables: Array<{ table_name: string }> = await db.dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) {
    const [row] = await db.dataSource.query(`SELECT count(*)::int AS n FROM "${table_name}"`);
    counts[table_name] = row.n;
  }
  return counts;
}

describe('field mappings and previews through the admin API', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let assets: FakeHttpServer;
  let connectionId: string;

  beforeAll(async () => {
    assets = new FakeHttpServer((req) =>
      req.path === '/actions.json'
        ? { status: 200, body: { actionItems: [{ text: 'Send the offer letter', assignee: 'Alex Rivers', dueDate: '2025-10-17' }] } }
        : { status: 404, body: {} },
    );
    await assets.start();
    db = await createTestDatabase();
    app = await createTestApp(db.url, {
      ADMIN_READONLY_TOKENS: TEST_READONLY_TOKEN,
      ASSET_ALLOWED_HOSTS: new URL(assets.url).host,
    });
    connectionId = (await createSandboxConnection(app)).id;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await assets?.stop();
  });

  const getMapping = (id = connectionId, token?: string) => http(app).get(`/admin/connections/${id}/mapping`).set(adminHeaders(token));
  const putMapping = (body: unknown, id = connectionId, token?: string) =>
    http(app).put(`/admin/connections/${id}/mapping`).set(adminHeaders(token)).send(body as object);
  const preview = (body: unknown, token?: string) =>
    http(app).post(`/admin/connections/${connectionId}/preview`).set(adminHeaders(token)).send(body as object);

  it('answers the documented default for a connection without a mapping', async () => {
    const res = await getMapping();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ version: 0, mapping: JSON.parse(JSON.stringify(DEFAULT_FIELD_MAPPING)), isDefault: true });
    mappingViewSchema.parse(res.body);
  });

  it.each([
    ['an unknown key', { colour: 'blue' }, ['$.colour']],
    ['an unknown nested key', { links: { transcript: { show: true } } }, ['$.links.transcript.show']],
    ['an unknown section', { sections: ['details', 'summary'] }, ['$.sections[1]']],
    ['a section listed twice', { sections: ['notes', 'links', 'notes'] }, ['$.sections[2]']],
    ['no sections at all', { sections: [] }, ['$.sections']],
    ['an unknown title placeholder', { titleTemplate: '{{meeting.title}}' }, ['$.titleTemplate']],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, ['$.timeZone']],
    ['a private meeting made public', { visibility: { private: 'public' } }, ['$.visibility.private']],
    ['an unknown private-meeting policy', { privateMeetingPolicy: 'post-anyway' }, ['$.privateMeetingPolicy']],
    ['a fixed author without a user', { author: { strategy: 'fixed' } }, ['$.author.userId']],
    ['two rules for the same note', { databaseNotes: { fields: { Summary: 'A', 'SUMMARY ': 'B' } } }, ['$.databaseNotes.fields.SUMMARY']],
    ['a note routed to a custom field the ATS lacks', { databaseNotes: { fields: { Summary: { customField: 'debrief_notes' } } } }, ['$.databaseNotes.fields.Summary']],
    ['a document that is not an object', ['sections'], ['$']],
  ])('refuses %s with 400 and the path of each problem', async (_what, body, paths) => {
    const res = await putMapping(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', message: expect.any(String) });
    expect(res.body.details.map((d: { path: string }) => d.path)).toEqual(paths);
    for (const detail of res.body.details) expect(detail.message).toEqual(expect.any(String));
  });

  it('refuses an empty body instead of resetting the mapping, and a missing connection with 404', async () => {
    const empty = await http(app).put(`/admin/connections/${connectionId}/mapping`).set(adminHeaders());
    expect(empty.status).toBe(400);
    expect(empty.body.details).toEqual([{ path: '$', message: 'required' }]);
    expect((await putMapping({}, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await getMapping('not-a-uuid')).status).toBe(404);
    // Nothing of the refused documents was stored.
    expect(await db.dataSource.query('SELECT * FROM field_mappings')).toEqual([]);
    expect((await getMapping()).body.version).toBe(0);
  });

  it('refuses writes from a read-only token but lets it read', async () => {
    const refused = await putMapping({}, connectionId, TEST_READONLY_TOKEN);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'READ_ONLY_TOKEN' });
    expect((await getMapping(connectionId, TEST_READONLY_TOKEN)).status).toBe(200);
  });

  let firstSyncId: string;

  it('renders with the default (version 0) before any mapping is saved', async () => {
    expect((await sendWebhook(app, samplePayload((p) => (p.id = 'evt_before_mapping')))).body).toEqual({ status: 'accepted' });
    await drain(app);
    const [sync] = await db.dataSource.query(`SELECT id, status, mapping_version FROM syncs WHERE event_id = 'evt_before_mapping'`);
    expect(sync).toMatchObject({ status: 'synced', mapping_version: 0 });
    firstSyncId = sync.id;
  });

  const CUSTOM = {
    sections: ['notes', 'links'],
    titleTemplate: '{{meeting.atsRecordName}} debrief',
    databaseNotes: { fields: { summary: 'Recap' } },
    links: { recording: { include: false } },
  };

  it('saves each PUT as a new version and reads it back', async () => {
    const first = await putMapping(CUSTOM);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 1, isDefault: false, warnings: [] });
    mappingViewSchema.parse(first.body);
    const read = await getMapping();
    expect(read.body).toEqual({ version: 1, mapping: first.body.mapping, isDefault: false });
    expect(read.body.mapping).toMatchObject({ ...CUSTOM, links: { recording: { include: false, label: 'Recording' } } });

    const second = await putMapping({ ...CUSTOM, timeZone: 'Europe/Berlin' });
    expect(second.body.version).toBe(2);
    expect((await getMapping()).body.mapping.timeZone).toBe('Europe/Berlin');
    // Back to the first document: versions only ever grow.
    const third = await putMapping(CUSTOM);
    expect(third.body.version).toBe(3);
    expect((await getMapping()).body).toEqual({ version: 3, mapping: first.body.mapping, isDefault: false });
    const stored = await db.dataSource.query('SELECT version, created_by FROM field_mappings ORDER BY version');
    expect(stored).toEqual([1, 2, 3].map((version) => ({ version, created_by: expect.stringMatching(/^admin:[0-9a-f]{8}$/) })));
  });

  it('warns about a mapping that is valid but cannot do what it says on this ATS', async () => {
    const res = await putMapping({ ...CUSTOM, author: { strategy: 'fixed', userId: '42' } });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([{ path: '$.author.userId', message: expect.stringContaining('does not let') }]);
    expect((await putMapping(CUSTOM)).body.version).toBe(5);
  });

  it('renders the next sync with the new mapping and records its version', async () => {
    await sendWebhook(app, samplePayload((p) => (p.id = 'evt_after_mapping')));
    await drain(app);
    const [row] = await db.dataSource.query(`SELECT id FROM syncs WHERE event_id = 'evt_after_mapping'`);
    const sync = await http(app).get(`/admin/syncs/${row.id}`).set(adminHeaders());
    expect(sync.body).toMatchObject({ status: 'synced', mappingVersion: 5 });
    syncDetailSchema.parse(sync.body);

    const [note] = await db.dataSource.query(`SELECT title, body_text FROM sandbox_notes WHERE body_text LIKE '%evt_after_mapping%'`);
    expect(note.title).toBe('First Last debrief');
    expect(note.body_text).toContain('Recap\nDiscussed budget and timeline for the upcoming launch.');
    expect(note.body_text).toContain('https://api.provider.com/v1/transcripts/abc123.txt');
    expect(note.body_text).not.toContain('https://api.provider.com/v1/recordings/abc123.mp4');
    expect(note.body_text).not.toContain('Owner: Alex Rivers');
    expect(sync.body.note.text).toBe(note.body_text);

    // The earlier sync keeps the version that rendered it.
    expect((await http(app).get(`/admin/syncs/${firstSyncId}`).set(adminHeaders())).body.mappingVersion).toBe(0);
  });

  it('previews a payload exactly as the sync would post it, and stores nothing', async () => {
    const payload = samplePayload((p) => (p.id = 'evt_preview_only'));
    const before = await rowCounts(db);
    const res = await preview({ payload });
    expect(res.status).toBe(200);
    previewResponseSchema.parse(res.body);
    expect(res.body).toMatchObject({
      connectionId,
      provider: 'sandbox',
      eventId: 'evt_preview_only',
      mappingVersion: 5,
      mappingSource: 'saved',
      wouldPost: true,
      routing: { routed: true },
      visibility: { action: 'post', visibility: 'public', omitLinks: false },
      match: { source: 'directory', decision: 'matched', candidateId: 'cand-1', candidateName: 'First Last' },
      actionItems: { fetched: false, status: 'not_fetched' },
      note: { title: 'First Last debrief', format: 'html', visibility: 'public', author: { strategy: 'owner', name: 'Alex Rivers' } },
    });
    expect(res.body.note.text).toContain('Recap\nDiscussed budget');
    expect(res.body.note.html).toContain('<strong>Recap</strong>');
    expect(res.body.notes.join(' ')).toContain('action items were not fetched');
    expect(await rowCounts(db)).toEqual(before);
    expect(await db.dataSource.query(`SELECT 1 FROM webhook_events WHERE id = 'evt_preview_only'`)).toEqual([]);
  });

  it('renders a stored event with the note text the sync posted, reference marker included', async () => {
    await putMapping({}); // back to everything in, so the body equals what the first sync posted under v0
    const before = await rowCounts(db);
    const res = await preview({ eventId: 'evt_before_mapping' });
    expect(res.status).toBe(200);
    const [posted] = await db.dataSource.query(
      `SELECT title, body_text, reference_marker FROM sandbox_notes WHERE body_text LIKE '%evt_before_mapping%'`,
    );
    expect(res.body.note.referenceMarker).toBe(posted.reference_marker);
    // The sync could not fetch action items (the seed's host is not allowed); the preview did not try.
    expect(res.body.note.text).toBe(posted.body_text.replace(/\n\nAction items\nThe action items could not be retrieved for this note\./, ''));
    expect(res.body.note.title).toBe(posted.title);
    expect(await rowCounts(db)).toEqual(before);
  });

  it('tries an unsaved mapping, fetching action items only when asked and only from allowed hosts', async () => {
    const payload = samplePayload((p) => {
      p.id = 'evt_preview_draft';
      p.assets.actionItemsUrl = `${assets.url}/actions.json`;
    });
    const before = await rowCounts(db);
    const fetchedBefore = assets.requests.length;
    const res = await preview({ payload, mapping: { sections: ['actionItems'], titleTemplate: 'Draft for {{meeting.atsRecordName}}' }, fetchActionItems: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mappingVersion: null, mappingSource: 'draft', actionItems: { fetched: true, status: 'ok', count: 1 } });
    expect(res.body.note.title).toBe('Draft for First Last');
    expect(res.body.note.text).toContain('- Send the offer letter — Alex Rivers, due 2025-10-17');
    expect(res.body.note.text).not.toContain('Discussed budget');
    expect(assets.requests.length).toBe(fetchedBefore + 1);
    expect(await rowCounts(db)).toEqual(before);
    expect((await getMapping()).body.version).toBe(6);
  });

  it('says why a note would not be posted: unknown candidate, other account, private on policy', async () => {
    const stranger = await preview({
      payload: samplePayload((p) => {
        p.data.meeting.atsRecordName = 'Nobody Known';
        p.data.meeting.participants = ['+15550001111'];
      }),
    });
    expect(stranger.body).toMatchObject({ wouldPost: false, match: { decision: 'unmatched', candidateId: null } });
    // The searches a sync runs ran (a 555-01xx number is not a valid phone, so none by phone), and found no one.
    expect(stranger.body.match.source).toBe('directory+ats');
    expect(stranger.body.match.searches).toEqual([{ kind: 'name', value: 'Nobody Known', found: 0 }]);
    const local = await preview({
      directoryOnly: true,
      payload: samplePayload((p) => {
        p.data.meeting.atsRecordName = 'Nobody Known';
        p.data.meeting.participants = ['+15550001111'];
      }),
    });
    expect(local.body.notes.join(' ')).toContain('would also search the ATS');

    const otherAccount = await preview({ payload: samplePayload((p) => (p.data.organization.accountId = 'acc_other')) });
    expect(otherAccount.body).toMatchObject({ wouldPost: false, routing: { routed: false } });

    const privateMeeting = await preview({ payload: samplePayload((p) => (p.data.meeting.isPrivate = true)) });
    expect(privateMeeting.body).toMatchObject({ wouldPost: true, visibility: { action: 'post', visibility: 'private' }, note: { visibility: 'private' } });
  });

  it('decides as the worker does, looser name spellings included', async () => {
    for (const [eventId, name] of [['evt_preview_initial', 'F. Last'], ['evt_preview_accent', 'Fírst Läst']] as const) {
      const payload = samplePayload((p) => {
        p.id = eventId;
        p.data.meeting.atsRecordName = name;
        p.data.meeting.participants = ['+15550002222'];
      });
      const previewed = await preview({ payload });
      expect(previewed.status).toBe(200);
      expect((await sendWebhook(app, payload)).status).toBe(200);
      await drain(app);
      const list = await http(app).get(`/admin/syncs?eventId=${eventId}`).set(adminHeaders());
      const worked = (await http(app).get(`/admin/syncs/${list.body.items[0].id}`).set(adminHeaders())).body;
      expect(previewed.body.match).toMatchObject({ decision: worked.match.decision, candidateId: worked.match.candidateId ?? null, reason: worked.match.reason });
      // The seed's candidate is found through the looser name keys, whatever the decision.
      const named = [previewed.body.match.candidateId, ...previewed.body.match.alternatives.map((a: { candidateId: string }) => a.candidateId)];
      expect(named).toContain('cand-1');
    }
  });

  it('refuses a bad preview request with the path of each problem', async () => {
    const badPayload = await preview({ payload: samplePayload((p) => delete p.data.meeting.id) });
    expect(badPayload.status).toBe(400);
    expect(badPayload.body.details).toEqual([{ path: '$.payload.data.meeting.id', message: expect.any(String) }]);

    const both = await preview({ payload: samplePayload(), eventId: 'evt_before_mapping' });
    expect(both.status).toBe(400);
    const neither = await preview({});
    expect(neither.status).toBe(400);
    expect(neither.body.details[0]).toMatchObject({ path: '$', message: 'give exactly one of payload or eventId' });

    const badMapping = await preview({ payload: samplePayload(), mapping: { databaseNotes: { fields: { Summary: { customField: 'x' } } } } });
    expect(badMapping.status).toBe(400);
    expect(badMapping.body.details.map((d: { path: string }) => d.path)).toEqual(['$.mapping.databaseNotes.fields.Summary']);

    expect((await preview({ eventId: 'evt_never_received' })).status).toBe(404);
  });

  it('lets a read-only token preview', async () => {
    const res = await preview({ payload: samplePayload() }, TEST_READONLY_TOKEN);
    expect(res.status).toBe(200);
    expect(res.body.note.title).toEqual(expect.any(String));
  });
});
