import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain, sendWebhook } from '../support/fixtures';
import { samplePayload, standardHeaders } from '../support/sign';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Reads the Prometheus text format: `# TYPE` lines and samples (`name{a="b"} value`). */
function parseMetrics(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1], type[2]);
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { types, samples };
}

/** The value of one sample; 0 when the labelled series does not exist yet (a counter never incremented). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found?.value ?? 0;
}

const FAMILIES: Record<string, string> = {
  debrief_webhooks_received_total: 'counter',
  debrief_sync_transitions_total: 'counter',
  debrief_ats_request_duration_seconds: 'histogram',
  debrief_sync_queue_depth: 'gauge',
  debrief_sync_oldest_due_age_seconds: 'gauge',
  debrief_process_resident_memory_bytes: 'gauge',
  debrief_nodejs_eventloop_lag_seconds: 'gauge',
};

describe('GET /metrics', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  const scrape = async () => {
    const res = await http(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(res.text);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    await createSandboxConnection(app);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('exposes every metric family with its type', async () => {
    const { types } = await scrape();
    for (const [name, type] of Object.entries(FAMILIES)) expect({ name, type: types.get(name) }).toEqual({ name, type });
  });

  it('moves each family as webhooks arrive and the worker delivers them', async () => {
    const before = (await scrape()).samples;
    expect(valueOf(before, 'debrief_sync_queue_depth')).toBe(0);
    expect(valueOf(before, 'debrief_sync_oldest_due_age_seconds')).toBe(0);

    for (const id of ['evt_m1', 'evt_m2']) {
      expect((await sendWebhook(app, samplePayload((p) => (p.id = id)))).body).toEqual({ status: 'accepted' });
    }
    expect((await sendWebhook(app, samplePayload((p) => (p.id = 'evt_m1')))).body).toEqual({ status: 'duplicate' });
    const unsigned = JSON.stringify(samplePayload((p) => (p.id = 'evt_m3')));
    expect((await http(app).post('/webhooks/meetings').set({ 'content-type': 'application/json' }).send(unsigned)).status).toBe(401);
    const invalid = '{"id": 1}';
    expect((await http(app).post('/webhooks/meetings').set(standardHeaders(invalid)).send(invalid)).status).toBe(400);
    // One sync has been due for a minute: the age gauge reads it (the scrape does not wait for time to pass).
    await db.dataSource.query(`UPDATE syncs SET next_attempt_at = now() - interval '60 seconds' WHERE event_id = 'evt_m1'`);

    const queued = (await scrape()).samples;
    const received = (outcome: string) => valueOf(queued, 'debrief_webhooks_received_total', { outcome }) - valueOf(before, 'debrief_webhooks_received_total', { outcome });
    expect({ accepted: received('accepted'), duplicate: received('duplicate'), unauthorized: received('unauthorized'), invalid: received('invalid') }).toEqual({
      accepted: 2,
      duplicate: 1,
      unauthorized: 1,
      invalid: 1,
    });
    expect(valueOf(queued, 'debrief_sync_queue_depth')).toBe(2);
    expect(valueOf(queued, 'debrief_sync_oldest_due_age_seconds')).toBeGreaterThanOrEqual(60);

    await drain(app);
    const after = (await scrape()).samples;
    expect(valueOf(after, 'debrief_sync_transitions_total', { from: 'pending', to: 'processing' })).toBe(2);
    expect(valueOf(after, 'debrief_sync_transitions_total', { from: 'processing', to: 'synced' })).toBe(2);
    expect(valueOf(after, 'debrief_ats_request_duration_seconds_count', { provider: 'sandbox', operation: 'createNote', outcome: 'ok' })).toBe(2);
    expect(valueOf(after, 'debrief_ats_request_duration_seconds_sum', { provider: 'sandbox', operation: 'createNote', outcome: 'ok' })).toBeGreaterThan(0);
    expect(valueOf(after, 'debrief_sync_queue_depth')).toBe(0);
    expect(valueOf(after, 'debrief_sync_oldest_due_age_seconds')).toBe(0);
    expect(valueOf(after, 'debrief_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('still answers when the database cannot be read (the queue gauges keep their last values)', async () => {
    await db.dataSource.query(`ALTER TABLE syncs RENAME TO syncs_away`);
    try {
      const { samples } = await scrape();
      expect(valueOf(samples, 'debrief_sync_queue_depth')).toBe(0);
    } finally {
      await db.dataSource.query(`ALTER TABLE syncs_away RENAME TO syncs`);
    }
  });
});
