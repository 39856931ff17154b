#!/usr/bin/env node
// Sends the provider's sample `meeting.completed` payload to a running Debrief, signed with Standard
// Webhooks headers using the first secret of WEBHOOK_SECRETS (unsigned when none is set).
// Usage: WEBHOOK_SECRETS=whsec_... npm run send-sample -- [url] [payload.json]
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

const url = process.argv[2] ?? `http://localhost:${process.env.PORT ?? 3000}/webhooks/meetings`;
const file = process.argv[3] ?? new URL('../src/meeting/meeting-completed.sample.json', import.meta.url);
const body = readFileSync(file, 'utf8');
const secret = (process.env.WEBHOOK_SECRETS ?? '').split(',').map((s) => s.trim()).find(Boolean);

const headers = { 'content-type': 'application/json' };
if (secret) {
  const id = `msg_${randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret);
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  Object.assign(headers, { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` });
}

const response = await fetch(url, { method: 'POST', headers, body });
console.log(`${response.status} ${await response.text()}`);
process.exit(response.ok ? 0 : 1);
