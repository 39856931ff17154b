import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { adminHeaders, createTestApp, http, TEST_READONLY_TOKEN } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain, sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';
import { ErasureRepository } from '../../src/erasure/erasure.repository';
import { EventRepository } from '../../src/sync/event.repository';


const PEOPLE = [
  { id: 'cand-1001', firstName: 'Jane', lastName: 'Doe', phones: ['+14155550123'], emails: ['jane.doe@example.com'] },
  { id: 'cand-1002', firstName: 'Omar', lastName: 'Haddad', phones: ['+14155550199'], emails: ['omar.haddad@example.com'] },
  { id: 'cand-1003', firstName: 'Pat', lastName: 'Kim', phones: ['+14155550177'], emails: ['pat.kim@example.com'] },
  { id: 'cand-1004', firstName: 'Lee', lastName: 'Park', phones: ['+14155550155'], emails: ['lee.park@example.com'] },
];

const meeting = (id: string, participants: string[], atsRecordName: string) =>
  samplePayload((p) => {
    p.id = id;
    p.data.meeting.id = `mtg_${id}`;
    p.data.meeting.participants = participants;
    p.data.meeting.atsRecordName = atsRecordName;
  });

describe('erasure: forget a person everywhere Debrief put them', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let connectionId: string;

  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  const bodyOf = async (eventId: string) => (await q(`SELECT raw_body FROM webhook_events WHERE id = $1`, [eventId]))[0]?.raw_body ?? null;
  const syncOf = async (eventId: string) => (await q(`SELECT status, candidate_id, candidate_name, match, rendered_note, note_ref, created_at FROM syncs WHERE event_id = $1`, [eventId]))[0];
  const directoryIds = async () => (await q(`SELECT external_id FROM candidates ORDER BY external_id`)).map((r: any) => r.external_id);
  const notesOn = async (candidateId: string) => (await q(`SELECT id FROM sandbox_notes WHERE candidate_id = $1`, [candidateId])).length;

  async function erase(body: Record<string, unknown>): Promise<any> {
    const accepted = await http(app).post('/admin/erasures').set(adminHeaders()).send(body);
    expect(accepted.status).toBe(202);
    const id = accepted.body.id as string;
    // The request starts the erasure; the job is what finishes any left behind. Run it until this one ends.
    for (let i = 0; i < 50; i++) {
      const view = await http(app).get(`/admin/erasures/${id}`).set(adminHeaders());
      if (view.body.status === 'completed' || view.body.status === 'failed') return view.body;
      await http(app).post('/admin/jobs/erasure/run').set(adminHeaders());
    }
    throw new Error('erasure did not end');
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { ADMIN_READONLY_TOKENS: TEST_READONLY_TOKEN, ERASURE_HASH_SALT: 'a-test-salt-of-enough-length' });
    connectionId = (await createSandboxConnection(app, { candidates: PEOPLE })).id;
    expect((await http(app).post('/admin/jobs/directory-full-refresh/run').set(adminHeaders())).status).toBe(200);
    for (const payload of [
      meeting('evt_a1', ['jane.doe@example.com', '+14155550111'], 'Jane Doe'),
      meeting('evt_a2', ['(415) 555-0123'], 'Jane Doe'),
      meeting('evt_b1', ['+1 415 555 0199'], 'Omar Haddad'),
      meeting('evt_c1', ['pat.kim@example.com'], 'Pat Kim'),
      meeting('evt_d1', ['+14155550155'], 'Lee Park'),
    ]) expect((await sendWebhook(app, payload)).body).toEqual({ status: 'accepted' });
    await drain(app);
    for (const id of ['evt_a1', 'evt_a2', 'evt_b1', 'evt_c1']) expect((await syncOf(id)).status).toBe('synced');
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('refuses bad requests with the error shape, and read-only tokens may read but not erase', async () => {
    const noOne = await http(app).post('/admin/erasures').set(adminHeaders()).send({ person: {} });
    expect(noOne.status).toBe(400);
    expect(noOne.body).toMatchObject({ code: 'INVALID_REQUEST', details: [{ path: '$.person' }] });
    const bare = await http(app).post('/admin/erasures').set(adminHeaders()).send({ person: { atsCandidateId: 'cand-1003' } });
    expect(bare.status).toBe(400);
    expect(bare.body.details[0].path).toBe('$.connectionId');
    const badPhone = await http(app).post('/admin/erasures').set(adminHeaders()).send({ person: { phone: 'call me' } });
    expect(badPhone.body.details[0].path).toBe('$.person.phone');
    const readOnly = await http(app).post('/admin/erasures').set(adminHeaders(TEST_READONLY_TOKEN)).send({ person: { email: 'jane.doe@example.com' } });
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.code).toBe('READ_ONLY_TOKEN');
    expect((await q(`SELECT count(*)::int AS n FROM erasures`))[0].n).toBe(0);
  });

  it('a dry run reports what it would erase and changes nothing', async () => {
    const before = await q(`SELECT id, raw_body FROM webhook_events ORDER BY id`);
    const syncsBefore = await q(`SELECT * FROM syncs ORDER BY id`);
    const report = await erase({ person: { email: 'jane.doe@example.com' }, deleteNotesInAts: true, dryRun: true });
    expect(report).toMatchObject({ runs: 1, lastError: null, status: 'completed', dryRun: true, identifierKinds: ['email'] });
    expect(report.report.events).toEqual({ found: 2, purged: 0 });
    expect(report.report.syncs).toEqual({ found: 2, purged: 0 });
    expect(report.report.directory).toEqual({ found: 1, purged: 0 });
    expect(report.report.notes.wouldDelete.map((n: any) => n.candidateId)).toEqual(['cand-1001', 'cand-1001']);
    expect(report.report.notes.deleted).toEqual([]);
    expect(await q(`SELECT id, raw_body FROM webhook_events ORDER BY id`)).toEqual(before);
    expect(await q(`SELECT * FROM syncs ORDER BY id`)).toEqual(syncsBefore);
    expect(await directoryIds()).toEqual(['cand-1001', 'cand-1002', 'cand-1003', 'cand-1004']);
    expect(await notesOn('cand-1001')).toBe(2);
  });

  it('by email: purges that person\'s events, syncs, directory row and ATS notes, and nobody else\'s', async () => {
    const keptSync = await syncOf('evt_a2');
    const report = await erase({ connectionId, person: { email: 'Jane.Doe@Example.com' }, deleteNotesInAts: true });
    expect(report.status).toBe('completed');
    expect(report.report.events).toEqual({ found: 2, purged: 2 });
    expect(report.report.syncs).toEqual({ found: 2, purged: 2 });
    expect(report.report.directory).toEqual({ found: 1, purged: 1 });
    expect(report.report.notes.deleted).toHaveLength(2);
    expect(report.report.notes.left).toEqual([]);

    // Both meetings: one found by the address, the other because its sync chose her (by her phone).
    expect(await bodyOf('evt_a1')).toBeNull();
    expect(await bodyOf('evt_a2')).toBeNull();
    const sync = await syncOf('evt_a2');
    expect(sync).toMatchObject({ status: 'synced', candidate_id: 'cand-1001', candidate_name: null, match: null, rendered_note: null });
    expect(sync.note_ref.externalNoteId).toBe(keptSync.note_ref.externalNoteId);
    expect(sync.created_at).toEqual(keptSync.created_at);
    expect(await notesOn('cand-1001')).toBe(0);
    expect(await directoryIds()).toEqual(['cand-1002', 'cand-1003', 'cand-1004']);

    // Nobody else was touched.
    for (const id of ['evt_b1', 'evt_c1']) {
      expect(await bodyOf(id)).not.toBeNull();
      expect((await syncOf(id)).rendered_note).not.toBeNull();
    }
    expect(await notesOn('cand-1002')).toBe(1);
    expect(await notesOn('cand-1003')).toBe(1);
  });

  it('a re-delivered erased event answers duplicate and stores nothing', async () => {
    const again = await sendWebhook(app, meeting('evt_a1', ['jane.doe@example.com'], 'Jane Doe'));
    expect(again.body).toEqual({ status: 'duplicate' });
    expect(await bodyOf('evt_a1')).toBeNull();
    await drain(app);
    expect(await notesOn('cand-1001')).toBe(0);
  });

  it('running the same erasure again erases nothing more and fails nothing', async () => {
    const report = await erase({ connectionId, person: { email: 'jane.doe@example.com' }, deleteNotesInAts: true });
    expect(report.status).toBe('completed');
    expect(report.lastError).toBeNull();
    expect(report.report.events.purged).toBe(0);
    expect(report.report.syncs.purged).toBe(0);
    expect(report.report.directory).toEqual({ found: 0, purged: 0 });
    expect(report.report.notes.deleted).toEqual([]);
    expect(report.report.notes.left).toEqual([]);
  });

  it('by phone, without deleting in the ATS: the note is reported with what a person needs to find it', async () => {
    const report = await erase({ person: { phone: '+14155550199' } });
    expect(report.report.events).toEqual({ found: 1, purged: 1 });
    expect(report.report.directory).toEqual({ found: 1, purged: 1 });
    expect(report.report.notes.left).toEqual([
      expect.objectContaining({ connectionId, provider: 'sandbox', candidateId: 'cand-1002', eventId: 'evt_b1', reason: expect.any(String) }),
    ]);
    expect(report.report.notes.left[0].externalNoteId).toEqual(expect.any(String));
    expect(await bodyOf('evt_b1')).toBeNull();
    expect(await notesOn('cand-1002')).toBe(1);
    expect(await bodyOf('evt_c1')).not.toBeNull();
  });

  it('by ATS candidate id: everything about that candidate on that connection', async () => {
    const report = await erase({ connectionId, person: { atsCandidateId: 'cand-1003' }, deleteNotesInAts: true });
    expect(report.report.events).toEqual({ found: 1, purged: 1 });
    expect(report.report.syncs).toEqual({ found: 1, purged: 1 });
    expect(report.report.directory).toEqual({ found: 1, purged: 1 });
    expect(report.report.notes.deleted).toHaveLength(1);
    expect(await bodyOf('evt_c1')).toBeNull();
    expect((await syncOf('evt_c1')).rendered_note).toBeNull();
    expect(await notesOn('cand-1003')).toBe(0);
    expect(await directoryIds()).toEqual(['cand-1004']);
  });

  it('an erasure stopped part-way is resumed by the job from its last saved step', async () => {
    // As a run leaves it when its instance dies after the events step: bodies purged, progress saved, lease lapsed.
    const erasures = app.get(ErasureRepository, { strict: false });
    const row = await erasures.create({
      connectionId,
      person: { emails: ['lee.park@example.com'], phones: [], nameKey: null, atsCandidateId: null },
      identifierHash: 'h',
      identifierKinds: ['email'],
      dryRun: false,
      deleteNotesInAts: true,
      actor: 'admin:test',
    });
    const [{ id: directoryRowId }] = await q(`SELECT id::text AS id FROM candidates WHERE external_id = 'cand-1004'`);
    await app.get(EventRepository, { strict: false }).purgeBodies(['evt_d1']);
    await q(`UPDATE erasures SET status = 'running', runs = 1, lease_expires_at = now() - interval '1 second', progress = $2::jsonb, report = $3::jsonb WHERE id = $1`, [
      row.id,
      JSON.stringify({ phase: 'syncs', candidates: [{ connectionId, externalId: 'cand-1004' }], directoryRowIds: [directoryRowId], eventCursor: 'evt_d1', erasedEventIds: ['evt_d1'], syncCursor: '00000000-0000-0000-0000-000000000000', notes: [], noteIndex: 0, noteFailures: 0 }),
      JSON.stringify({ events: { found: 1, purged: 1 }, syncs: { found: 0, purged: 0 }, directory: { found: 1, purged: 0 }, notes: { deleted: [], alreadyGone: [], left: [], wouldDelete: [] } }),
    ]);
    const stopped = await http(app).get(`/admin/erasures/${row.id}`).set(adminHeaders());
    expect(stopped.body).toMatchObject({ status: 'running', progress: { phase: 'syncs', step: 3, steps: 6 } });

    expect((await http(app).post('/admin/jobs/erasure/run').set(adminHeaders())).body.summary).toEqual({ ran: 1, completed: 1 });
    const done = (await http(app).get(`/admin/erasures/${row.id}`).set(adminHeaders())).body;
    expect(done).toMatchObject({ status: 'completed', runs: 2, progress: { phase: 'done' } });
    expect(done.report.events).toEqual({ found: 1, purged: 1 });
    expect(done.report.syncs).toEqual({ found: 1, purged: 1 });
    expect(done.report.directory).toEqual({ found: 1, purged: 1 });
    expect(done.report.notes.deleted).toHaveLength(1);
    expect(await notesOn('cand-1004')).toBe(0);
    expect((await syncOf('evt_d1')).rendered_note).toBeNull();
    expect(await directoryIds()).toEqual([]);
    expect((await q(`SELECT person FROM erasures WHERE id = $1`, [row.id]))[0].person).toBeNull();
  });

  it('the audit log and the erasures table hold no identifier of an erased person', async () => {
    const audit = JSON.stringify(await q(`SELECT * FROM admin_audit WHERE target_type = 'erasure'`));
    const erasures = JSON.stringify(await q(`SELECT * FROM erasures`));
    expect(audit).toContain('erasure.complete');
    expect(audit).toContain('identifierHash');
    for (const text of [audit, erasures]) {
      for (const identifier of ['jane', 'Jane', '4155550123', '415555', 'omar', 'Omar', 'haddad', 'Haddad', '4155550199', 'lee.park']) expect(text).not.toContain(identifier);
    }
    // The candidate id erased by is in the report (so that a person can find the notes left), never in the audit log.
    expect(audit).not.toContain('cand-1003');
    const list = await http(app).get('/admin/audit?targetType=erasure').set(adminHeaders(TEST_READONLY_TOKEN));
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
  });

  it('read-only tokens can read a report; GET /admin/retention states what is kept and the next purge', async () => {
    const [{ id }] = await q(`SELECT id FROM erasures ORDER BY created_at LIMIT 1`);
    expect((await http(app).get(`/admin/erasures/${id}`).set(adminHeaders(TEST_READONLY_TOKEN))).status).toBe(200);
    expect((await http(app).get('/admin/erasures/00000000-0000-0000-0000-000000000000').set(adminHeaders())).status).toBe(404);
    const retention = await http(app).get('/admin/retention').set(adminHeaders(TEST_READONLY_TOKEN));
    expect(retention.status).toBe(200);
    expect(retention.body.retentionDays).toBe(90);
    expect(Date.parse(retention.body.nextPurgeAt)).toBeGreaterThan(Date.now() - 1000);
    expect(retention.body.kept.length).toBeGreaterThan(3);
  });
});
