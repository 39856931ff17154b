import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { BENCH_OWNERS, BenchCandidate } from './bench-webhooks';

/**
 * Faults the fake plays, each drawn per request from a seeded generator:
 * - `serverErrorRate`: a 500/502/503 before anything is stored;
 * - `burst429`: every `everyMs`, a burst of `lengthMs` where everything is answered 429, alternately with and
 *   without `Retry-After`;
 * - `timeoutAfterStoreRate` (POST /notes): the note is stored, then the answer never comes (the client times out);
 * - `dropAfterStoreRate` (POST /notes): the note is stored, then the connection is destroyed;
 * - `serverErrorAfterStoreRate` (POST /notes): the note is stored, then a 502 or 504 is answered (a gateway that
 *   gave up on a slow origin);
 * - `dropBeforeRate` (any request): the connection is destroyed before anything happens.
 */
export interface FakeAtsFaults {
  serverErrorRate?: number;
  burst429?: { everyMs: number; lengthMs: number };
  timeoutAfterStoreRate?: number;
  dropAfterStoreRate?: number;
  serverErrorAfterStoreRate?: number;
  dropBeforeRate?: number;
}

export interface FakeAtsOptions {
  candidates: BenchCandidate[];
  /** Delay before every answer, as a remote API has. */
  latencyMs?: number;
  faults?: FakeAtsFaults;
  /** How long a "timeout" answer is held before its socket is destroyed. */
  hangMs?: number;
  seed?: number;
}

interface Note {
  id: number;
  candidateId: number;
  userId: number;
  body: string;
  visibility: string;
  eventId: string | null;
}

export interface FakeAtsStats {
  requests: number;
  byRoute: Record<string, number>;
  faults: Record<string, number>;
  notes: number;
}

const MARKER = /debrief:([^\s:]+):[0-9a-f]{8}/;

/** Mulberry32: a small seeded generator, so a fault run can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A Greenhouse Harvest v3 stand-in for load: the endpoints the adapter uses (token, users, candidates, notes),
 * a fixed latency, seeded faults, and the bookkeeping the checks need: notes per event (from the reference
 * marker every note carries) and the arrival time of every request (to check the rate limit per window).
 */
export class FakeAtsServer {
  readonly clientId = 'bench-client';
  readonly clientSecret = 'bench-secret';
  /** Arrival times (ms since start) of every request, for rate-window checks. */
  readonly arrivals: number[] = [];
  private readonly notesByCandidate = new Map<number, Note[]>();
  private readonly notesByEvent = new Map<string, number>();
  /** When the first note of each event was stored (epoch ms), for end-to-end latency. */
  readonly noteStoredAt = new Map<string, number>();
  private readonly candidatesByEmail = new Map<string, BenchCandidate>();
  private readonly candidateIds = new Set<number>();
  private readonly tokens = new Map<string, number | null>();
  private readonly sockets = new Set<Socket>();
  private readonly stats: FakeAtsStats = { requests: 0, byRoute: {}, faults: {}, notes: 0 };
  private readonly random: () => number;
  private readonly started = Date.now();
  private server: Server | null = null;
  private nextNoteId = 70_000_000;
  private burstParity = 0;
  port = 0;

  constructor(private readonly options: FakeAtsOptions) {
    this.random = seeded(options.seed ?? 20_251_210);
    for (const c of options.candidates) {
      this.candidatesByEmail.set(c.email, c);
      this.candidateIds.add(c.id);
    }
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v3`;
  }

  get authUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Settings and credentials of a Greenhouse connection pointing here. */
  connectionBody(name: string, accountId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      name,
      provider: 'greenhouse',
      accountId,
      credentials: { clientId: this.clientId, clientSecret: this.clientSecret },
      settings: { baseUrl: this.baseUrl, authUrl: this.authUrl, userId: String(BENCH_OWNERS[0].id), ...extra },
    };
  }

  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => this.onRequest(req, res));
    server.keepAliveTimeout = 30_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Notes posted per event id (from the reference marker). */
  notesPerEvent(): ReadonlyMap<string, number> {
    return this.notesByEvent;
  }

  snapshot(): FakeAtsStats {
    return { ...this.stats, byRoute: { ...this.stats.byRoute }, faults: { ...this.stats.faults } };
  }

  /** The most requests seen in any window of `intervalMs` (sliding) and in windows aligned on the fake's clock. */
  busiestWindow(intervalMs: number): { sliding: number; fixed: number } {
    const times = [...this.arrivals].sort((a, b) => a - b);
    let sliding = 0;
    for (let lo = 0, hi = 0; hi < times.length; hi++) {
      while (times[hi] - times[lo] >= intervalMs) lo++;
      sliding = Math.max(sliding, hi - lo + 1);
    }
    const buckets = new Map<number, number>();
    for (const t of times) buckets.set(Math.floor(t / intervalMs), (buckets.get(Math.floor(t / intervalMs)) ?? 0) + 1);
    return { sliding, fixed: Math.max(0, ...buckets.values()) };
  }

  private count(map: Record<string, number>, key: string): void {
    map[key] = (map[key] ?? 0) + 1;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const arrived = Date.now() - this.started;
      this.arrivals.push(arrived);
      this.stats.requests++;
      const url = new URL(req.url ?? '/', 'http://fake.local');
      const route = `${req.method} ${url.pathname}`;
      this.count(this.stats.byRoute, route);
      const raw = Buffer.concat(chunks).toString('utf8');
      const latency = this.options.latencyMs ?? 20;
      const faults = this.options.faults ?? {};

      if (faults.dropBeforeRate && this.random() < faults.dropBeforeRate) {
        this.count(this.stats.faults, 'drop before handling');
        req.socket.destroy();
        return;
      }
      const burst = faults.burst429;
      if (burst && arrived % burst.everyMs < burst.lengthMs) {
        const withRetryAfter = this.burstParity++ % 2 === 0;
        this.count(this.stats.faults, withRetryAfter ? '429 with Retry-After' : '429 without Retry-After');
        setTimeout(() => send(res, 429, { message: 'Rate limit exceeded' }, withRetryAfter ? { 'Retry-After': '1' } : {}), latency);
        return;
      }
      if (faults.serverErrorRate && this.random() < faults.serverErrorRate) {
        const status = [500, 502, 503][Math.floor(this.random() * 3)];
        this.count(this.stats.faults, `${status}`);
        setTimeout(() => send(res, status, { message: 'Internal error' }), latency);
        return;
      }

      const isNotePost = route === 'POST /v3/notes';
      const after = isNotePost ? this.random() : 1;
      const answer = this.handle(route, url.searchParams, raw, req);
      const timeoutRate = faults.timeoutAfterStoreRate ?? 0;
      const dropRate = faults.dropAfterStoreRate ?? 0;
      const storedErrorRate = faults.serverErrorAfterStoreRate ?? 0;
      if (isNotePost && answer.status < 300 && after < timeoutRate) {
        this.count(this.stats.faults, 'timeout after storing');
        // The answer never comes; the socket goes when the hang is over (or at stop()).
        setTimeout(() => res.socket?.destroy(), this.options.hangMs ?? 10_000).unref();
        return;
      }
      if (isNotePost && answer.status < 300 && after < timeoutRate + dropRate) {
        this.count(this.stats.faults, 'drop after storing');
        setTimeout(() => res.socket?.destroy(), latency);
        return;
      }
      if (isNotePost && answer.status < 300 && after < timeoutRate + dropRate + storedErrorRate) {
        const status = this.random() < 0.5 ? 502 : 504;
        this.count(this.stats.faults, `${status} after storing`);
        setTimeout(() => send(res, status, { message: status === 502 ? 'Bad Gateway' : 'Gateway Timeout' }), latency);
        return;
      }
      setTimeout(() => send(res, answer.status, answer.body, answer.headers), latency);
    });
  }

  private handle(
    route: string,
    q: URLSearchParams,
    raw: string,
    req: IncomingMessage,
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    if (route === 'POST /token') return this.token(raw, req);
    const auth = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!auth || !this.tokens.has(auth)) return { status: 401, body: { message: 'Invalid or expired access token' } };
    const sub = this.tokens.get(auth) ?? null;
    switch (route) {
      case 'GET /v3/users': {
        const email = q.get('primary_email');
        const users = BENCH_OWNERS.filter((o) => !email || o.email === email.toLowerCase()).map((o) => ({
          id: o.id,
          name: o.name,
          primary_email: o.email,
          deactivated: false,
        }));
        return { status: 200, body: users };
      }
      case 'GET /v3/candidates': {
        const email = q.get('email');
        if (email) {
          const c = this.candidatesByEmail.get(email.toLowerCase());
          return { status: 200, body: c ? [toGreenhouseCandidate(c)] : [] };
        }
        // The listing: pages in id order, the next page's cursor in the Link header (as v3 does).
        const offset = Number(q.get('cursor') ?? 0) || 0;
        const perPage = Math.min(500, Number(q.get('per_page') ?? 100) || 100);
        const page = this.options.candidates.slice(offset, offset + perPage);
        const headers: Record<string, string> = {};
        if (offset + perPage < this.options.candidates.length) headers.Link = `<${this.baseUrl}/candidates?cursor=${offset + perPage}>; rel="next"`;
        return { status: 200, headers, body: page.map(toGreenhouseCandidate) };
      }
      case 'GET /v3/notes': {
        // The adapter sends `cursor` alone on later pages (as v3 requires): the cursor carries the filter.
        const cursor = q.get('cursor');
        const [idList, from] = cursor ? cursor.split('.') : [(q.get('candidate_ids') ?? '').replace(/,/g, '-'), '0'];
        const ids = idList.split('-').map(Number);
        const offset = Number(from);
        const perPage = Math.min(500, Number(q.get('per_page') ?? 100) || 100);
        const all = ids.flatMap((id) => this.notesByCandidate.get(id) ?? []).filter((n) => n.visibility !== 'private' || n.userId === sub);
        const page = all.slice(offset, offset + perPage);
        const headers: Record<string, string> = {};
        if (offset + perPage < all.length) headers.Link = `<${this.baseUrl}/notes?cursor=${idList}.${offset + perPage}>; rel="next"`;
        return {
          status: 200,
          headers,
          body: page.map((n) => ({ id: n.id, candidate_id: n.candidateId, user_id: n.userId, body: n.body, visibility: n.visibility })),
        };
      }
      case 'POST /v3/notes': {
        let b: Record<string, unknown>;
        try {
          b = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          return { status: 400, body: { message: 'invalid JSON' } };
        }
        const candidateId = b.candidate_id as number;
        if (!this.candidateIds.has(candidateId)) return { status: 404, body: { message: 'Resource not found' } };
        if (typeof b.body !== 'string' || !['private', 'public', 'admin_only'].includes(String(b.visibility))) {
          return { status: 422, body: { message: 'Validation error', errors: [{ message: 'bad note', field: 'body' }] } };
        }
        const eventId = MARKER.exec(b.body)?.[1] ?? null;
        const note: Note = {
          id: this.nextNoteId++,
          candidateId,
          userId: Number(b.user_id ?? sub),
          body: b.body,
          visibility: String(b.visibility),
          eventId,
        };
        const list = this.notesByCandidate.get(candidateId) ?? [];
        list.push(note);
        this.notesByCandidate.set(candidateId, list);
        if (eventId) this.notesByEvent.set(eventId, (this.notesByEvent.get(eventId) ?? 0) + 1);
        if (eventId && !this.noteStoredAt.has(eventId)) this.noteStoredAt.set(eventId, Date.now());
        this.stats.notes++;
        return {
          status: 201,
          body: { id: note.id, candidate_id: candidateId, user_id: note.userId, body: note.body, visibility: note.visibility, type: 'NOTE' },
        };
      }
      default:
        return { status: 404, body: { message: 'Resource not found' } };
    }
  }

  private token(raw: string, req: IncomingMessage): { status: number; body: unknown } {
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    if (id !== this.clientId || secret !== this.clientSecret) return { status: 401, body: { error: 'invalid_client' } };
    const form = new URLSearchParams(raw);
    const sub = form.get('sub');
    const token = `gh_${randomBytes(8).toString('hex')}`;
    this.tokens.set(token, sub ? Number(sub) : null);
    return {
      status: 200,
      body: { access_token: token, token_type: 'Bearer', expires_at: new Date(Date.now() + 3_600_000).toISOString() },
    };
  }
}

function toGreenhouseCandidate(c: BenchCandidate) {
  return {
    id: c.id,
    first_name: c.firstName,
    last_name: c.lastName,
    email_addresses: [{ value: c.email, type: 'personal' }],
    phone_numbers: [{ value: c.phone, type: 'mobile' }],
    application_ids: [],
    updated_at: new Date().toISOString(),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}
