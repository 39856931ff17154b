import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain, sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';

const JOSE = { id: 'jose', firstName: 'José', lastName: 'Álvarez', phones: [], emails: [] };
const JEAN = { id: 'jean-luc', firstName: 'Jean-Luc', lastName: 'Picard', phones: [], emails: [] };
const ANA = { id: 'ana', firstName: 'Ana María', lastName: 'García-López', phones: [], emails: [] };

/** Polls `probe` until it answers something truthy, for at most `ms` (no duration is asserted, only the outcome). */
async function eventually<T>(probe: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A meeting known only by its name: no participant to match by. */
function nameOnly(eventId: string, accountId: string, atsRecordName: string) {
  return samplePayload((p) => {
    p.id = eventId;
    p.data.organization.accountId = accountId;
    p.data.meeting.atsRecordName = atsRecordName;
    p.data.meeting.participants = [];
  });
}

describe('a fresh connection: first refresh at once, re-match on news, preview as a sync', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  beforeAll(async () => {
    db = await createTestDatabase();
    // The worker and the scheduler run as in production: nothing below runs a job by hand.
    app = await createTestApp(db.url, { WORKER_ENABLED: 'true', SCHEDULER_ENABLED: 'true', WORKER_POLL_MS: '200' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const directoryOf = async (id: string) => (await http(app).get(`/admin/connections/${id}`).set(adminHeaders())).body.directory;
  const noteFor = async (connectionId: string, eventId: string) => {
    const rows: Array<{ candidate_id: string }> = await db.dataSource.query(
      `SELECT candidate_id FROM sandbox_notes WHERE connection_id = $1 AND body_text LIKE '%' || $2 || '%'`,
      [connectionId, eventId],
    );
    return rows[0]?.candidate_id ?? null;
  };

  it('refreshes a new connection\'s directory at once, with its progress on the connection', async () => {
    const { id } = await createSandboxConnection(app, { accountId: 'acc_refresh', candidates: [JOSE, JEAN, ANA] });
    const directory = await eventually(async () => {
      const d = await directoryOf(id);
      return d?.complete && !d.running ? d : null;
    });
    expect(directory).toMatchObject({ candidates: 3, complete: true, running: false });
    expect(directory.pages).toBeGreaterThanOrEqual(1);
    expect(Date.parse(directory.lastFullRefreshAt)).not.toBeNaN();
  });

  it('posts name-only meetings with accent, order and hyphen variants on a brand-new connection, no job run by hand', async () => {
    const accountId = 'acc_variants';
    const { id } = await createSandboxConnection(app, { accountId, candidates: [JOSE, JEAN, ANA] });
    const cases: Array<[string, string]> = [
      ['Jose Alvarez', 'jose'],
      ['ALVAREZ, José', 'jose'],
      ['alvarez jose', 'jose'],
      ['Jean Luc Picard', 'jean-luc'],
      ['Picard, Jean-Luc', 'jean-luc'],
      ['Ana Maria Garcia Lopez', 'ana'],
    ];
    for (const [i, [name]] of cases.entries()) {
      expect((await sendWebhook(app, nameOnly(`evt_variant_${i}`, accountId, name))).status).toBe(200);
    }
    for (const [i, [, candidate]] of cases.entries()) {
      expect(await eventually(() => noteFor(id, `evt_variant_${i}`))).toBe(candidate);
    }
  });

  it('files a meeting whose candidate is added after it, once the connection\'s settings change', async () => {
    const accountId = 'acc_late';
    const { id } = await createSandboxConnection(app, { accountId, candidates: [JOSE] });
    await eventually(async () => (await directoryOf(id))?.complete);
    await sendWebhook(app, nameOnly('evt_late', accountId, 'Zoe Nakamura'));
    const sync = await eventually(async () => {
      const list = await http(app).get('/admin/syncs?eventId=evt_late').set(adminHeaders());
      return list.body.items[0]?.status === 'unmatched' ? list.body.items[0] : null;
    });
    expect(await noteFor(id, 'evt_late')).toBeNull();

    const patched = await http(app)
      .patch(`/admin/connections/${id}`)
      .set(adminHeaders())
      .send({ settings: { candidates: [JOSE, { id: 'zoe', firstName: 'Zoë', lastName: 'Nakamura', phones: [], emails: [] }] } });
    expect(patched.status).toBe(200);
    expect(await eventually(() => noteFor(id, 'evt_late'))).toBe('zoe');
    const after = await http(app).get(`/admin/syncs/${sync.id}`).set(adminHeaders());
    expect(after.body).toMatchObject({ status: 'synced', candidateId: 'zoe' });
    expect(await eventually(async () => (await directoryOf(id))?.candidates === 2)).toBe(true);
  });

  it('refreshes a connection when it is enabled', async () => {
    const res = await http(app)
      .post('/admin/connections')
      .set(adminHeaders())
      .send({ name: 'Off', provider: 'sandbox', accountId: 'acc_off', enabled: false, settings: { candidates: [JOSE] } });
    expect(res.status).toBe(201);
    // Created disabled: nothing is listed for it.
    await new Promise((r) => setTimeout(r, 300));
    expect(await directoryOf(res.body.id)).toMatchObject({ candidates: 0, complete: false });
    await http(app).patch(`/admin/connections/${res.body.id}`).set(adminHeaders()).send({ enabled: true }).expect(200);
    expect(await eventually(async () => (await directoryOf(res.body.id))?.candidates === 1 && (await directoryOf(res.body.id)).complete)).toBe(true);
  });
});

describe('preview on a new connection answers what a sync does', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  beforeAll(async () => {
    db = await createTestDatabase();
    // No scheduler: the directory stays empty, as on a connection whose first refresh has not run yet.
    app = await createTestApp(db.url);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('runs the read-only ATS searches a sync would, says which, stores nothing, and chooses the candidate the sync chooses', async () => {
    const { id } = await createSandboxConnection(app, {
      candidates: [{ id: 'cand-1', firstName: 'First', lastName: 'Last', phones: [], emails: [] }, { id: 'cand-2', firstName: 'Other', lastName: 'Person', phones: [], emails: [] }],
    });
    const payload = samplePayload();
    const preview = await http(app).post(`/admin/connections/${id}/preview`).set(adminHeaders()).send({ payload });
    expect(preview.status).toBe(200);
    expect(preview.body.wouldPost).toBe(true);
    expect(preview.body.match).toMatchObject({ source: 'directory+ats', decision: 'matched', candidateId: 'cand-1', candidateName: 'First Last' });
    expect(preview.body.match.searches.map((s: { kind: string }) => s.kind)).toContain('name');
    expect(preview.body.match.searches.find((s: { kind: string }) => s.kind === 'name')).toMatchObject({ value: 'First Last', found: 1 });
    // Stored nothing: the directory is as empty as before.
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM candidates WHERE connection_id = $1`, [id])).toEqual([{ n: 0 }]);

    const local = await http(app).post(`/admin/connections/${id}/preview`).set(adminHeaders()).send({ payload, directoryOnly: true });
    expect(local.body).toMatchObject({ wouldPost: false, match: { source: 'directory', decision: 'unmatched', searches: [] } });

    await sendWebhook(app, payload);
    await drain(app);
    const list = await http(app).get(`/admin/syncs?connectionId=${id}`).set(adminHeaders());
    expect(list.body.items[0]).toMatchObject({ status: 'synced', candidateId: preview.body.match.candidateId });
  });

  it('previews an unmatched meeting as unmatched, as the sync then records it', async () => {
    const { id } = await createSandboxConnection(app, { accountId: 'acc_nobody', candidates: [JOSE] });
    const payload = nameOnly('evt_nobody', 'acc_nobody', 'Nobody Known');
    const preview = await http(app).post(`/admin/connections/${id}/preview`).set(adminHeaders()).send({ payload });
    expect(preview.body).toMatchObject({ wouldPost: false, match: { source: 'directory+ats', decision: 'unmatched' } });
    await sendWebhook(app, payload);
    await drain(app);
    const list = await http(app).get(`/admin/syncs?eventId=evt_nobody`).set(adminHeaders());
    expect(list.body.items[0]).toMatchObject({ status: preview.body.match.decision });
  });
});
