/**
 * The baseline the intake benchmark compares Debrief with: the least a correct receiver can do. node:http,
 * the same Standard Webhooks check (HMAC-SHA256 over `id.timestamp.body`, 300 s tolerance, constant-time
 * compare), JSON.parse, and one INSERT per request on a pg pool, answering 200 only after the commit.
 * No framework, no validation schema, no logging, no routing of syncs.
 *
 * Env: PORT, DATABASE_URL, WEBHOOK_SECRET (whsec_…), POOL_SIZE (10).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'pg';

const secret = process.env.WEBHOOK_SECRET ?? '';
const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret);
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
pool.on('error', () => undefined);

function answer(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

function verify(raw: Buffer, req: IncomingMessage): boolean {
  const id = req.headers['webhook-id'];
  const timestamp = req.headers['webhook-timestamp'];
  const signatures = req.headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(raw).digest();
  return signatures.split(' ').some((s) => {
    if (!s.startsWith('v1,')) return false;
    const given = Buffer.from(s.slice(3), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/webhooks/meetings') return answer(res, 404, { code: 'NOT_FOUND' });
  if (!verify(raw, req)) return answer(res, 401, { code: 'INVALID_SIGNATURE' });
  let event: { id?: unknown; eventType?: unknown; createdAt?: unknown; data?: { organization?: { accountId?: unknown; teamId?: unknown } } };
  try {
    event = JSON.parse(raw.toString('utf8'));
  } catch {
    return answer(res, 400, { code: 'MALFORMED_JSON' });
  }
  if (typeof event.id !== 'string' || typeof event.data?.organization?.accountId !== 'string') return answer(res, 400, { code: 'INVALID_PAYLOAD' });
  try {
    const result = await pool.query(
      `INSERT INTO webhook_events (id, event_type, account_id, team_id, provider_created_at, status, signature_scheme, raw_body)
       VALUES ($1, $2, $3, $4, $5, 'accepted', 'standard-webhooks', $6) ON CONFLICT (id) DO NOTHING`,
      [event.id, String(event.eventType), event.data.organization.accountId, event.data.organization.teamId ?? null, new Date(Number(event.createdAt)), raw.toString('utf8')],
    );
    answer(res, 200, { status: result.rowCount === 1 ? 'accepted' : 'duplicate' });
  } catch {
    answer(res, 503, { code: 'DATABASE_UNAVAILABLE' });
  }
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => void handle(req, res, Buffer.concat(chunks)));
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT ?? 3100), '127.0.0.1', () => process.stdout.write('minimal receiver listening\n'));
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
