import { randomBytes, randomUUID } from 'node:crypto';
import { FakeHttpServer, FakeResponse, RecordedRequest } from './fake-http-server';

/**
 * A local stand-in for the Lever Data API v1, behaving as documented: HTTP Basic with the API key as username and
 * an empty password, per-key permissions, `{data, hasNext, next}` lists continued with `offset=<next>`, epoch-ms
 * filters, notes on opportunities written `perform_as` a user (else as the key's owner), `secret` notes, and
 * `{code, message}` error bodies. Lever sends no rate-limit headers.
 */
export interface LvOpportunity {
  id: string;
  name: string;
  contact: string;
  emails: string[];
  phones: Array<{ type: string; value: string }>;
  createdAt: number;
  updatedAt: number;
  archived: { archivedAt: number; reason: string } | null;
}

export interface LvUser {
  id: string;
  name: string;
  email: string;
  accessRole: string;
  deactivatedAt: number | null;
}

export interface LvNote {
  id: string;
  opportunityId: string;
  text: string;
  fields: Array<{ type: string; text: string; value: string }>;
  user: string;
  secret: boolean;
  createdAt: number;
  deletedAt: number | null;
}

export const LEVER_PERMISSIONS = ['opportunities:read', 'users:read', 'notes:read', 'notes:write'];

interface OffsetState {
  items: unknown[];
  limit: number;
  route: string;
}

export class LeverFakeServer {
  readonly http = new FakeHttpServer((req) => this.handle(req));
  readonly opportunities: LvOpportunity[] = [];
  readonly users: LvUser[] = [];
  readonly notes: LvNote[] = [];
  permissions = new Set(LEVER_PERMISSIONS);

  private readonly offsets = new Map<string, OffsetState>();

  constructor(
    readonly apiKey = 'lever-key',
    /** The user the API key belongs to; notes without perform_as are written as this user. */
    readonly keyOwner = 'user-key-owner',
  ) {}

  get baseUrl(): string {
    return `${this.http.url}/v1`;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  private handle(req: RecordedRequest): FakeResponse {
    if (!this.authorised(req)) return { status: 401, body: { code: 'UnauthorizedError', message: 'Invalid API key' } };
    const p = req.path;
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && p === '/v1/opportunities') return this.allowed('opportunities:read', () => this.listOpportunities(req));
    if (req.method === 'GET' && (m = /^\/v1\/opportunities\/([^/]+)$/.exec(p))) {
      const id = decodeURIComponent(m[1]);
      return this.allowed('opportunities:read', () => this.getOpportunity(id));
    }
    if ((m = /^\/v1\/opportunities\/([^/]+)\/notes$/.exec(p))) {
      const id = decodeURIComponent(m[1]);
      if (req.method === 'GET') return this.allowed('notes:read', () => this.listNotes(req, id));
      if (req.method === 'POST') return this.allowed('notes:write', () => this.createNote(req, id));
    }
    if (req.method === 'DELETE' && (m = /^\/v1\/opportunities\/([^/]+)\/notes\/([^/]+)$/.exec(p))) {
      const opportunityId = decodeURIComponent(m[1]);
      const noteId = decodeURIComponent(m[2]);
      return this.allowed('notes:write', () => {
        const at = this.notes.findIndex((n) => n.opportunityId === opportunityId && n.id === noteId);
        if (at < 0) return notFound('Note');
        this.notes.splice(at, 1);
        return { status: 204, body: '' };
      });
    }
    if (req.method === 'GET' && p === '/v1/users') return this.allowed('users:read', () => this.listUsers(req));
    if (req.method === 'GET' && (m = /^\/v1\/users\/([^/]+)$/.exec(p))) {
      const id = decodeURIComponent(m[1]);
      return this.allowed('users:read', () => {
        const user = this.users.find((u) => u.id === id);
        return user ? { status: 200, body: { data: user } } : notFound('User');
      });
    }
    return { status: 404, body: { code: 'ResourceNotFound', message: `No route ${req.method} ${p}` } };
  }

  private authorised(req: RecordedRequest): boolean {
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!basic) return false;
    return Buffer.from(basic, 'base64').toString('utf8') === `${this.apiKey}:`;
  }

  private allowed(permission: string, run: () => FakeResponse): FakeResponse {
    if (!this.permissions.has(permission)) {
      return { status: 403, body: { code: 'ForbiddenError', message: `API key lacks ${permission}` } };
    }
    return run();
  }

  private listOpportunities(req: RecordedRequest): FakeResponse {
    return this.list(req, 'opportunities', (q) => {
      let items = [...this.opportunities];
      const emails = q.getAll('email').map((e) => e.toLowerCase());
      if (emails.length) items = items.filter((o) => o.emails.some((e) => emails.includes(e.toLowerCase())));
      const contact = q.get('contact_id');
      if (contact) items = items.filter((o) => o.contact === contact);
      const start = q.get('updated_at_start');
      if (start !== null) {
        if (!/^\d+$/.test(start)) return 'updated_at_start must be a timestamp in milliseconds';
        items = items.filter((o) => o.updatedAt >= Number(start));
      }
      return items;
    });
  }

  private getOpportunity(id: string): FakeResponse {
    const o = this.opportunities.find((x) => x.id === id);
    return o ? { status: 200, body: { data: o } } : notFound('Opportunity');
  }

  private listUsers(req: RecordedRequest): FakeResponse {
    return this.list(req, 'users', (q) => {
      let items = q.get('includeDeactivated') === 'true' ? [...this.users] : this.users.filter((u) => !u.deactivatedAt);
      const email = q.get('email');
      if (email) items = items.filter((u) => u.email.toLowerCase() === email.toLowerCase());
      return items;
    });
  }

  private listNotes(req: RecordedRequest, opportunityId: string): FakeResponse {
    if (!this.opportunities.some((o) => o.id === opportunityId)) return notFound('Opportunity');
    return this.list(req, `notes:${opportunityId}`, () =>
      this.notes.filter((n) => n.opportunityId === opportunityId).map(({ opportunityId: _, ...n }) => n),
    );
  }

  private createNote(req: RecordedRequest, opportunityId: string): FakeResponse {
    if (!String(req.headers['content-type'] ?? '').includes('application/json')) {
      return { status: 400, body: { code: 'BadRequestError', message: 'Expected a JSON body' } };
    }
    if (!this.opportunities.some((o) => o.id === opportunityId)) return notFound('Opportunity');
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b.value !== 'string' || b.value === '') {
      return { status: 400, body: { code: 'BadRequestError', message: '"value" is required' } };
    }
    if (b.secret !== undefined && typeof b.secret !== 'boolean') {
      return { status: 400, body: { code: 'BadRequestError', message: '"secret" must be a boolean' } };
    }
    const performAs = req.query.get('perform_as');
    if (performAs !== null && !this.users.some((u) => u.id === performAs && !u.deactivatedAt)) {
      return { status: 400, body: { code: 'BadRequestError', message: `perform_as user ${performAs} not found` } };
    }
    const note: LvNote = {
      id: randomUUID(),
      opportunityId,
      text: b.value,
      fields: [{ type: 'note', text: '', value: b.value }],
      user: performAs ?? this.keyOwner,
      secret: b.secret === true,
      createdAt: Date.now(),
      deletedAt: null,
    };
    this.notes.push(note);
    return { status: 201, body: { data: { noteId: note.id } } };
  }

  /** Lever pagination: `limit` (1-100) and an opaque `next` handed back as `offset`. */
  private list(req: RecordedRequest, route: string, select: (q: URLSearchParams) => unknown[] | string): FakeResponse {
    const limit = Number(req.query.get('limit') ?? '100');
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return { status: 400, body: { code: 'BadRequestError', message: 'limit must be between 1 and 100' } };
    }
    let items: unknown[];
    const offset = req.query.get('offset');
    if (offset !== null) {
      const state = this.offsets.get(offset);
      if (!state || state.route !== route) return { status: 400, body: { code: 'BadRequestError', message: 'Invalid offset' } };
      this.offsets.delete(offset);
      items = state.items;
    } else {
      const selected = select(req.query);
      if (typeof selected === 'string') return { status: 400, body: { code: 'BadRequestError', message: selected } };
      items = selected;
    }
    const page = items.slice(0, limit);
    const rest = items.slice(limit);
    if (!rest.length) return { status: 200, body: { data: page, hasNext: false } };
    const next = randomBytes(6).toString('hex');
    this.offsets.set(next, { items: rest, limit, route });
    return { status: 200, body: { data: page, hasNext: true, next } };
  }
}

function notFound(what: string): FakeResponse {
  return { status: 404, body: { code: 'ResourceNotFound', message: `${what} not found` } };
}
