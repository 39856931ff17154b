import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ALL_ASHBY_PERMISSIONS, AshbyFakeServer } from '../fakes/ashby-fake-server';
import { createConnection, FAST_SETTINGS } from '../ats-e2e/support';
import { createTestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { runJob } from './job-fixtures';

const API_KEY = 'ashby-key';
const ENV = { DIRECTORY_PAGE_SIZE: '2' };

/**
 * Ashby's sync token is kept with the connection's refresh state in the database, not in the instance that
 * received it: whichever instance runs the next refresh, and one that restarted, lists only what changed.
 */
describe('directory refresh keeps the ATS sync state in the database (Ashby fake, pages of 2)', () => {
  let db: TestDatabase;
  let a: NestFastifyApplication;
  let b: NestFastifyApplication;
  const fake = new AshbyFakeServer();
  let connectionId: string;

  const listCalls = () => fake.calls('candidate.list');
  const sentTokens = (from: number) => listCalls().slice(from).map((r) => (r.body as Record<string, unknown>).syncToken);
  const latestToken = () => `st_${Math.max(...fake.candidates.map((c) => c.changeSeq))}`;
  const keptState = async (): Promise<string | null> =>
    (await db.dataSource.query(`SELECT sync_state FROM directory_refresh_state WHERE connection_id = $1`, [connectionId]))[0].sync_state;
  const keptToken = async (): Promise<string | null> => {
    const state = await keptState();
    return state === null ? null : (JSON.parse(state) as { token: string }).token;
  };
  const directoryName = async (externalId: string): Promise<string | null> =>
    (await db.dataSource.query(`SELECT display_name FROM candidates WHERE connection_id = $1 AND external_id = $2`, [connectionId, externalId]))[0]
      ?.display_name ?? null;

  async function refresh(app: NestFastifyApplication, job: 'directory-refresh' | 'directory-full-refresh') {
    const res = await runJob(app, job);
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('succeeded');
    return (res.body.summary.details as Array<Record<string, any>>).find((d) => d.connectionId === connectionId)!;
  }

  beforeAll(async () => {
    await fake.start();
    const keyOwner = fake.addUser({ email: 'integrations@acme.test', firstName: 'Integration', lastName: 'Key' });
    fake.addKey(API_KEY, ALL_ASHBY_PERMISSIONS, keyOwner.id);
    for (const name of ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov']) {
      fake.addCandidate({ name, emails: [`${name.split(' ')[0]!.toLowerCase()}@example.com`] });
    }
    db = await createTestDatabase();
    [a, b] = await Promise.all([createTestApp(db.url, ENV), createTestApp(db.url, ENV)]);
    connectionId = await createConnection(a, 'ashby', { apiKey: API_KEY }, { baseUrl: fake.url, ...FAST_SETTINGS });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
    await fake.stop();
  });

  it('keeps the sync token that ends a full refresh', async () => {
    const full = await refresh(a, 'directory-full-refresh');
    expect(full).toMatchObject({ status: 'completed', mode: 'full', pages: 3, candidates: 5 });
    expect(sentTokens(0).every((t) => t === undefined)).toBe(true);
    expect(await keptToken()).toBe(latestToken());
  });

  it('runs the next refresh on another instance incrementally on that token, reading only what changed', async () => {
    const token = await keptToken();
    const grace = fake.candidates.find((c) => c.name === 'Grace Hopper')!;
    grace.name = 'Grace Brewster Hopper';
    fake.touchCandidate(grace.id);
    const before = listCalls().length;

    const run = await refresh(b, 'directory-refresh');
    expect(run).toMatchObject({ status: 'completed', mode: 'incremental', pages: 1, candidates: 1 });
    expect(sentTokens(before)).toEqual([token]);
    expect(await directoryName(grace.id)).toBe('Grace Brewster Hopper');
    // The pass's own token replaces the one it ran on.
    expect(await keptToken()).toBe(latestToken());
    expect(await keptToken()).not.toBe(token);
  });

  it('continues from the kept token after an instance restarts', async () => {
    await a.close();
    a = await createTestApp(db.url, ENV);
    const token = await keptToken();
    const ada = fake.candidates.find((c) => c.name === 'Ada Lovelace')!;
    ada.name = 'Ada King';
    fake.touchCandidate(ada.id);
    const before = listCalls().length;

    const run = await refresh(a, 'directory-refresh');
    expect(run).toMatchObject({ status: 'completed', mode: 'incremental', pages: 1, candidates: 1 });
    expect(sentTokens(before)).toEqual([token]);
    expect(await directoryName(ada.id)).toBe('Ada King');
  });

  it('replaces a token Ashby refused with the one its fallback full listing ends with', async () => {
    const refused = (await keptToken())!;
    fake.expireSyncToken(refused);
    const alan = fake.candidates.find((c) => c.name === 'Alan Turing')!;
    alan.name = 'Alan M. Turing';
    fake.touchCandidate(alan.id);
    const before = listCalls().length;

    const run = await refresh(b, 'directory-refresh');
    expect(run).toMatchObject({ status: 'completed', mode: 'incremental' });
    const tokens = sentTokens(before);
    expect(tokens[0]).toBe(refused);
    expect(tokens.slice(1)).toEqual([undefined, undefined, undefined]);
    expect(await directoryName(alan.id)).toBe('Alan M. Turing');
    expect(await keptToken()).toBe(latestToken());
    expect(await keptToken()).not.toBe(refused);
  });

  it('forgets the token when Ashby finds the incremental sync too large and the full listing brings no new one', async () => {
    const tooLarge = { success: false, errorInfo: { code: 'incremental_sync_too_large', message: 'Too many changes; run a full sync' } };
    fake.http.inject({ path: '/candidate.list', fault: { kind: 'respond', response: { status: 200, body: tooLarge } } });
    fake.http.inject({
      path: '/candidate.list',
      after: 2,
      fault: { kind: 'respond', response: { status: 200, body: { success: true, results: [], moreDataAvailable: false } } },
    });
    const token = await keptToken();
    const before = listCalls().length;

    const run = await refresh(a, 'directory-refresh');
    expect(run).toMatchObject({ status: 'completed', mode: 'incremental', pages: 3 });
    expect(sentTokens(before)).toEqual([token, undefined, undefined, undefined]);
    expect(await keptState()).toBeNull();

    // Nothing kept: the next refresh reads the whole listing again (filtered on updatedAt), and keeps its token.
    const next = listCalls().length;
    await refresh(b, 'directory-refresh');
    expect(sentTokens(next)).toEqual([undefined, undefined, undefined]);
    expect(await keptToken()).toBe(latestToken());
  });
});
