import { createHash } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { adminHeaders, createTestApp, http, TEST_ADMIN_TOKEN } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain, sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';

/**
 * The review queue through the admin API, on the sandbox ATS: a meeting the matcher cannot pin on one candidate
 * waits for an operator, who sees why and with whom, and whose choice is posted once and recorded.
 * Each scenario runs for its own organisation, so its events route to its own connection only.
 */
const READ_ONLY_TOKEN = 'test-read-only-token-0123456789';
const SEED_PHONE = '+12345678900';
const actorOf = (token: string) => `admin:${createHash('sha256').update(token).digest('hex').slice(0, 8)}`;

interface Scenario {
  accountId: string;
  candidates: Array<{ id: string; firstName: string; lastName: string; phones?: string[]; emails?: string[] }>;
  settings?: Record<string, unknown>;
}

describe('review queue end to end', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { ADMIN_READONLY_TOKENS: READ_ONLY_TOKEN });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function setUp(scenario: Scenario): Promise<string> {
    const { id } = await createSandboxConnection(app, {
      accountId: scenario.accountId,
      candidates: scenario.candidates.map((c) => ({ phones: [], emails: [], ...c })),
      settings: scenario.settings,
    });
    return id;
  }

  /** Sends the seed's meeting for the organisation, with another id, name and participants; runs the worker. */
  async function meeting(accountId: string, eventId: string, atsRecordName: string | null, participants: string[]) {
    const payload = samplePayload((p) => {
      p.id = eventId;
      p.data.organization.accountId = accountId;
      p.data.meeting.atsRecordName = atsRecordName;
      p.data.meeting.participants = participants;
    });
    expect((await sendWebhook(app, payload)).body).toEqual({ status: 'accepted' });
    await drain(app);
    const list = await http(app).get(`/admin/syncs?eventId=${eventId}`).set(adminHeaders());
    expect(list.body.items).toHaveLength(1);
    return detail(list.body.items[0].id);
  }

  async function detail(syncId: string): Promise<Record<string, any>> {
    const res = await http(app).get(`/admin/syncs/${syncId}`).set(adminHeaders());
    expect(res.status).toBe(200);
    return res.body;
  }

  const notes = (connectionId: string): Promise<Array<{ candidate_id: string; body_text: string }>> =>
    db.dataSource.query(`SELECT candidate_id, body_text FROM sandbox_notes WHERE connection_id = $1`, [connectionId]);

  it('sends two namesakes to review with the evidence, and posts once to the candidate an operator chooses', async () => {
    const connectionId = await setUp({
      accountId: 'acc_namesakes',
      candidates: [
        { id: 'first-last-a', firstName: 'First', lastName: 'Last', phones: ['+14155550101'] },
        { id: 'first-last-b', firstName: 'First', lastName: 'Last', phones: ['+14155550102'] },
        { id: 'bystander', firstName: 'Oliver', lastName: 'Bennett', phones: ['+14155550103'] },
      ],
    });
    const review = await meeting('acc_namesakes', 'evt_namesakes', 'First Last', [SEED_PHONE]);

    expect(review).toMatchObject({ status: 'needs_review', candidateId: null, resolution: null, note: null });
    expect(review.match.decision).toBe('needs_review');
    expect(review.match.candidateId).toBeNull();
    expect(review.match.reason).toContain('2 candidates are named "First Last"');
    expect(review.match.alternatives.map((a: { candidateId: string }) => a.candidateId).sort()).toEqual(['first-last-a', 'first-last-b']);
    for (const alternative of review.match.alternatives) {
      expect(alternative).toMatchObject({ displayName: 'First Last', score: expect.any(Number) });
      expect(alternative.evidence).toEqual([expect.objectContaining({ kind: 'exact_name', candidateId: alternative.candidateId })]);
    }
    expect(review.match.evidence.length).toBeGreaterThanOrEqual(2);
    expect(await notes(connectionId)).toEqual([]);

    // A read-only token may look but not decide; a body without a candidate is refused with its path.
    const readOnly = await http(app).post(`/admin/syncs/${review.id}/resolve`).set(adminHeaders(READ_ONLY_TOKEN)).send({ candidateId: 'first-last-b' });
    expect(readOnly.status).toBe(403);
    const empty = await http(app).post(`/admin/syncs/${review.id}/resolve`).set(adminHeaders()).send({});
    expect(empty.status).toBe(400);

    const before = Date.now();
    const resolved = await http(app).post(`/admin/syncs/${review.id}/resolve`).set(adminHeaders()).send({ candidateId: 'first-last-b' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'pending', resolution: { candidateId: 'first-last-b', by: actorOf(TEST_ADMIN_TOKEN) } });
    await drain(app);

    const synced = await detail(review.id);
    expect(synced).toMatchObject({ status: 'synced', candidateId: 'first-last-b', lastError: null });
    expect(synced.resolution.by).toBe(actorOf(TEST_ADMIN_TOKEN));
    const at = Date.parse(synced.resolution.at);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
    expect(synced.attemptsHistory.map((a: { outcome: string }) => a.outcome)).toEqual(['needs_review', 'synced']);
    // The decision is recorded with what the operator decided on.
    expect(synced.match).toMatchObject({ decision: 'resolved', candidateId: 'first-last-b', by: actorOf(TEST_ADMIN_TOKEN) });
    expect(synced.match.review).toEqual(review.match);

    const posted = await notes(connectionId);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.candidate_id).toBe('first-last-b');
    expect(posted[0]!.body_text).toContain('evt_namesakes');
    expect(synced.note.text).toBe(posted[0]!.body_text);

    // Deciding again is refused, and the worker has nothing more to post.
    const again = await http(app).post(`/admin/syncs/${review.id}/resolve`).set(adminHeaders()).send({ candidateId: 'first-last-a' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    await drain(app);
    expect(await notes(connectionId)).toHaveLength(1);
  });

  it('lets an operator choose again when the chosen candidate cannot be posted to, unless a note may already stand', async () => {
    const connectionId = await setUp({
      accountId: 'acc_choose_again',
      candidates: [
        { id: 'twin-a', firstName: 'First', lastName: 'Last', phones: ['+14155550111'] },
        { id: 'twin-b', firstName: 'First', lastName: 'Last', phones: ['+14155550112'] },
      ],
    });
    const review = await meeting('acc_choose_again', 'evt_choose_again', 'First Last', [SEED_PHONE]);
    expect(review.status).toBe('needs_review');

    // A candidate the ATS does not have: the attempt fails, nothing is posted.
    expect((await http(app).post(`/admin/syncs/${review.id}/resolve`).set(adminHeaders()).send({ candidateId: 'no-such-candidate' })).status).toBe(200);
    await drain(app);
    const failed = await detail(review.id);
    expect(failed).toMatchObject({ status: 'failed', noteUncertain: false });
    expect(await notes(connectionId)).toEqual([]);

    const chosen = await http(app).post(`/admin/syncs/${review.id}/resolve`).set(adminHeaders()).send({ candidateId: 'twin-a' });
    expect(chosen.status).toBe(200);
    await drain(app);
    expect(await detail(review.id)).toMatchObject({ status: 'synced', candidateId: 'twin-a' });
    expect((await notes(connectionId)).map((n) => n.candidate_id)).toEqual(['twin-a']);

    // A failed sync whose note may have been posted (its answer was lost) is not sent to someone else.
    await db.dataSource.query(`UPDATE syncs SET status = 'failed', note_uncertain = true WHERE id = $1`, [review.id]);
    const risky = await http(app).post(`/admin/syncs/${review.id}/resolve`).set(adminHeaders()).send({ candidateId: 'twin-b' });
    expect(risky.status).toBe(409);
    expect(risky.body.message).toContain('noteUncertain');
    expect((await detail(review.id)).status).toBe('failed');
  });

  it('shows why a meeting matched nobody, and an operator can still file it', async () => {
    const connectionId = await setUp({
      accountId: 'acc_unmatched',
      candidates: [{ id: 'first-last', firstName: 'First', lastName: 'Last', phones: ['+14155550101'] }],
    });
    const sync = await meeting('acc_unmatched', 'evt_unmatched', 'Nobody Known', [SEED_PHONE]);

    expect(sync).toMatchObject({ status: 'unmatched', candidateId: null });
    expect(sync.match).toMatchObject({ decision: 'unmatched', candidateId: null, evidence: [], alternatives: [] });
    expect(sync.match.reason).toBe('No participant phone or email matches a candidate, and no candidate is named "Nobody Known"');
    expect(await notes(connectionId)).toEqual([]);

    await http(app).post(`/admin/syncs/${sync.id}/resolve`).set(adminHeaders()).send({ candidateId: 'first-last' }).expect(200);
    await drain(app);
    expect((await detail(sync.id)).status).toBe('synced');
    expect((await notes(connectionId)).map((n) => n.candidate_id)).toEqual(['first-last']);
  });

  it("never matches on the recruiter's own number, even when a candidate record carries it", async () => {
    const connectionId = await setUp({
      accountId: 'acc_internal',
      settings: { internalNumbers: ['(234) 567-8900'] },
      candidates: [
        { id: 'holds-recruiter-line', firstName: 'Rita', lastName: 'Recruiter', phones: [SEED_PHONE] },
        { id: 'first-last', firstName: 'First', lastName: 'Last' },
      ],
    });

    const named = await meeting('acc_internal', 'evt_internal_named', 'First Last', [SEED_PHONE]);
    expect(named).toMatchObject({ status: 'synced', candidateId: 'first-last' });
    expect(named.match.evidence.map((e: { kind: string }) => e.kind)).toEqual(['exact_name']);
    expect(named.match.reason).toContain("1 participant was the organisation's own number or address and did not count");

    const unnamed = await meeting('acc_internal', 'evt_internal_unknown', 'Nobody Known', [SEED_PHONE]);
    expect(unnamed).toMatchObject({ status: 'unmatched', candidateId: null });
    expect(unnamed.match.reason).toContain("1 participant was the organisation's own number");

    expect((await notes(connectionId)).map((n) => n.candidate_id)).toEqual(['first-last']);
  });

  it('sends a conflict (the phone says one candidate, the name another) to review and posts nothing', async () => {
    const connectionId = await setUp({
      accountId: 'acc_conflict',
      candidates: [
        { id: 'phone-holder', firstName: 'Other', lastName: 'Person', phones: [SEED_PHONE] },
        { id: 'name-carrier', firstName: 'First', lastName: 'Last' },
      ],
    });
    const sync = await meeting('acc_conflict', 'evt_conflict', 'First Last', [SEED_PHONE]);

    expect(sync).toMatchObject({ status: 'needs_review', candidateId: null });
    expect(sync.match.reason).toContain('whose name does not match "First Last"');
    const byId = Object.fromEntries(sync.match.alternatives.map((a: { candidateId: string }) => [a.candidateId, a]));
    expect(Object.keys(byId).sort()).toEqual(['name-carrier', 'phone-holder']);
    expect(byId['phone-holder'].evidence.map((e: { kind: string }) => e.kind)).toEqual(['phone', 'conflict']);
    expect(byId['name-carrier'].evidence.map((e: { kind: string }) => e.kind)).toEqual(['exact_name']);
    expect(await notes(connectionId)).toEqual([]);

    // A retry runs the matcher again and comes to the same conclusion: still nothing posted.
    await http(app).post(`/admin/syncs/${sync.id}/retry`).set(adminHeaders()).expect(200);
    await drain(app);
    expect((await detail(sync.id)).status).toBe('needs_review');
    expect(await notes(connectionId)).toEqual([]);
  });
});
