import { randomUUID } from 'node:crypto';
import type { AtsCandidate, AtsContext, NoteDraft } from '../../src/ats/ats-adapter.port';
import { AtsError } from '../../src/ats/ats-error';
import { postNoteOnce } from '../../src/ats/kit/note-poster';
import { DAILY_RESERVE, HubSpotAdapter, INCREMENTAL_OVERLAP_MS } from '../../src/ats/adapters/hubspot/hubspot.adapter';
import { HubSpotFakeServer } from '../fakes/hubspot-fake-server';

function draft(overrides: Partial<NoteDraft> = {}): NoteDraft {
  const marker = `debrief:evt_${randomUUID().slice(0, 8)}:${randomUUID().slice(0, 8)}`;
  return {
    title: 'Intro call',
    text: `Intro call\n\nNotes.\n\nDebrief ref: ${marker}`,
    html: `<p>Intro call</p><h2>Notes</h2><p>Notes.</p><script>alert(1)</script><p>Debrief ref: ${marker}</p>`,
    visibility: 'public',
    referenceMarker: marker,
    idempotencyKey: randomUUID(),
    author: { name: 'Alex Rivers', email: 'alex@acme.test' },
    meetingStartedAt: new Date('2026-09-01T10:00:00Z'),
    ...overrides,
  };
}

const person = (id: string): AtsCandidate => ({ externalId: id, firstName: null, lastName: null, displayName: id, emails: [], phones: [], updatedAt: null });

describe('HubSpot adapter against the CRM fake', () => {
  let fake: HubSpotFakeServer;
  let adapter: HubSpotAdapter;
  const ctx = (settings: Record<string, unknown> = {}): AtsContext => ({
    connectionId: randomUUID(),
    credentials: { accessToken: fake.accessToken },
    settings: { baseUrl: fake.url, userId: '1001', timeoutMs: 2000, rateLimit: { limit: 200, intervalMs: 1000 }, ...settings },
  });

  beforeEach(async () => {
    fake = new HubSpotFakeServer();
    fake.addOwner({ id: '1001', email: 'debrief@acme.test', firstName: 'Debrief', lastName: 'Bot' });
    fake.addOwner({ id: '1002', email: 'alex@acme.test', firstName: 'Alex', lastName: 'Rivers' });
    fake.addContact({ id: '101', firstname: 'Jane', lastname: 'Doe', email: 'jane@example.com', phone: '(415) 555-0100' });
    fake.addContact({ id: '102', firstname: 'Hans', lastname: 'Zwilling', email: 'hans@example.de', phone: '+49 415 5550100' });
    fake.addContact({ id: '103', firstname: 'Mo', lastname: 'Bile', email: 'mo@example.com', mobilephone: '+1.415.555.0199' });
    await fake.start();
    adapter = new HubSpotAdapter();
  });

  afterEach(() => fake.stop());

  it('finds a number however it was typed, and keeps only contacts whose number is the one asked for', async () => {
    const c = ctx();
    expect((await adapter.searchCandidates(c, { phone: '+14155550100' })).map((x) => x.externalId)).toEqual(['101']);
    expect((await adapter.searchCandidates(c, { phone: '+14155550199' })).map((x) => x.externalId)).toEqual(['103']);
    // HubSpot's calculated property holds national digits, which the German number shares: HubSpot returns it.
    const raw = await fetch(`${fake.url}/crm/v3/objects/contacts/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filterGroups: [{ filters: [{ propertyName: 'hs_searchable_calculated_phone_number', operator: 'EQ', value: '4155550100' }] }] }),
    });
    expect(((await raw.json()) as { results: Array<{ id: string }> }).results.map((r) => r.id).sort()).toEqual(['101', '102']);
    expect((await adapter.searchCandidates(c, { phone: '+494155550100' })).map((x) => x.externalId)).toEqual(['102']);
  });

  it('searches by e-mail and by name', async () => {
    const c = ctx();
    expect((await adapter.searchCandidates(c, { email: 'JANE@example.com' })).map((x) => x.externalId)).toEqual(['101']);
    const [found] = await adapter.searchCandidates(c, { name: 'Hans Zwilling' });
    expect(found).toMatchObject({ externalId: '102', firstName: 'Hans', lastName: 'Zwilling', emails: ['hans@example.de'], phones: ['+49 415 5550100'] });
  });

  it('finds a note written moments ago although the search index has not taken it', async () => {
    const c = ctx();
    const d = draft();
    const posted = await adapter.postNote(c, person('101'), d);
    const note = fake.notes.find((n) => n.id === posted.externalNoteId)!;
    expect(note.contactIds).toEqual(['101']);
    expect(note.properties.hubspot_owner_id).toBe('1002');
    expect(note.properties.hs_note_body).not.toContain('<script>');
    // What a look-up through search would see: nothing yet.
    const search = await fetch(`${fake.url}/crm/v3/objects/notes/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filterGroups: [] }),
    });
    expect(((await search.json()) as { total: number }).total).toBe(0);
    expect(await adapter.findNote(c, person('101'), d, { since: null })).toEqual({ externalNoteId: posted.externalNoteId, visibility: 'public', authorId: '1002' });
    expect(await adapter.findNote(c, person('102'), d, { since: null })).toBeNull();
  });

  it('refuses a private draft before sending anything: HubSpot notes have no privacy setting', async () => {
    await expect(postNoteOnce(adapter, ctx(), person('101'), draft({ visibility: 'private' }), { previousAttemptUncertain: false })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    expect(fake.http.received('POST', '/crm/v3/objects/notes')).toHaveLength(0);
  });

  it('keeps the search endpoints under their own per-second limit', async () => {
    // HubSpot's figure: five a second. Debrief keeps four, one under it, since arrivals jitter.
    fake.searchPerSecond = 5;
    const c = ctx({ rateLimit: { limit: 100, intervalMs: 1000 } });
    await Promise.all(Array.from({ length: 10 }, () => adapter.searchCandidates(c, { email: 'jane@example.com' })));
    // A refused search is sent again by the client: one request each means none was refused.
    expect(fake.http.received('POST', '/crm/v3/objects/contacts/search')).toHaveLength(10);
  });

  it('waits out a ten-second window HubSpot reports spent instead of drawing a 429', async () => {
    fake.tenSecondLimit = 3;
    const c = ctx();
    for (let i = 0; i < 4; i++) await adapter.listCandidates(c, { cursor: null, updatedSince: null, pageSize: 1 });
    // Every list answered at once: a 429 would have been sent again by the client.
    expect(fake.http.received('GET', '/crm/v3/objects/contacts')).toHaveLength(4);
  }, 30_000);

  it('stops before the daily limit, with a clear status, and sends nothing more', async () => {
    const c = ctx();
    fake.dailyLimit = fake.dailyUsed + DAILY_RESERVE + 1;
    await adapter.searchCandidates(c, { name: 'Jane Doe' });
    await adapter.listCandidates(c, { cursor: null, updatedSince: null, pageSize: 2 });
    const sent = fake.http.requests.length;
    const err = await adapter.postNote(c, person('101'), draft()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtsError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', uncertain: false });
    expect((err as AtsError).message).toMatch(/stopped before the daily API limit \(\d+ of \d+ requests left today\)/);
    expect((err as AtsError).retryAfterSeconds).toBeGreaterThan(3000);
    expect(fake.http.requests).toHaveLength(sent);
  });

  it('reads a 429 under the daily policy as a wait of an hour, not a burst', async () => {
    const c = ctx();
    fake.dailyUsed = fake.dailyLimit;
    const err = await adapter.listCandidates(c, { cursor: null, updatedSince: null }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 3600 });
    expect((err as AtsError).message).toContain('daily API limit reached');
    const sent = fake.http.requests.length;
    await expect(adapter.searchCandidates(c, { email: 'jane@example.com' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(fake.http.requests).toHaveLength(sent);
  });

  it('lists incrementally through search on lastmodifieddate, from a little before the last pass', async () => {
    const since = Date.parse('2026-09-01T12:00:00Z');
    fake.addContact({ id: '201', firstname: 'Old', lastname: 'One', modifiedAt: '2026-08-01T00:00:00Z' });
    fake.addContact({ id: '202', firstname: 'Late', lastname: 'Index', modifiedAt: new Date(since - INCREMENTAL_OVERLAP_MS / 2).toISOString() });
    fake.addContact({ id: '203', firstname: 'New', lastname: 'One', modifiedAt: '2026-09-02T00:00:00Z' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<HubSpotAdapter['listCandidates']>> = await adapter.listCandidates(ctx(), { cursor, updatedSince: new Date(since), pageSize: 1 });
      seen.push(...page.candidates.map((x) => x.externalId));
      cursor = page.nextCursor;
    } while (cursor);
    // The fixture contacts were modified now; 201 is older than the overlap.
    expect(seen).toEqual(expect.arrayContaining(['202', '203']));
    expect(seen).not.toContain('201');
    const searches = fake.http.received('POST', '/crm/v3/objects/contacts/search');
    expect(searches[0].body).toMatchObject({ sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }] });
  });

  it('reports a token without the owners scope as a failed check naming the scope', async () => {
    fake.scopes.delete('crm.objects.owners.read');
    const checks = await adapter.testConnection(ctx());
    expect(checks.find((x) => x.check === 'crm.objects.owners.read')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
    expect(checks.find((x) => x.check === 'crm.objects.owners.read')?.detail).toContain('MISSING_SCOPES');
  });
});
