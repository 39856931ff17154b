#!/usr/bin/env node
// npm run demo — Debrief end to end on this machine, in under a minute once built:
// builds when dist/ is missing or older than the sources, starts the service on a throwaway embedded Postgres
// (temporary DATA_DIR, free ports, generated secrets), connects the sample's organisation to the sandbox ATS
// through the admin API, sends the provider's sample meeting.completed webhook signed with Standard Webhooks
// headers, waits for the sync, prints the note as the ATS stored it, sends the sample again to show it is a
// duplicate with still one note, and stops the service with SIGTERM.
// DEMO_SKIP_BUILD=1 runs dist/ as it is; DEMO_KEEP=1 keeps the temporary data folder.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sampleFile = join(root, 'src', 'meeting', 'meeting-completed.sample.json');
const mainFile = join(root, 'dist', 'src', 'main.js');
const started = Date.now();
const say = (line = '') => process.stdout.write(`${line}\n`);
const step = (line) => say(`\n[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
const indent = (text, pad = '    ') => text.split('\n').map((l) => `${pad}${l}`).join('\n');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let service = null;
let dataDir = null;
let logFile = null;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  if (process.env.DEMO_SKIP_BUILD === '1' && existsSync(mainFile)) return;
  const built = existsSync(mainFile) ? statSync(mainFile).mtimeMs : 0;
  const sources = Math.max(newestSource(join(root, 'src')), newestSource(join(root, 'migrations')));
  if (built >= sources) {
    step('dist/ is up to date');
    return;
  }
  step(built === 0 ? 'building (dist/ is missing)…' : 'building (sources changed since the last build)…');
  const result = spawnSync(process.execPath, [join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0 || !existsSync(mainFile)) throw new Error('the build failed');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no service output)';
  }
}

/** Standard Webhooks: v1 = base64 HMAC-SHA256 of `id.timestamp.body` under the secret's bytes. */
function signed(body, secret) {
  const id = `msg_${randomBytes(8).toString('hex')}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

async function call(base, method, path, { token, body, headers = {} } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, body: json };
}

async function until(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service?.exitCode !== null && service?.exitCode !== undefined) throw new Error(`the service exited (code ${service.exitCode}) while waiting for ${what}`);
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

async function stopService() {
  if (!service || service.exitCode !== null) return service?.exitCode ?? null;
  const exited = new Promise((resolve) => service.once('exit', (code, signal) => resolve(code ?? signal)));
  service.kill('SIGTERM');
  const code = await Promise.race([exited, sleep(20_000).then(() => 'timeout')]);
  if (code === 'timeout') {
    service.kill('SIGKILL');
    await exited;
  }
  return code;
}

function cleanUp() {
  if (dataDir && process.env.DEMO_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
}

async function main() {
  say('Debrief demo: the provider\'s sample meeting, filed into a sandbox ATS');
  buildIfNeeded();

  dataDir = mkdtempSync(join(tmpdir(), 'debrief-demo-'));
  logFile = join(dataDir, 'service.log');
  const [port, pgPort] = [await freePort(), await freePort()];
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const adminToken = randomBytes(24).toString('hex');
  const base = `http://127.0.0.1:${port}`;

  step(`starting Debrief on ${base} with an embedded Postgres in ${dataDir}`);
  const env = { ...process.env };
  delete env.DATABASE_URL;
  Object.assign(env, {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    WEBHOOK_SECRETS: secret,
    ADMIN_TOKEN: adminToken,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
    WORKER_POLL_MS: '200',
  });
  const log = createWriteStream(logFile);
  service = spawn(process.execPath, [mainFile], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  service.stdout.pipe(log);
  service.stderr.pipe(log);

  await until('the service to be ready', 90_000, async () => (await call(base, 'GET', '/health/ready')).status === 200);
  say(`    ready: GET /health/ready → 200`);

  step('creating a sandbox connection for organisation acc_554433 (admin API)');
  const candidates = [
    { id: 'cand-first-last', firstName: 'First', lastName: 'Last', phones: ['+12345678900'], emails: ['first.last@example.com'] },
    { id: 'cand-bystander', firstName: 'Oliver', lastName: 'Bennett', phones: ['+14155550100'], emails: [] },
  ];
  const connection = await call(base, 'POST', '/admin/connections', {
    token: adminToken,
    body: { name: 'Demo sandbox ATS', provider: 'sandbox', accountId: 'acc_554433', settings: { candidates } },
  });
  if (connection.status !== 201) throw new Error(`creating the connection answered ${connection.status}: ${JSON.stringify(connection.body)}`);
  say(`    POST /admin/connections → 201, connection ${connection.body.id}`);
  say(`    sandbox candidates: ${candidates.map((c) => `${c.id} "${c.firstName} ${c.lastName}" ${c.phones.join(', ')}`).join('; ')}`);

  const body = readFileSync(sampleFile, 'utf8');
  const sample = JSON.parse(body);
  step(`sending the sample ${sample.id} (meeting "${sample.data.meeting.name}" about "${sample.data.meeting.atsRecordName}", participant ${sample.data.meeting.participants.join(', ')})`);
  const first = await call(base, 'POST', '/webhooks/meetings', { body, headers: signed(body, secret) });
  say(`    POST /webhooks/meetings → ${first.status} ${JSON.stringify(first.body)}`);
  if (first.status !== 200 || first.body.status !== 'accepted') throw new Error('the sample was not accepted');

  const sync = await until('the sync to finish', 30_000, async () => {
    const list = await call(base, 'GET', `/admin/syncs?eventId=${encodeURIComponent(sample.id)}`, { token: adminToken });
    const item = list.body.items?.[0];
    return item && !['pending', 'processing'].includes(item.status) ? item : null;
  });
  const detail = (await call(base, 'GET', `/admin/syncs/${sync.id}`, { token: adminToken })).body;
  step(`sync ${detail.id}: ${detail.status} on ${detail.candidateId} ("${detail.candidateName}") after ${detail.attempts} attempt(s)`);
  say(`    match: ${detail.match?.decision} — ${detail.match?.reason}`);
  say(`    visibility: ${detail.visibility} (${detail.visibilityReason}); action items: ${detail.actionItems}`);
  if (detail.status !== 'synced') throw new Error(`the sync ended ${detail.status}: ${JSON.stringify(detail.lastError ?? detail.match)}`);

  const db = new pg.Client({ connectionString: `postgres://postgres:debrief@127.0.0.1:${pgPort}/debrief` });
  let notes = null;
  try {
    await db.connect();
    notes = (await db.query(`SELECT id, candidate_id, title, body_text, visibility, author FROM sandbox_notes ORDER BY created_at`)).rows;
  } catch {
    notes = null;
  }
  if (notes) {
    const [note] = notes;
    step(`the note as the sandbox ATS stored it (sandbox_notes, ${notes.length} row): candidate ${note.candidate_id}, ${note.visibility}, author ${note.author ?? '-'}`);
    say(`    title: ${note.title}`);
    say(indent(note.body_text, '    │ '));
  } else {
    step('the note as posted (GET /admin/syncs/:id → note)');
    say(`    title: ${detail.note.title}`);
    say(indent(detail.note.text, '    │ '));
  }

  step('sending the same sample again (the provider retries)');
  const again = await call(base, 'POST', '/webhooks/meetings', { body, headers: signed(body, secret) });
  say(`    POST /webhooks/meetings → ${again.status} ${JSON.stringify(again.body)}`);
  if (again.status !== 200 || again.body.status !== 'duplicate') throw new Error('the resend was not recognised as a duplicate');
  await sleep(1000);
  const syncs = (await call(base, 'GET', `/admin/syncs?eventId=${encodeURIComponent(sample.id)}`, { token: adminToken })).body.items;
  const noteCount = notes ? Number((await db.query('SELECT count(*) AS n FROM sandbox_notes')).rows[0].n) : null;
  await db.end().catch(() => undefined);
  say(`    syncs for ${sample.id}: ${syncs.length} (${syncs.map((s) => s.status).join(', ')}); notes in the sandbox ATS: ${noteCount ?? '(not readable)'}`);
  if (syncs.length !== 1 || (noteCount !== null && noteCount !== 1)) throw new Error('the resend changed something');

  step('stopping the service (SIGTERM)');
  const code = await stopService();
  say(`    exited with ${code}`);
  if (code !== 0) throw new Error(`the service exited with ${code}`);
  cleanUp();
  step('done: one webhook, one note on the right candidate, a duplicate that changed nothing');
}

process.on('SIGINT', () => {
  void stopService().finally(() => {
    cleanUp();
    process.exit(130);
  });
});

main().catch(async (err) => {
  process.stderr.write(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  if (logFile) process.stderr.write(`last service output:\n${indent(tail(logFile))}\n`);
  await stopService().catch(() => undefined);
  cleanUp();
  process.exit(1);
});
