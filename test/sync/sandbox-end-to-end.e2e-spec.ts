import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain, sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';

describe('end to end on the sandbox ATS', () => {
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

  it('turns the signed seed sample into exactly one note on the candidate, and a resend adds nothing', async () => {
    await createSandboxConnection(app);
    expect((await sendWebhook(app)).body).toEqual({ status: 'accepted' });
    await drain(app);
    expect((await sendWebhook(app)).body).toEqual({ status: 'duplicate' });
    await drain(app);

    const notes = await db.dataSource.query('SELECT candidate_id, body_text, visibility FROM sandbox_notes');
    expect(notes).toHaveLength(1);
    expect(notes[0].candidate_id).toBe('cand-1');
    expect(notes[0].visibility).toBe('public');
    for (const expected of [
      'Project Sync: Q4 Roadmap',
      'Alex Rivers',
      'Discussed budget and timeline for the upcoming launch.',
      'https://api.provider.com/docs/recap.txt',
      'https://api.provider.com/docs/recap.pdf',
      'https://api.provider.com/v1/transcripts/abc123.txt',
      'https://api.provider.com/v1/recordings/abc123.mp4',
      'evt_789456123',
    ]) expect(notes[0].body_text).toContain(expected);

    const list = await http(app).get('/admin/syncs?status=synced').set(adminHeaders());
    expect(list.body.items).toHaveLength(1);
    const sync = await http(app).get(`/admin/syncs/${list.body.items[0].id}`).set(adminHeaders());
    expect(sync.body).toMatchObject({ status: 'synced', candidateId: 'cand-1', attempts: 1 });
    expect(sync.body.note.text).toBe(notes[0].body_text);
    expect(sync.body.match.decision).toBe('matched');
    expect(sync.body.attemptsHistory).toHaveLength(1);
  });

  it('posts a private meeting with the most restricted visibility', async () => {
    await sendWebhook(app, samplePayload((p) => { p.id = 'evt_private'; p.data.meeting.isPrivate = true; }));
    await drain(app);
    const notes = await db.dataSource.query(`SELECT visibility FROM sandbox_notes WHERE body_text LIKE '%evt_private%'`);
    expect(notes).toEqual([{ visibility: 'private' }]);
  });
});
