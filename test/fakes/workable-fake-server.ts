import { randomBytes } from 'node:crypto';
import { FakeHttpServer, FakeResponse, RecordedRequest } from './fake-http-server';

/**
 * A local stand-in for Workable SPI v3, behaving as documented: bearer token with scopes, one candidate record per
 * job, `paging.next` URLs built on `since_id`, `updated_after` as ISO 8601, comments authored by a `member_id` with a
 * role `policy`, a 201 with no body on success, `X-Rate-Limit-*` headers on every answer, and a rolling request
 * window answered with 429 (reset header, no Retry-After) when exceeded.
 */
export interface WkCandidate {
  id: string;
  name: string;
  firstname: string;
  lastname: string;
  email: string;
  phone: string;
  job: { shortcode: string; title: string };
  stage: string;
  created_at: string;
  updated_at: string;
}

export interface WkMember {
  id: string;
  name: string;
  email: string;
  role: string;
  active: boolean;
}

export interface WkComment {
  id: string;
  candidateId: string;
  member_id: string;
  body: string;
  policy: string[] | null;
  created_at: string;
}

export interface WkActivity {
  id: string;
  candidateId: string;
  action: string;
  created_at: string;
}

export const WORKABLE_ROLES = ['admin', 'recruiting_admin', 'hiring_manager', 'simple', 'reviewer', 'recruiter'];

export class WorkableFakeServer {
  readonly http = new FakeHttpServer((req) => this.handle(req));
  readonly candidates: WkCandidate[] = [];
  readonly members: WkMember[] = [];
  readonly comments: WkComment[] = [];
  /** The rest of a candidate's activity stream (stage moves, e-mails, ratings), oldest first like the comments. */
  readonly otherActivities: WkActivity[] = [];
  scopes = new Set(['r_candidates', 'w_candidates', 'r_jobs']);
  /** Requests allowed per window; the documented account-token limit is 10 per 10 s. */
  window = { limit: 1000, ms: 10_000 };
  rateLimited = 0;

  private windowStart = 0;
  private windowCount = 0;

  constructor(readonly token = 'wk-token') {}

  get baseUrl(): string {
    return `${this.http.url}/spi/v3`;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  private handle(req: RecordedRequest): FakeResponse {
    const rate = this.countRequest();
    const response = this.route(req, rate.exceeded);
    response.headers = { ...response.headers, ...rate.headers };
    return response;
  }

  private countRequest(): { exceeded: boolean; headers: Record<string, string> } {
    const now = Date.now();
    if (now - this.windowStart >= this.window.ms) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    const exceeded = this.windowCount > this.window.limit;
    return {
      exceeded,
      headers: {
        'X-Rate-Limit-Limit': String(this.window.limit),
        'X-Rate-Limit-Remaining': String(Math.max(0, this.window.limit - this.windowCount)),
        'X-Rate-Limit-Reset': String(Math.ceil((this.windowStart + this.window.ms) / 1000)),
      },
    };
  }

  private route(req: RecordedRequest, exceeded: boolean): FakeResponse {
    if (String(req.headers.authorization ?? '') !== `Bearer ${this.token}`) {
      return { status: 401, body: { error: 'Not authorized' } };
    }
    if (exceeded) {
      this.rateLimited += 1;
      return { status: 429, body: { error: 'Rate limit exceeded' } };
    }
    const p = req.path;
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && p === '/spi/v3/candidates') return this.scoped('r_candidates', () => this.listCandidates(req));
    // Listing members is under the jobs scope (the README names it).
    if (req.method === 'GET' && p === '/spi/v3/members') return this.scoped('r_jobs', () => this.listMembers(req));
    if (req.method === 'GET' && (m = /^\/spi\/v3\/candidates\/([^/]+)\/activities$/.exec(p))) {
      const id = decodeURIComponent(m[1]);
      return this.scoped('r_candidates', () => this.activities(req, id));
    }
    if (req.method === 'POST' && (m = /^\/spi\/v3\/candidates\/([^/]+)\/comments$/.exec(p))) {
      const id = decodeURIComponent(m[1]);
      return this.scoped(['w_candidates', 'w_comments'], () => this.comment(req, id));
    }
    return { status: 404, body: { error: 'Not found' } };
  }

  private scoped(scope: string | string[], run: () => FakeResponse): FakeResponse {
    const needed = Array.isArray(scope) ? scope : [scope];
    if (!needed.some((s) => this.scopes.has(s))) {
      return { status: 403, body: { error: `Forbidden: the token lacks ${needed.join(' or ')}` } };
    }
    return run();
  }

  private listCandidates(req: RecordedRequest): FakeResponse {
    const q = req.query;
    let items = [...this.candidates];
    const email = q.get('email');
    if (email) items = items.filter((c) => c.email.toLowerCase() === email.toLowerCase());
    const updatedAfter = q.get('updated_after');
    if (updatedAfter !== null) {
      if (Number.isNaN(Date.parse(updatedAfter))) return { status: 422, body: { error: 'updated_after must be an ISO 8601 date' } };
      items = items.filter((c) => Date.parse(c.updated_at) > Date.parse(updatedAfter));
    }
    return this.page(req, '/spi/v3/candidates', 'candidates', items);
  }

  private listMembers(req: RecordedRequest): FakeResponse {
    let items = [...this.members];
    const email = req.query.get('email');
    if (email) items = items.filter((m) => m.email.toLowerCase() === email.toLowerCase());
    const name = req.query.get('name');
    if (name) items = items.filter((m) => m.name.toLowerCase() === name.toLowerCase());
    return this.page(req, '/spi/v3/members', 'members', items);
  }

  /**
   * The stream oldest first, paged like every list (`limit` default 50, `since_id`, `paging.next`), filtered by
   * `actions` (comma list) and `updated_after` (equal or later) as Workable's candidate-activities reference lists.
   */
  private activities(req: RecordedRequest, candidateId: string): FakeResponse {
    if (!this.candidates.some((c) => c.id === candidateId)) return { status: 404, body: { error: 'Not found' } };
    const comments = this.comments
      .filter((c) => c.candidateId === candidateId)
      .map((c) => ({
        id: c.id,
        action: 'comment',
        stage_name: 'Interview',
        created_at: c.created_at,
        updated_at: c.created_at,
        body: c.body,
        member: { id: c.member_id, name: this.members.find((m) => m.id === c.member_id)?.name ?? null },
      }));
    const others = this.otherActivities
      .filter((a) => a.candidateId === candidateId)
      .map((a) => ({ id: a.id, action: a.action, stage_name: null, created_at: a.created_at, updated_at: a.created_at, body: null, member: null }));
    let stream = [...comments, ...others].sort((x, y) => x.created_at.localeCompare(y.created_at));
    const actions = req.query.get('actions');
    if (actions !== null) {
      const wanted = actions.split(',').map((a) => a.trim());
      stream = stream.filter((a) => wanted.includes(a.action));
    }
    const updatedAfter = req.query.get('updated_after');
    if (updatedAfter !== null) {
      if (Number.isNaN(Date.parse(updatedAfter))) return { status: 422, body: { error: 'updated_after must be an ISO 8601 date' } };
      stream = stream.filter((a) => Date.parse(a.updated_at) >= Date.parse(updatedAfter));
    }
    return this.page(req, `/spi/v3/candidates/${candidateId}/activities`, 'activities', stream);
  }

  private comment(req: RecordedRequest, candidateId: string): FakeResponse {
    if (!String(req.headers['content-type'] ?? '').includes('application/json')) {
      return { status: 415, body: { error: 'Unsupported media type' } };
    }
    if (!this.candidates.some((c) => c.id === candidateId)) return { status: 404, body: { error: 'Not found' } };
    const b = (req.body ?? {}) as { member_id?: unknown; comment?: { body?: unknown; policy?: unknown } };
    const errors: Record<string, string[]> = {};
    if (!this.members.some((m) => m.id === b.member_id && m.active)) errors.member_id = ['is invalid'];
    if (typeof b.comment?.body !== 'string' || b.comment.body === '') errors.body = ["can't be blank"];
    const policy = b.comment?.policy;
    if (policy !== undefined && (!Array.isArray(policy) || policy.some((r) => !WORKABLE_ROLES.includes(String(r))))) {
      errors.policy = [`must be a list of: ${WORKABLE_ROLES.join(', ')}`];
    }
    if (Object.keys(errors).length) return { status: 422, body: { error: 'Validation Failed', validation_errors: errors } };
    this.comments.push({
      id: randomBytes(4).toString('hex'),
      candidateId,
      member_id: b.member_id as string,
      body: b.comment!.body as string,
      policy: (policy as string[] | undefined) ?? null,
      created_at: new Date().toISOString(),
    });
    return { status: 201 };
  }

  /** Workable pagination: `limit` (1-100), `since_id`, and a full `paging.next` URL while more remain. */
  private page(req: RecordedRequest, path: string, key: string, items: Array<{ id: string }>): FakeResponse {
    const limit = Number(req.query.get('limit') ?? '50');
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return { status: 422, body: { error: 'limit must be between 1 and 100' } };
    }
    const sinceId = req.query.get('since_id');
    const start = sinceId === null ? 0 : items.findIndex((i) => i.id === sinceId) + 1;
    const page = items.slice(start, start + limit);
    const body: Record<string, unknown> = { [key]: page };
    if (start + limit < items.length) {
      const next = new URLSearchParams(req.query);
      next.set('since_id', page[page.length - 1].id);
      body.paging = { next: `${this.http.url}${path}?${next.toString()}` };
    }
    return { status: 200, body };
  }
}
