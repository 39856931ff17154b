import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { toAtsCandidate } from '../../src/ats/adapters/greenhouse/greenhouse.mapper';
import { CandidateDirectoryRepository } from '../../src/matching/candidate-directory.repository';
import { GreenhouseFakeServer } from '../fakes/greenhouse-fake-server';
import { adminHeaders, http } from '../support/app';
import { sendWebhook } from '../support/fixtures';
import { samplePayload } from '../support/sign';

/** The seed's sample with another event id (and any other change). */
export function seedEvent(eventId: string, change: (p: Record<string, any>) => void = () => {}): Record<string, any> {
  return samplePayload((p) => {
    p.id = eventId;
    change(p);
  });
}

/** Sends a signed event and expects it stored. */
export async function accept(app: NestFastifyApplication, payload: Record<string, unknown>): Promise<void> {
  const res = await sendWebhook(app, payload);
  if (res.status !== 200 || res.body.status !== 'accepted') {
    throw new Error(`event not accepted: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** The syncs of an event as the admin API lists them. */
export async function syncsOf(app: NestFastifyApplication, eventId: string): Promise<Array<Record<string, any>>> {
  const res = await http(app).get(`/admin/syncs?eventId=${encodeURIComponent(eventId)}`).set(adminHeaders());
  expect(res.status).toBe(200);
  return res.body.items;
}

/** One sync in full: match, note, attempts. */
export async function syncDetail(app: NestFastifyApplication, syncId: string): Promise<Record<string, any>> {
  const res = await http(app).get(`/admin/syncs/${syncId}`).set(adminHeaders());
  expect(res.status).toBe(200);
  return res.body;
}

/** The one sync of an event, in full. */
export async function onlySyncOf(app: NestFastifyApplication, eventId: string): Promise<Record<string, any>> {
  const items = await syncsOf(app, eventId);
  expect(items).toHaveLength(1);
  return syncDetail(app, items[0]!.id);
}

export const GREENHOUSE_FALLBACK_USER = 101;
export const GREENHOUSE_FIRST_LAST = 5001;

/** A Harvest v3 fake holding the seed's candidate (with the seed's phone as a recruiter types it) and a service user. */
export async function startGreenhouse(): Promise<GreenhouseFakeServer> {
  const fake = new GreenhouseFakeServer();
  await fake.start();
  fake.users.push({
    id: GREENHOUSE_FALLBACK_USER,
    name: 'Debrief Bot',
    first_name: 'Debrief',
    last_name: 'Bot',
    primary_email: 'debrief@acme.test',
    deactivated: false,
  });
  fake.candidates.push({
    id: GREENHOUSE_FIRST_LAST,
    first_name: 'First',
    last_name: 'Last',
    email_addresses: [{ value: 'first.last@example.com', type: 'personal' }],
    phone_numbers: [{ value: '(234) 567-8900', type: 'mobile' }],
    application_ids: [GREENHOUSE_FIRST_LAST * 10],
    updated_at: '2026-01-05T09:00:00Z',
  });
  return fake;
}

/**
 * Connects the seed's organisation to the fake through the admin API and mirrors the fake's candidates into
 * the directory (Greenhouse searches by email only; the seed's meeting names a phone).
 */
export async function connectGreenhouse(app: NestFastifyApplication, fake: GreenhouseFakeServer, timeoutMs = 1000): Promise<string> {
  const res = await http(app)
    .post('/admin/connections')
    .set(adminHeaders())
    .send({
      name: 'Acme on Greenhouse',
      provider: 'greenhouse',
      accountId: 'acc_554433',
      credentials: { clientId: fake.clientId, clientSecret: fake.clientSecret },
      settings: {
        baseUrl: fake.baseUrl,
        authUrl: fake.url,
        userId: String(GREENHOUSE_FALLBACK_USER),
        timeoutMs,
        rateLimit: { limit: 200, intervalMs: 1000 },
      },
    });
  if (res.status !== 201) throw new Error(`connection not created: ${res.status} ${JSON.stringify(res.body)}`);
  await app.get(CandidateDirectoryRepository).upsert(res.body.id, fake.candidates.map(toAtsCandidate));
  return res.body.id;
}
