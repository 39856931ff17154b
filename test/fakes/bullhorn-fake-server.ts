import { randomUUID } from 'node:crypto';
import { FakeHttpServer, FakeResponse, RecordedRequest } from './fake-http-server';

export interface FakeBullhornCandidate {
  id: number;
  firstName: string;
  lastName: string;
  email?: string;
  email2?: string;
  email3?: string;
  phone?: string;
  mobile?: string;
  phone2?: string;
  phone3?: string;
  workPhone?: string;
  isDeleted: boolean;
  dateAdded: number;
  dateLastModified: number;
}

export interface FakeCorporateUser {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  username: string;
  enabled: boolean;
  isDeleted: boolean;
}

export interface FakeBullhornNote {
  id: number;
  personReference: { id: number };
  commentingPerson: { id: number };
  action: string | null;
  comments: string;
  externalID: string | null;
  isDeleted: boolean;
  dateAdded: number;
}

const CORP = 'corp1';
const CANDIDATE_FIELDS = new Set([
  'id', 'firstName', 'lastName', 'name', 'email', 'email2', 'email3', 'phone', 'mobile', 'phone2', 'phone3',
  'workPhone', 'isDeleted', 'dateAdded', 'dateLastModified',
]);
const USER_FIELDS = new Set(['id', 'firstName', 'lastName', 'name', 'email', 'username', 'enabled', 'isDeleted']);
const NOTE_FIELDS = new Set(['id', 'externalID', 'action', 'isDeleted', 'personReference', 'commentingPerson', 'comments', 'dateAdded']);
const NOTE_WRITABLE = new Set(['personReference', 'commentingPerson', 'action', 'comments', 'externalID', 'dateAdded', 'minutesSpent', 'jobOrder']);

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * A local stand-in for Bullhorn: data-centre discovery (`/rest-services/loginInfo`, and a 307 to the tenant's
 * data centre for sign-in requests sent to another), the OAuth server-side login (authorize → 302 with code, token with rotating
 * refresh tokens, 10-minute access tokens), REST `/login` → BhRestToken + restUrl, session errors (412 when
 * the token is missing, 401 when it is bad or expired), Lucene `search/Candidate` over phones as typed,
 * JPQL `query/{Entity}` (AND, OR, parentheses; start/count), `PUT entity/Note` (PUT creates), `ratelimit-*` headers and Bullhorn's error bodies.
 */
export class BullhornFakeServer {
  readonly http = new FakeHttpServer((req) => this.handle(req));
  readonly client = { id: 'bh-client-id', secret: 'bh-client-secret' };
  readonly apiUser = { username: 'debrief.api', password: 'correct horse' };
  /** What the token endpoint reports as `expires_in`. */
  accessTokenSeconds = 600;
  sessionLifetimeMs = 10 * 60_000;
  commentActionList: string[] = ['Call', 'Email', 'Meeting', 'Interview'];
  readonly candidates: FakeBullhornCandidate[] = [];
  readonly users: FakeCorporateUser[] = [];
  readonly notes: FakeBullhornNote[] = [];
  /** CorporateUser id of the API user (the default commenting person). */
  apiUserId = 1;
  /**
   * The path prefix of the data centre the tenant lives in ('' = this server's root). Sign-in requests sent to
   * the root while the tenant lives elsewhere are answered with a 307 to the same request there.
   */
  dataCentre = '';
  /** Where those 307s point, when not at this server (a host the client must refuse). */
  redirectOrigin: string | null = null;
  private readonly codes = new Set<string>();
  private readonly accessTokens = new Set<string>();
  private readonly refreshTokens = new Set<string>();
  private readonly sessions = new Set<string>();
  private nextNoteId = 5000;

  get url(): string {
    return this.http.url;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  addCandidate(c: Partial<FakeBullhornCandidate> & { id: number; firstName: string; lastName: string }): FakeBullhornCandidate {
    const now = Date.now();
    const record: FakeBullhornCandidate = { isDeleted: false, dateAdded: now, dateLastModified: now, ...c };
    this.candidates.push(record);
    return record;
  }

  addUser(u: Partial<FakeCorporateUser> & { id: number; email: string }): FakeCorporateUser {
    const record: FakeCorporateUser = {
      firstName: 'Corp',
      lastName: `User${u.id}`,
      username: u.email.split('@')[0],
      enabled: true,
      isDeleted: false,
      ...u,
    };
    this.users.push(record);
    return record;
  }

  /** Every BhRestToken stops working, as after Bullhorn's session timeout. */
  expireSessions(): void {
    this.sessions.clear();
  }

  /** Every access token stops working (they live 10 minutes). */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  /** Refresh tokens die when another client refreshes or the API user's password changes. */
  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  notesOf(candidateId: number): FakeBullhornNote[] {
    return this.notes.filter((n) => n.personReference.id === candidateId);
  }

  /** The tenant moves to another data centre (its tokens and sessions stay valid, as Bullhorn's do). */
  moveTo(dataCentre: string): void {
    this.dataCentre = dataCentre;
  }

  /** Authorize calls the tenant's data centre answered (not the ones redirected there). */
  authorizeCalls(): RecordedRequest[] {
    return this.http.received('GET', `${this.dataCentre}/oauth/authorize`);
  }

  tokenGrants(): string[] {
    return this.http.received('POST', `${this.dataCentre}/oauth/token`).map((r) => r.query.get('grant_type') ?? '');
  }

  loginCalls(): RecordedRequest[] {
    return this.http.requests.filter((r) => r.path === `${this.dataCentre}/rest-services/login`);
  }

  loginInfoCalls(): RecordedRequest[] {
    return this.http.received('GET', '/rest-services/loginInfo');
  }

  /** Every sign-in request in arrival order, as `METHOD path`, redirected ones included. */
  signInPaths(): string[] {
    return this.http.requests
      .filter((r) => /\/(oauth\/(authorize|token)|rest-services\/(login|loginInfo))$/.test(r.path))
      .map((r) => `${r.method} ${r.path}`);
  }

  restCalls(method: string, path: string): RecordedRequest[] {
    return this.http.received(method, `${this.dataCentre}/rest-services/${CORP}/${path}`);
  }

  private handle(req: RecordedRequest): FakeResponse {
    try {
      if (req.path === '/rest-services/loginInfo') return this.loginInfo(req);
      const dc = this.dataCentre;
      for (const endpoint of ['/oauth/authorize', '/oauth/token', '/rest-services/login']) {
        if (dc !== '' && req.path === endpoint) return this.redirect(req);
      }
      if (req.path === `${dc}/oauth/authorize`) return this.authorize(req);
      if (req.path === `${dc}/oauth/token`) return this.token(req);
      if (req.path === `${dc}/rest-services/login`) return this.login(req);
      const prefix = `${dc}/rest-services/${CORP}/`;
      if (req.path.startsWith(prefix)) return this.rest(req, req.path.slice(prefix.length));
      if (req.path.includes(`/rest-services/${CORP}/`)) {
        // A session opened in the data centre the tenant has left is not known where it lives now.
        return { status: 401, body: { errorMessage: "Bad 'BhRestToken' or timed-out.", errorMessageKey: 'errors.authentication.invalidRestToken', errorCode: 401 } };
      }
      return { status: 404, body: { errorMessage: `No resource at ${req.path}`, errorCode: 404 } };
    } catch (err) {
      if (err instanceof BadRequest) {
        return this.withRateHeaders({
          status: err.status,
          body: { errorMessage: err.message, errorMessageKey: 'errors.badRequest', errorCode: err.status },
        });
      }
      throw err;
    }
  }

  /**
   * `loginInfo` for the API user: the data centre's OAuth and REST bases, shaped as Bullhorn's (`…/oauth`,
   * `…/rest-services`). Bullhorn does not document its answer for an unknown user; here it names no URLs.
   */
  private loginInfo(req: RecordedRequest): FakeResponse {
    if (req.method !== 'GET') return { status: 405, body: { errorMessage: 'GET required', errorCode: 405 } };
    if (req.query.get('username') !== this.apiUser.username) return { status: 200, body: {} };
    const base = `${this.url}${this.dataCentre}`;
    return {
      status: 200,
      body: {
        oauthUrl: `${base}/oauth`,
        restUrl: `${base}/rest-services`,
        atsUrl: 'https://cls.bullhornstaffing.invalid',
        coreUrl: 'https://cls.bullhornstaffing.invalid/core',
        samlUrl: 'https://auth.bullhornstaffing.invalid/saml',
      },
    };
  }

  /** A sign-in request sent to the wrong data centre: 307 to the same request (method, query) at the tenant's. */
  private redirect(req: RecordedRequest): FakeResponse {
    const target = new URL(`${this.redirectOrigin ?? this.url}${this.dataCentre}${req.path}`);
    target.search = req.query.toString();
    return { status: 307, headers: { Location: target.toString() } };
  }

  private authorize(req: RecordedRequest): FakeResponse {
    const q = req.query;
    if (req.method !== 'GET') return { status: 405, body: 'Method Not Allowed' };
    if (q.get('client_id') !== this.client.id) return { status: 400, body: { error: 'invalid_client', error_description: 'Invalid client_id' } };
    const redirect = q.get('redirect_uri') ?? 'https://www.bullhorn.com/';
    if (q.get('response_type') !== 'code') {
      return { status: 302, headers: { Location: `${redirect}?error=unsupported_response_type` } };
    }
    if (q.get('action') !== 'Login' || q.get('username') !== this.apiUser.username || q.get('password') !== this.apiUser.password) {
      // Bullhorn shows its login form again rather than an error status.
      return { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html><body><form id="login">Invalid credentials</form></body></html>' };
    }
    const code = `22:${randomUUID()}`;
    this.codes.add(code);
    const location = new URL(redirect);
    location.searchParams.set('code', code);
    location.searchParams.set('client_id', this.client.id);
    return { status: 302, headers: { Location: location.toString() } };
  }

  private token(req: RecordedRequest): FakeResponse {
    if (req.method !== 'POST') return { status: 405, body: { error: 'invalid_request', error_description: 'POST required' } };
    const form = req.body && typeof req.body === 'object' ? (req.body as Record<string, string>) : {};
    const param = (k: string) => req.query.get(k) ?? form[k] ?? null;
    if (param('client_id') !== this.client.id || param('client_secret') !== this.client.secret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    }
    const grant = param('grant_type');
    if (grant === 'authorization_code') {
      const code = param('code') ?? '';
      if (!this.codes.delete(code)) return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid, expired, or revoked authorization code.' } };
    } else if (grant === 'refresh_token') {
      const refresh = param('refresh_token') ?? '';
      if (!this.refreshTokens.delete(refresh)) {
        return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid, expired, or revoked refresh token.' } };
      }
    } else {
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    }
    const access = `at:${randomUUID()}`;
    const refresh = `rt:${randomUUID()}`;
    this.accessTokens.add(access);
    this.refreshTokens.add(refresh);
    return { status: 200, body: { access_token: access, token_type: 'Bearer', expires_in: this.accessTokenSeconds, refresh_token: refresh } };
  }

  private login(req: RecordedRequest): FakeResponse {
    if (!req.query.get('version')) return { status: 400, body: { errorMessage: 'version is required', errorCode: 400 } };
    const token = req.query.get('access_token') ?? '';
    if (!this.accessTokens.has(token)) {
      return { status: 401, body: { errorMessage: 'Invalid or expired OAuth access token.', errorMessageKey: 'errors.authentication.invalidOAuthToken', errorCode: 401 } };
    }
    const session = randomUUID();
    this.sessions.add(session);
    return { status: 200, body: { BhRestToken: session, restUrl: `${this.url}${this.dataCentre}/rest-services/${CORP}/` } };
  }

  private rest(req: RecordedRequest, path: string): FakeResponse {
    const raw = req.headers.bhresttoken ?? req.query.get('BhRestToken') ?? undefined;
    const token = Array.isArray(raw) ? raw[0] : raw;
    if (!token) {
      return { status: 412, body: { errorMessage: "Missing 'BhRestToken' in request", errorMessageKey: 'errors.authentication.missingRestToken', errorCode: 412 } };
    }
    if (!this.sessions.has(token)) {
      return { status: 401, body: { errorMessage: "Bad 'BhRestToken' or timed-out.", errorMessageKey: 'errors.authentication.invalidRestToken', errorCode: 401 } };
    }
    const key = `${req.method} ${path}`;
    let response: FakeResponse;
    if (key === 'GET ping') response = { status: 200, body: { sessionExpires: Date.now() + this.sessionLifetimeMs } };
    else if (key === 'GET search/Candidate') response = this.searchCandidates(req);
    else if (key === 'GET query/CorporateUser') response = this.query(req, USER_FIELDS, this.users.map((u) => this.userRecord(u)));
    else if (key === 'GET query/Note') response = this.query(req, NOTE_FIELDS, this.notes.map((n) => this.noteRecord(n)));
    else if (key === 'GET settings/commentActionList') response = { status: 200, body: { commentActionList: this.commentActionList } };
    else if (key === 'PUT entity/Note') response = this.putNote(req);
    else if (/^entity\/Note\/\d+$/.test(path)) response = this.noteById(req, Number(path.slice('entity/Note/'.length)));
    else if (path.startsWith('entity/Note') && req.method === 'POST') response = { status: 405, body: { errorMessage: 'POST updates an existing entity; use PUT to create', errorCode: 405 } };
    else response = { status: 404, body: { errorMessage: `Unknown resource ${req.method} ${path}`, errorCode: 404 } };
    return this.withRateHeaders(response);
  }

  private withRateHeaders(response: FakeResponse): FakeResponse {
    return { ...response, headers: { 'ratelimit-limit': '1500', 'ratelimit-remaining': '1499', 'ratelimit-reset': '60', ...(response.headers ?? {}) } };
  }

  private searchCandidates(req: RecordedRequest): FakeResponse {
    const query = req.query.get('query');
    if (!query) throw new BadRequest('query is required');
    const fields = requestedFields(req, CANDIDATE_FIELDS);
    const predicate = compileLucene(query);
    const start = Number(req.query.get('start') ?? 0);
    const count = Math.min(Number(req.query.get('count') ?? 20), 500);
    const sort = req.query.get('sort');
    const matched = this.candidates.filter(predicate);
    if (sort === 'id') matched.sort((a, b) => a.id - b.id);
    else if (sort) throw new BadRequest(`unsupported sort ${sort}`);
    const page = matched.slice(start, start + count);
    return {
      status: 200,
      body: {
        total: matched.length,
        start,
        count: page.length,
        data: page.map((c) => ({ _score: 1.0, ...pick(candidateRecord(c), fields) })),
      },
    };
  }

  /** JPQL `query/{Entity}`: where, fields, start/count (count at most 500), orderBy on one field. No total. */
  private query(req: RecordedRequest, known: Set<string>, records: Array<Record<string, unknown>>): FakeResponse {
    const where = req.query.get('where');
    if (!where) throw new BadRequest('where is required');
    const fields = requestedFields(req, known);
    const predicate = parseJpql(where, known);
    const start = Number(req.query.get('start') ?? 0);
    const count = Math.min(Number(req.query.get('count') ?? 20), 500);
    const orderBy = req.query.get('orderBy');
    const matched = records.filter(predicate);
    if (orderBy) {
      const desc = orderBy.startsWith('-');
      const field = desc ? orderBy.slice(1) : orderBy;
      if (!known.has(field)) throw new BadRequest(`Invalid orderBy field: ${field}`);
      matched.sort((a, b) => (a[field] === b[field] ? 0 : (a[field] as number) < (b[field] as number) ? -1 : 1) * (desc ? -1 : 1));
    }
    const page = matched.slice(start, start + count);
    return { status: 200, body: { start, count: page.length, data: page.map((r) => pick(r, fields)) } };
  }

  /**
   * `GET entity/Note/{id}` (a soft-deleted note is still returned, with `isDeleted: true`), `POST` updates it
   * (only `isDeleted` here), and `DELETE` is refused: Note is a soft-deletable entity.
   */
  private noteById(req: RecordedRequest, id: number): FakeResponse {
    const note = this.notes.find((n) => n.id === id);
    if (!note) return { status: 404, body: { errorMessage: `Cannot find entity of type Note with id ${id}`, errorMessageKey: 'errors.cannotFindEntity', errorCode: 404 } };
    if (req.method === 'GET') {
      const fields = requestedFields(req, NOTE_FIELDS);
      const record = this.noteRecord(note);
      return { status: 200, body: { data: Object.fromEntries(Object.entries(record).filter(([k]) => fields.includes(k))) } };
    }
    if (req.method === 'DELETE') {
      return { status: 400, body: { errorMessage: 'Note is a soft-delete entity: update isDeleted instead', errorMessageKey: 'errors.softDeleteEntity', errorCode: 400 } };
    }
    if (req.method === 'POST') {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const unknown = Object.keys(b).filter((k) => k !== 'isDeleted');
      if (unknown.length > 0 || typeof b.isDeleted !== 'boolean') throw new BadRequest(`Invalid field(s) for Note update: ${unknown.join(', ') || 'isDeleted must be a boolean'}`);
      note.isDeleted = b.isDeleted;
      return { status: 200, body: { changedEntityType: 'Note', changedEntityId: note.id, changeType: 'UPDATE' } };
    }
    return { status: 405, body: { errorMessage: `${req.method} is not allowed on entity/Note/{id}`, errorCode: 405 } };
  }

  private putNote(req: RecordedRequest): FakeResponse {
    const body = req.body;
    if (!body || typeof body !== 'object') throw new BadRequest('a JSON body is required');
    const b = body as Record<string, unknown>;
    const unknown = Object.keys(b).filter((k) => !NOTE_WRITABLE.has(k));
    if (unknown.length > 0) throw new BadRequest(`Invalid field(s) for Note: ${unknown.join(', ')}`);
    const failures: Array<{ propertyName: string; severity: string; type: string }> = [];
    const personId = Number((b.personReference as { id?: unknown } | undefined)?.id);
    if (!this.candidates.some((c) => c.id === personId)) failures.push({ propertyName: 'personReference', severity: 'ERROR', type: 'INVALID_ASSOCIATION' });
    const commenterId = b.commentingPerson === undefined ? this.apiUserId : Number((b.commentingPerson as { id?: unknown }).id);
    if (!this.users.some((u) => u.id === commenterId)) failures.push({ propertyName: 'commentingPerson', severity: 'ERROR', type: 'INVALID_ASSOCIATION' });
    if (typeof b.comments !== 'string' || b.comments.trim() === '') failures.push({ propertyName: 'comments', severity: 'ERROR', type: 'MISSING_VALUE' });
    if (b.action !== undefined && (typeof b.action !== 'string' || b.action.length > 30)) failures.push({ propertyName: 'action', severity: 'ERROR', type: 'INVALID_VALUE' });
    if (b.externalID !== undefined && (typeof b.externalID !== 'string' || b.externalID.length > 100)) failures.push({ propertyName: 'externalID', severity: 'ERROR', type: 'INVALID_VALUE' });
    if (failures.length > 0) {
      return { status: 400, body: { errorMessage: 'error persisting an entity of type: Note', errorMessageKey: 'errors.cannotPersistEntity', errorCode: 400, errors: failures } };
    }
    const note: FakeBullhornNote = {
      id: this.nextNoteId++,
      personReference: { id: personId },
      commentingPerson: { id: commenterId },
      action: (b.action as string | undefined) ?? null,
      comments: b.comments as string,
      externalID: (b.externalID as string | undefined) ?? null,
      isDeleted: false,
      dateAdded: Date.now(),
    };
    this.notes.push(note);
    return { status: 200, body: { changedEntityType: 'Note', changedEntityId: note.id, changeType: 'INSERT', data: this.noteRecord(note) } };
  }

  private userRecord(u: FakeCorporateUser): Record<string, unknown> {
    return { ...u, name: `${u.firstName} ${u.lastName}` };
  }

  private noteRecord(n: FakeBullhornNote): Record<string, unknown> {
    const person = this.candidates.find((c) => c.id === n.personReference.id);
    const commenter = this.users.find((u) => u.id === n.commentingPerson.id);
    return {
      ...n,
      personReference: { id: n.personReference.id, _subtype: 'Candidate', firstName: person?.firstName, lastName: person?.lastName },
      commentingPerson: { id: n.commentingPerson.id, firstName: commenter?.firstName, lastName: commenter?.lastName },
    };
  }
}

function candidateRecord(c: FakeBullhornCandidate): Record<string, unknown> {
  return { ...c, name: `${c.firstName} ${c.lastName}` };
}

function requestedFields(req: RecordedRequest, known: Set<string>): string[] {
  const raw = req.query.get('fields');
  if (!raw) throw new BadRequest('fields or layout is required');
  const fields = raw.split(',').map((f) => f.trim()).filter(Boolean);
  const bad = fields.filter((f) => !known.has(f.replace(/\(.*\)$/, '')));
  // Bullhorn answers unknown fields with 404.
  if (bad.length > 0) throw new BadRequest(`Invalid field(s): ${bad.join(', ')}`, 404);
  return fields.map((f) => f.replace(/\(.*\)$/, ''));
}

function pick(record: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: record.id };
  for (const f of fields) if (record[f] !== undefined) out[f] = record[f];
  return out;
}

function equalsLoose(actual: unknown, expected: string | number | boolean): boolean {
  if (typeof expected === 'string' && typeof actual === 'string') return actual.toLowerCase() === expected.toLowerCase();
  return actual === expected;
}

type JpqlToken = { t: '(' | ')' | 'AND' | 'OR' } | { t: 'cond'; field: string; value: string | number | boolean };
type RecordPredicate = (r: Record<string, unknown>) => boolean;

/**
 * `field = value` conditions joined by AND / OR, with parentheses — the part of JPQL this adapter's lookups use.
 * Strings are single-quoted with '' for a quote; a stray quote fails the parse, as the database would refuse it.
 */
function parseJpql(where: string, known: Set<string>): RecordPredicate {
  const tokens: JpqlToken[] = [];
  let rest = where;
  while ((rest = rest.replace(/^\s+/, '')) !== '') {
    const paren = /^[()]/.exec(rest);
    const op = /^(AND|OR)(?=[\s(]|$)/i.exec(rest);
    const cond = /^([A-Za-z0-9_]+)\s*=\s*('(?:[^']|'')*'|-?\d+|true|false)(?=[\s)]|$)/.exec(rest);
    if (paren) tokens.push({ t: paren[0] as '(' | ')' });
    else if (op) tokens.push({ t: op[1].toUpperCase() as 'AND' | 'OR' });
    else if (cond) {
      if (!known.has(cond[1])) throw new BadRequest(`Invalid field in where clause: ${cond[1]}`);
      const raw = cond[2];
      const value = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw === 'true' ? true : raw === 'false' ? false : Number(raw);
      tokens.push({ t: 'cond', field: cond[1], value });
    } else throw new BadRequest(`Cannot parse where clause near: ${rest.slice(0, 30)}`);
    rest = rest.slice((paren ?? op ?? cond)![0].length);
  }
  let i = 0;
  const or = (): RecordPredicate => {
    let left = and();
    while (tokens[i]?.t === 'OR') {
      i++;
      const l = left;
      const r = and();
      left = (rec) => l(rec) || r(rec);
    }
    return left;
  };
  const and = (): RecordPredicate => {
    let left = operand();
    while (tokens[i]?.t === 'AND') {
      i++;
      const l = left;
      const r = operand();
      left = (rec) => l(rec) && r(rec);
    }
    return left;
  };
  const operand = (): RecordPredicate => {
    const token = tokens[i++];
    if (token?.t === '(') {
      const inner = or();
      if (tokens[i++]?.t !== ')') throw new BadRequest(`Missing ) in where clause: ${where}`);
      return inner;
    }
    if (token?.t === 'cond') return (rec) => equalsLoose(rec[token.field], token.value);
    throw new BadRequest(`Cannot parse where clause: ${where}`);
  };
  const predicate = or();
  if (i !== tokens.length) throw new BadRequest(`Cannot parse where clause: ${where}`);
  return predicate;
}

type LuceneToken = { t: '(' | ')' | 'AND' | 'OR' | 'NOT' } | { t: 'term'; field: string; raw: string };
type Predicate = (c: FakeBullhornCandidate) => boolean;

/** Lucene as Bullhorn's search takes it: field:value, field:"phrase", field:[from TO to], AND/OR/NOT, parentheses. */
function compileLucene(query: string): Predicate {
  const tokens = tokenize(query);
  let i = 0;
  const peek = () => tokens[i];
  const expr = (): Predicate => {
    let left = conj();
    while (peek()?.t === 'OR') {
      i++;
      const l = left;
      const r = conj();
      left = (c) => l(c) || r(c);
    }
    return left;
  };
  const conj = (): Predicate => {
    let left = unary();
    while (peek() && (peek().t === 'AND' || peek().t === 'term' || peek().t === '(' || peek().t === 'NOT')) {
      const isAnd = peek().t === 'AND';
      if (isAnd) i++;
      const l = left;
      const r = unary();
      // Lucene's default operator is OR; only an explicit AND narrows.
      left = isAnd ? (c) => l(c) && r(c) : (c) => l(c) || r(c);
    }
    return left;
  };
  const unary = (): Predicate => {
    const token = tokens[i++];
    if (!token) throw new BadRequest(`Unexpected end of query: ${query}`);
    if (token.t === 'NOT') {
      const inner = unary();
      return (c) => !inner(c);
    }
    if (token.t === '(') {
      const inner = expr();
      if (tokens[i++]?.t !== ')') throw new BadRequest(`Missing ) in query: ${query}`);
      return inner;
    }
    if (token.t === 'term') return termPredicate(token.field, token.raw);
    throw new BadRequest(`Unexpected ${token.t} in query: ${query}`);
  };
  const predicate = expr();
  if (i !== tokens.length) throw new BadRequest(`Cannot parse query: ${query}`);
  return predicate;
}

function tokenize(query: string): LuceneToken[] {
  const tokens: LuceneToken[] = [];
  let i = 0;
  while (i < query.length) {
    const rest = query.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    if (rest[0] === '(' || rest[0] === ')') {
      tokens.push({ t: rest[0] });
      i++;
      continue;
    }
    const op = /^(AND|OR|NOT)(?=[\s()]|$)/.exec(rest);
    if (op) {
      tokens.push({ t: op[1] as 'AND' | 'OR' | 'NOT' });
      i += op[1].length;
      continue;
    }
    const term = /^([A-Za-z0-9_.]+):("(?:\\.|[^"\\])*"|\[[^\]]*\]|[^\s()]+)/.exec(rest);
    if (!term) throw new BadRequest(`Cannot parse query near: ${rest.slice(0, 30)}`);
    tokens.push({ t: 'term', field: term[1], raw: term[2] });
    i += term[0].length;
  }
  return tokens;
}

function termPredicate(field: string, raw: string): Predicate {
  if (!CANDIDATE_FIELDS.has(field)) throw new BadRequest(`Unknown search field: ${field}`);
  if (raw.startsWith('[')) {
    const m = /^\[\s*(\S+)\s+TO\s+(\S+)\s*\]$/.exec(raw);
    if (!m || (field !== 'dateLastModified' && field !== 'dateAdded')) throw new BadRequest(`Bad range on ${field}: ${raw}`);
    const bound = (v: string) => {
      if (v === '*') return null;
      if (!/^\d{8}(\d{6})?$/.test(v)) throw new BadRequest(`Dates in ranges are yyyyMMdd or yyyyMMddHHmmss, not ${v}`);
      return v.padEnd(14, '0');
    };
    const from = bound(m[1]);
    const to = bound(m[2]);
    return (c) => {
      const value = indexDate(c[field as 'dateLastModified' | 'dateAdded']);
      return (from === null || value >= from) && (to === null || value <= to);
    };
  }
  const phrase = raw.startsWith('"');
  const value = phrase ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  switch (field) {
    case 'isDeleted': {
      const wanted = value === 'true' || value === '1';
      if (!['true', 'false', '0', '1'].includes(value)) throw new BadRequest(`isDeleted takes true/false, not ${value}`);
      return (c) => c.isDeleted === wanted;
    }
    case 'id':
      return (c) => String(c.id) === value;
    case 'name':
    case 'firstName':
    case 'lastName': {
      const wanted = value.toLowerCase().replace(/\s+/g, ' ').trim();
      return (c) => {
        const actual = String(candidateRecord(c)[field] ?? '').toLowerCase();
        return phrase ? actual === wanted : actual.split(/\s+/).includes(wanted);
      };
    }
    case 'email':
    case 'email2':
    case 'email3':
      return (c) => (c[field] ?? '').toLowerCase() === value.toLowerCase();
    case 'phone':
    case 'mobile':
    case 'phone2':
    case 'phone3':
    case 'workPhone':
      // Phones are indexed as typed: only the same spelling matches.
      return (c) => (c[field] ?? '') === value && value !== '';
    default:
      throw new BadRequest(`Field ${field} is not searchable`);
  }
}

function indexDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}
