import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SyncWorkerService } from '../../src/sync/sync-worker.service';
import { adminHeaders, http } from './app';
import { samplePayload, standardHeaders } from './sign';

/** A sandbox connection for the seed's organisation, holding the seed's candidate (and any others given). */
export async function createSandboxConnection(
  app: NestFastifyApplication,
  options: { accountId?: string; teamId?: string | null; candidates?: unknown[]; settings?: Record<string, unknown> } = {},
): Promise<{ id: string }> {
  const res = await http(app)
    .post('/admin/connections')
    .set(adminHeaders())
    .send({
      name: 'Sandbox',
      provider: 'sandbox',
      accountId: options.accountId ?? 'acc_554433',
      teamId: options.teamId ?? null,
      settings: {
        candidates: options.candidates ?? [{ id: 'cand-1', firstName: 'First', lastName: 'Last', phones: ['+12345678900'], emails: [] }],
        ...options.settings,
      },
    });
  if (res.status !== 201) throw new Error(`connection not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Sends a payload signed with the test secret. */
export async function sendWebhook(app: NestFastifyApplication, payload: Record<string, unknown> = samplePayload()) {
  const body = JSON.stringify(payload);
  return http(app).post('/webhooks/meetings').set(standardHeaders(body)).send(body);
}

export const drain = (app: NestFastifyApplication) => app.get(SyncWorkerService).drain();
