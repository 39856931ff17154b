import { randomBytes } from 'node:crypto';
import { FakeHttpServer, FakeResponse, RecordedRequest } from './fake-http-server';

/**
 * A local stand-in for Greenhouse Harvest v3 and its OAuth token endpoint, behaving as documented:
 * client-credentials tokens with `sub` as the acting user and an ISO `expires_at`, bearer auth, per-scope
 * permissions, cursor pagination through `Link` where `cursor` must be the only parameter, private notes
 * visible to their author only, v1-style error bodies, and `X-RateLimit-*` headers on successes only.
 */
export interface GhCandidate {
  id: number;
  first_name: string;
  last_name: string;
  email_addresses: Array<{ value: string; type: string }>;
  phone_numbers: Array<{ value: string; type: string }>;
  application_ids: number[];
  updated_at: string;
}

export interface GhUser {
  id: number;
  name: string;
  first_name: string;
  last_name: string;
  primary_email: string;
  deactivated: boolean;
}

export interface GhNote {
  id: number;
  candidate_id: number;
  application_id: number | null;
  user_id: number;
  body: string;
  visibility: string;
  type: string;
  created_at: string;
  updated_at: string;
}

export const GREENHOUSE_SCOPES = [
  'harvest:candidates:list',
  'harvest:users:list',
  'harvest:notes:list',
  'harvest:notes:create',
];

const VISIBILITIES = ['admin_only', 'private', 'public'];
const NOTE_TYPES = ['NOTE', 'ACTIVITY', 'EMAIL'];

interface GrantedToken {
  sub: number | null;
  expiresAt: number;
}

interface CursorState {
  items: unknown[];
  perPage: number;
  path: string;
}

export class GreenhouseFakeServer {
  readonly http = new FakeHttpServer((req) => this.handle(req));
  readonly candidates: GhCandidate[] = [];
  readonly users: GhUser[] = [];
  readonly notes: GhNote[] = [];
  /** Scopes granted to the credential; remove one to see the ATS refuse. */
  scopes = new Set(GREENHOUSE_SCOPES);
  /** Whether the token answer carries `scope` (Greenhouse does not promise it). */
  reportScope = true;
  tokenTtlSeconds = 3600;
  /** Candidate id → users who may not see that candidate (Greenhouse refuses their notes on it with 403). */
  readonly hiddenFrom = new Map<number, Set<number>>();
  tokensGranted = 0;

  private readonly tokens = new Map<string, GrantedToken>();
  private readonly cursors = new Map<string, CursorState>();
  private nextNoteId = 9000;

  constructor(
    readonly clientId = 'gh-client',
    readonly clientSecret = 'gh-secret',
  ) {}

  get url(): string {
    return this.http.url;
  }

  get baseUrl(): string {
    return `${this.http.url}/v3`;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  hideCandidateFrom(userId: number, candidateId: number): void {
    this.hiddenFrom.set(candidateId, new Set([...(this.hiddenFrom.get(candidateId) ?? []), userId]));
  }

  /** Server-side revocation/expiry of every token granted so far. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  private handle(req: RecordedRequest): FakeResponse {
    if (req.method === 'POST' && req.path === '/token') return this.token(req);
    if (!req.path.startsWith('/v3/')) return { status: 404, body: { message: 'Resource not found' } };

    const token = this.bearer(req);
    if (!token) return { status: 401, body: { message: 'Invalid or expired access token' } };

    const route = `${req.method} ${req.path}`;
    switch (route) {
      case 'GET /v3/candidates':
        return this.scoped('harvest:candidates:list', () => this.listCandidates(req));
      case 'GET /v3/users':
        return this.scoped('harvest:users:list', () => this.listUsers(req));
      case 'GET /v3/notes':
        return this.scoped('harvest:notes:list', () => this.listNotes(req, token));
      case 'POST /v3/notes':
        return this.scoped('harvest:notes:create', () => this.createNote(req, token));
      default:
        return { status: 404, body: { message: 'Resource not found' } };
    }
  }

  private token(req: RecordedRequest): FakeResponse {
    if (!String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
      return { status: 400, body: { error: 'invalid_request', error_description: 'form body expected' } };
    }
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    if (id !== this.clientId || secret !== this.clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    }
    const form = (req.body ?? {}) as Record<string, string>;
    if (form.grant_type !== 'client_credentials') {
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    }
    let sub: number | null = null;
    if (form.sub !== undefined) {
      const user = this.users.find((u) => String(u.id) === form.sub && !u.deactivated);
      if (!user) return { status: 400, body: { error: 'invalid_grant', error_description: 'sub is not an active user' } };
      sub = user.id;
    }
    const accessToken = `gh_${randomBytes(8).toString('hex')}`;
    const expiresAt = Date.now() + this.tokenTtlSeconds * 1000;
    this.tokens.set(accessToken, { sub, expiresAt });
    this.tokensGranted += 1;
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_at: new Date(expiresAt).toISOString(),
        ...(this.reportScope ? { scope: [...this.scopes].join(' ') } : {}),
      },
    };
  }

  /** The `sub` of every token request, in order (null when none was sent). */
  tokenSubs(): Array<number | null> {
    return this.http.requests
      .filter((r) => r.path === '/token')
      .map((r) => {
        const sub = (r.body as Record<string, string> | undefined)?.sub;
        return sub === undefined ? null : Number(sub);
      });
  }

  private bearer(req: RecordedRequest): GrantedToken | null {
    const value = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const token = value ? this.tokens.get(value) : undefined;
    if (!token || token.expiresAt <= Date.now()) return null;
    return token;
  }

  private scoped(scope: string, run: () => FakeResponse): FakeResponse {
    if (!this.scopes.has(scope)) {
      return { status: 403, body: { message: `This API credential does not have the ${scope} scope` } };
    }
    const response = run();
    if (response.status < 400) {
      response.headers = { ...response.headers, 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '49' };
    }
    return response;
  }

  private listCandidates(req: RecordedRequest): FakeResponse {
    return this.page(req, '/v3/candidates', (q) => {
      let items = [...this.candidates];
      const email = q.get('email');
      if (email) {
        items = items.filter((c) => c.email_addresses.some((e) => e.value.toLowerCase() === email.toLowerCase()));
      }
      const updated = q.get('updated_at');
      if (updated) {
        const [op, at] = updated.split('|');
        if (op !== 'gte' || Number.isNaN(Date.parse(at))) return 'updated_at must look like gte|<ISO 8601>';
        items = items.filter((c) => Date.parse(c.updated_at) >= Date.parse(at));
      }
      return items;
    });
  }

  private listUsers(req: RecordedRequest): FakeResponse {
    return this.page(req, '/v3/users', (q) => {
      let items = [...this.users];
      const email = q.get('primary_email');
      if (email) items = items.filter((u) => u.primary_email.toLowerCase() === email.toLowerCase());
      const ids = q.get('ids');
      if (ids) items = items.filter((u) => ids.split(',').includes(String(u.id)));
      return items;
    });
  }

  private listNotes(req: RecordedRequest, token: GrantedToken): FakeResponse {
    return this.page(req, '/v3/notes', (q) => {
      let items = this.notes.filter((n) => n.visibility !== 'private' || n.user_id === token.sub);
      const ids = q.get('candidate_ids');
      if (ids) items = items.filter((n) => ids.split(',').includes(String(n.candidate_id)));
      return items;
    });
  }

  private createNote(req: RecordedRequest, token: GrantedToken): FakeResponse {
    if (!String(req.headers['content-type'] ?? '').includes('application/json')) {
      return { status: 415, body: { message: 'Content-Type must be application/json' } };
    }
    const b = (req.body ?? {}) as Record<string, unknown>;
    const errors: Array<{ message: string; field: string }> = [];
    if (typeof b.body !== 'string' || b.body === '') errors.push({ message: 'Missing required field: body', field: 'body' });
    if (!VISIBILITIES.includes(String(b.visibility))) {
      errors.push({ message: `Must be one of: ${VISIBILITIES.join(', ')}`, field: 'visibility' });
    }
    if (!NOTE_TYPES.includes(String(b.note_type))) {
      errors.push({ message: `Must be one of: ${NOTE_TYPES.join(', ')}`, field: 'note_type' });
    }
    if (!Number.isInteger(b.candidate_id)) errors.push({ message: 'Must be an integer', field: 'candidate_id' });
    if (b.user_id !== undefined && !Number.isInteger(b.user_id)) errors.push({ message: 'Must be an integer', field: 'user_id' });
    if (errors.length) return { status: 422, body: { message: 'Validation error', errors } };
    if (!this.candidates.some((c) => c.id === b.candidate_id)) {
      return { status: 404, body: { message: 'Resource not found' } };
    }
    if (token.sub !== null && this.hiddenFrom.get(b.candidate_id as number)?.has(token.sub)) {
      return { status: 403, body: { message: 'The acting user does not have access to this candidate' } };
    }
    const author = (b.user_id as number | undefined) ?? token.sub;
    if (author === null || !this.users.some((u) => u.id === author && !u.deactivated)) {
      return { status: 422, body: { message: 'Validation error', errors: [{ message: 'Unknown user', field: 'user_id' }] } };
    }
    const now = new Date().toISOString();
    const note: GhNote = {
      id: this.nextNoteId++,
      candidate_id: b.candidate_id as number,
      application_id: null,
      user_id: author,
      body: b.body as string,
      visibility: b.visibility as string,
      type: b.note_type as string,
      created_at: now,
      updated_at: now,
    };
    this.notes.push(note);
    return { status: 201, body: note };
  }

  /** Cursor pagination as v3 does it: filters on the first request only, then `cursor` alone. */
  private page(req: RecordedRequest, path: string, select: (q: URLSearchParams) => unknown[] | string): FakeResponse {
    const cursor = req.query.get('cursor');
    let state: CursorState;
    if (cursor !== null) {
      if ([...req.query.keys()].some((k) => k !== 'cursor')) {
        return {
          status: 422,
          body: { message: 'Validation error', errors: [{ message: 'cursor must be the only parameter', field: 'cursor' }] },
        };
      }
      const found = this.cursors.get(cursor);
      if (!found || found.path !== path) {
        return { status: 422, body: { message: 'Validation error', errors: [{ message: 'Invalid cursor', field: 'cursor' }] } };
      }
      this.cursors.delete(cursor);
      state = found;
    } else {
      const perPage = Number(req.query.get('per_page') ?? '100');
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > 500) {
        return { status: 422, body: { message: 'Validation error', errors: [{ message: 'Must be 1-500', field: 'per_page' }] } };
      }
      const items = select(req.query);
      if (typeof items === 'string') {
        return { status: 422, body: { message: 'Validation error', errors: [{ message: items, field: 'query' }] } };
      }
      state = { items, perPage, path };
    }
    const pageItems = state.items.slice(0, state.perPage);
    const rest = state.items.slice(state.perPage);
    const headers: Record<string, string> = {};
    if (rest.length) {
      const next = randomBytes(6).toString('hex');
      this.cursors.set(next, { ...state, items: rest });
      headers.Link = `<${this.http.url}${path}?cursor=${next}>; rel="next"`;
    }
    return { status: 200, headers, body: pageItems };
  }
}
