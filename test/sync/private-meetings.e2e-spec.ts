import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FieldMappingRepository } from '../../src/mapping/field-mapping.repository';
import { parseFieldMapping } from '../../src/mapping/field-mapping.schema';
import { BullhornFakeServer } from '../fakes/bullhorn-fake-server';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain } from '../support/fixtures';
import { accept, onlySyncOf, seedEvent } from './sync-test-support';

const LINKS = [
  'https://api.provider.com/v1/transcripts/abc123.txt',
  'https://api.provider.com/v1/recordings/abc123.mp4',
  'https://api.provider.com/docs/recap.txt',
  'https://api.provider.com/docs/recap.pdf',
];
const BULLHORN_ACCOUNT = 'acc_bullhorn';
const FIRST_LAST = 101;

/**
 * Private stays private: where the ATS can restrict a note, a private meeting gets its most restricted
 * visibility; where it cannot (Bullhorn), the connection's policy decides: skipped with the reason by default,
 * posted without links under omit-links.
 */
describe('private meetings', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  const bullhorn = new BullhornFakeServer();
  let bullhornConnection: string;

  const privateMeeting = (eventId: string, accountId = 'acc_554433') =>
    seedEvent(eventId, (p) => {
      p.data.meeting.isPrivate = true;
      p.data.organization.accountId = accountId;
    });
  const bullhornNotes = (eventId: string) => bullhorn.notes.filter((n) => n.comments.includes(eventId));
  const usePolicy = async (policy: 'restrict' | 'skip' | 'omit-links') => {
    const parsed = parseFieldMapping({ privateMeetingPolicy: policy });
    if (!parsed.ok) throw new Error('invalid mapping');
    return app.get(FieldMappingRepository).save(bullhornConnection, parsed.mapping, 'test');
  };

  beforeAll(async () => {
    await bullhorn.start();
    bullhorn.addUser({ id: 1, email: 'api@acme.test', firstName: 'Api', lastName: 'User' });
    bullhorn.addUser({ id: 7, email: 'debrief@acme.test', firstName: 'Debrief', lastName: 'Bot' });
    bullhorn.addCandidate({ id: FIRST_LAST, firstName: 'First', lastName: 'Last', mobile: '(234) 567-8900' });
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    await createSandboxConnection(app);
    const res = await http(app)
      .post('/admin/connections')
      .set(adminHeaders())
      .send({
        name: 'Acme on Bullhorn',
        provider: 'bullhorn',
        accountId: BULLHORN_ACCOUNT,
        credentials: {
          clientId: bullhorn.client.id,
          clientSecret: bullhorn.client.secret,
          username: bullhorn.apiUser.username,
          password: bullhorn.apiUser.password,
        },
        settings: { authUrl: bullhorn.url, baseUrl: bullhorn.url, userId: '7', timeoutMs: 1000, rateLimit: { limit: 200, intervalMs: 1000 } },
      });
    expect(res.status).toBe(201);
    bullhornConnection = res.body.id;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await bullhorn.stop();
  });

  it('posts a private meeting on the sandbox with the most restricted visibility, links and all', async () => {
    await accept(app, privateMeeting('evt_private_sandbox'));
    await drain(app);
    const sync = await onlySyncOf(app, 'evt_private_sandbox');
    expect(sync).toMatchObject({ status: 'synced', visibility: 'private' });
    expect(sync.visibilityReason).toContain("most restricted visibility");
    const [note] = await db.dataSource.query(`SELECT visibility, body_text FROM sandbox_notes WHERE body_text LIKE '%evt_private_sandbox%'`);
    expect(note.visibility).toBe('private');
    for (const link of LINKS) expect(note.body_text).toContain(link);
  });

  it('skips a private meeting on an ATS without private notes, with the reason, by default and under skip', async () => {
    await accept(app, privateMeeting('evt_private_default', BULLHORN_ACCOUNT));
    await drain(app);
    const byDefault = await onlySyncOf(app, 'evt_private_default');
    expect(byDefault).toMatchObject({ status: 'skipped', candidateId: null, note: null, mappingVersion: 0 });
    expect(byDefault.visibilityReason).toBe(
      'private meeting: the ATS cannot restrict notes, so policy restrict cannot be honoured and the note is not posted',
    );

    const version = await usePolicy('skip');
    await accept(app, privateMeeting('evt_private_skip', BULLHORN_ACCOUNT));
    await drain(app);
    const skipped = await onlySyncOf(app, 'evt_private_skip');
    expect(skipped).toMatchObject({ status: 'skipped', mappingVersion: version });
    expect(skipped.visibilityReason).toBe('private meeting: the ATS cannot restrict notes and the policy is skip');

    expect(bullhornNotes('evt_private_default')).toEqual([]);
    expect(bullhornNotes('evt_private_skip')).toEqual([]);
  });

  it('posts a private meeting without its links under omit-links, and an ordinary one with them', async () => {
    const version = await usePolicy('omit-links');
    await accept(app, privateMeeting('evt_private_omit', BULLHORN_ACCOUNT));
    await accept(app, seedEvent('evt_ordinary_bullhorn', (p) => (p.data.organization.accountId = BULLHORN_ACCOUNT)));
    await drain(app);

    const omitted = await onlySyncOf(app, 'evt_private_omit');
    expect(omitted).toMatchObject({ status: 'synced', candidateId: String(FIRST_LAST), visibility: 'public', mappingVersion: version });
    expect(omitted.visibilityReason).toContain('without transcript, recording or recap links (policy omit-links)');
    const [privateNote] = bullhornNotes('evt_private_omit');
    expect(bullhornNotes('evt_private_omit')).toHaveLength(1);
    for (const link of LINKS) {
      expect(privateNote!.comments).not.toContain(link);
      expect(omitted.note.text).not.toContain(link);
    }
    expect(privateNote!.comments).toContain('Links are not included because this meeting is private.');
    expect(privateNote!.comments).toContain('Discussed budget and timeline for the upcoming launch.');

    const [ordinaryNote] = bullhornNotes('evt_ordinary_bullhorn');
    for (const link of LINKS) expect(ordinaryNote!.comments).toContain(link);
  });
});
