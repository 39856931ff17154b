// Starts the built Debrief (dist/) on a throw-away embedded PostgreSQL with generated tokens, for the browser tests.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

export async function startDebrief() {
  const main = join(root, 'dist', 'src', 'main.js');
  if (!existsSync(main) || !existsSync(join(root, 'dist', 'console', 'index.html'))) throw new Error('build first: npm run build');
  const dataDir = mkdtempSync(join(tmpdir(), 'debrief-console-e2e-'));
  const [port, pgPort] = [await freePort(), await freePort()];
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const adminToken = randomBytes(24).toString('hex');
  const readOnlyToken = randomBytes(24).toString('hex');
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
    ADMIN_READONLY_TOKENS: readOnlyToken,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    WORKER_POLL_MS: '200',
  });
  const logFile = join(dataDir, 'service.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [main], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Debrief exited: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    const ok = await fetch(`${base}/health/ready`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error('Debrief did not become ready');
    await sleep(250);
  }
  const db = new pg.Client({ connectionString: `postgres://postgres:debrief@127.0.0.1:${pgPort}/debrief` });
  await db.connect();
  return {
    base,
    adminToken,
    readOnlyToken,
    db,
    /** Sends a body to the webhook, signed the Standard Webhooks way, as the meeting recorder does. */
    async sendWebhook(body) {
      const id = `msg_${randomBytes(8).toString('hex')}`;
      const timestamp = String(Math.floor(Date.now() / 1000));
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
      const res = await fetch(`${base}/webhooks/meetings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` },
        body,
      });
      return { status: res.status, body: await res.json() };
    },
    async admin(method, path, body) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    async stop() {
      await db.end().catch(() => undefined);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(20_000).then(() => child.kill('SIGKILL'))]);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
    logTail: () => readFileSync(logFile, 'utf8').slice(-3000),
  };
}

export const sample = () => readFileSync(join(root, 'src', 'meeting', 'meeting-completed.sample.json'), 'utf8');
