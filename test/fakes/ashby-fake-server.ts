import { randomUUID } from 'node:crypto';
import { FakeHttpServer, FakeResponse, RecordedRequest } from './fake-http-server';

/** Ashby's API-key permissions, as named in its admin UI. */
export type AshbyPermission = 'candidatesRead' | 'candidatesWrite' | 'organizationRead';

export const ALL_ASHBY_PERMISSIONS: AshbyPermission[] = ['candidatesRead', 'candidatesWrite', 'organizationRead'];

export interface FakeAshbyUser {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  globalRole: 'Organization Admin' | 'Elevated Access' | 'Limited Access' | 'External Recruiter';
  isEnabled: boolean;
}

export interface FakeAshbyCandidate {
  id: string;
  name: string;
  emails: string[];
  phones: string[];
  createdAt: string;
  updatedAt: string;
  /** Change counter value of the last update; sync tokens compare against it. */
  changeSeq: number;
}

export interface FakeAshbyNote {
  id: string;
  candidateId: string;
  createdAt: string;
  isPrivate: boolean;
  content: string;
  contentType: 'text/html' | 'text/plain';
  authorId: string;
  sendNotifications: boolean;
}

const ALLOWED_NOTE_TAGS = new Set(['b', 'i', 'u', 'a', 'ul', 'ol', 'li', 'code', 'pre']);

const ENDPOINT_PERMISSION: Record<string, AshbyPermission> = {
  'candidate.search': 'candidatesRead',
  'candidate.list': 'candidatesRead',
  'candidate.listNotes': 'candidatesRead',
  'candidate.createNote': 'candidatesWrite',
  'user.search': 'organizationRead',
  'user.list': 'organizationRead',
  'user.info': 'organizationRead',
};

/**
 * A local stand-in for Ashby's RPC API: Basic auth with per-key permissions, the versioned Accept header,
 * failures as HTTP 200 + `success: false`, cursor paging with sync tokens on the last page, notes restricted
 * to Ashby's HTML tags and attributed to `X-On-Behalf-Of`, users found by e-mail (`user.search`) or listed
 * (`user.list`, enabled users only unless `includeDeactivated`).
 */
export class AshbyFakeServer {
  readonly http = new FakeHttpServer((req) => this.handle(req));
  readonly keys = new Map<string, { permissions: Set<AshbyPermission>; ownerId: string; seesPrivate: boolean }>();
  readonly users: FakeAshbyUser[] = [];
  readonly candidates: FakeAshbyCandidate[] = [];
  readonly notes: FakeAshbyNote[] = [];
  /** listNotes pages are this small so lookups must follow cursors. */
  notesPageSize = 2;
  /** user.list pages hold at most this many users (Ashby: the request's `limit`, at most 100). */
  usersPageSize = 100;
  private changeSeq = 0;
  private readonly expiredSyncTokens = new Set<string>();

  get url(): string {
    return this.http.url;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** `seesPrivate` is the key's "allow access to private fields" toggle. */
  addKey(key: string, permissions: AshbyPermission[], ownerId: string, seesPrivate = true): void {
    this.keys.set(key, { permissions: new Set(permissions), ownerId, seesPrivate });
  }

  addUser(user: Partial<FakeAshbyUser> & { email: string }): FakeAshbyUser {
    const record: FakeAshbyUser = {
      id: user.id ?? randomUUID(),
      firstName: user.firstName ?? 'Test',
      lastName: user.lastName ?? 'User',
      email: user.email,
      globalRole: user.globalRole ?? 'Elevated Access',
      isEnabled: user.isEnabled ?? true,
    };
    this.users.push(record);
    return record;
  }

  addCandidate(c: { id?: string; name: string; emails?: string[]; phones?: string[]; updatedAt?: string }): FakeAshbyCandidate {
    const now = new Date().toISOString();
    const record: FakeAshbyCandidate = {
      id: c.id ?? randomUUID(),
      name: c.name,
      emails: c.emails ?? [],
      phones: c.phones ?? [],
      createdAt: now,
      updatedAt: c.updatedAt ?? now,
      changeSeq: ++this.changeSeq,
    };
    this.candidates.push(record);
    return record;
  }

  /** Records a change to a candidate, as an edit in Ashby's UI would. */
  touchCandidate(id: string, updatedAt = new Date().toISOString()): void {
    const c = this.candidates.find((x) => x.id === id);
    if (!c) throw new Error(`no candidate ${id}`);
    c.updatedAt = updatedAt;
    c.changeSeq = ++this.changeSeq;
  }

  expireSyncToken(token: string): void {
    this.expiredSyncTokens.add(token);
  }

  notesOf(candidateId: string): FakeAshbyNote[] {
    return this.notes.filter((n) => n.candidateId === candidateId);
  }

  /** The endpoint calls received, e.g. `calls('candidate.createNote')`. */
  calls(endpoint: string): RecordedRequest[] {
    return this.http.received('POST', `/${endpoint}`);
  }

  private handle(req: RecordedRequest): FakeResponse {
    const endpoint = req.path.replace(/^\//, '');
    if (req.method !== 'POST') return { status: 405, body: { success: false, errors: ['Only POST is supported'] } };

    const auth = String(req.headers.authorization ?? '');
    if (!auth.startsWith('Basic ')) {
      return { status: 401, body: { success: false, errors: ['Missing Authorization header'] } };
    }
    const [key, password] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
    const keyInfo = this.keys.get(key ?? '');
    if (!keyInfo || password !== '') {
      return { status: 403, body: { success: false, errorInfo: { code: 'invalid_api_key', message: 'The API key is invalid or revoked' } } };
    }
    if (!String(req.headers.accept ?? '').includes('version=1')) {
      return { status: 406, body: { success: false, errors: ['Accept must be application/json; version=1'] } };
    }
    if (!String(req.headers['content-type'] ?? '').includes('application/json')) {
      return { status: 415, body: { success: false, errors: ['Content-Type must be application/json'] } };
    }
    const permission = ENDPOINT_PERMISSION[endpoint];
    if (!permission) return { status: 404, body: { success: false, errors: [`Unknown endpoint ${endpoint}`] } };
    if (!keyInfo.permissions.has(permission)) {
      return {
        status: 403,
        body: { success: false, errors: [{ message: 'missing_endpoint_permission', parameter: permission }] },
      };
    }
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    switch (endpoint) {
      case 'candidate.search':
        return this.search(body);
      case 'candidate.list':
        return this.list(body);
      case 'candidate.listNotes':
        return this.listNotes(body, req, keyInfo.seesPrivate);
      case 'candidate.createNote':
        return this.createNote(body, req, keyInfo.ownerId);
      case 'user.search':
        return ok(this.users.filter((u) => u.email.toLowerCase() === String(body.email ?? '').toLowerCase()));
      case 'user.list':
        return this.listUsers(body);
      case 'user.info': {
        const user = this.users.find((u) => u.id === body.userId);
        return user ? ok(user) : failure('user_not_found', 'User not found');
      }
      default:
        return { status: 404, body: { success: false } };
    }
  }

  private search(body: Record<string, unknown>): FakeResponse {
    const name = typeof body.name === 'string' ? body.name.toLowerCase() : null;
    const email = typeof body.email === 'string' ? body.email.toLowerCase() : null;
    if (!name && !email) return { status: 200, body: { success: false, errors: ['Either name or email is required'] } };
    const results = this.candidates
      .filter((c) => (name === null || c.name.toLowerCase().includes(name)) && (email === null || c.emails.some((e) => e.toLowerCase() === email)))
      .slice(0, 100)
      .map(toApiCandidate);
    return ok(results);
  }

  private list(body: Record<string, unknown>): FakeResponse {
    const limit = body.limit === undefined ? 100 : Number(body.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return { status: 200, body: { success: false, errors: [{ message: 'limit must be between 1 and 100', parameter: 'limit' }] } };
    }
    let sinceSeq = 0;
    if (body.syncToken !== undefined && body.syncToken !== null) {
      const token = String(body.syncToken);
      if (this.expiredSyncTokens.has(token)) return failure('sync_token_expired', 'The sync token has expired; run a full sync');
      const m = /^st_(\d+)$/.exec(token);
      if (!m) return failure('sync_token_invalid', 'The sync token cannot be decoded');
      sinceSeq = Number(m[1]);
    }
    let offset = 0;
    let snapshot = this.changeSeq;
    if (body.cursor !== undefined && body.cursor !== null) {
      try {
        const c = JSON.parse(Buffer.from(String(body.cursor), 'base64url').toString('utf8')) as { o: number; s: number };
        offset = c.o;
        snapshot = c.s;
      } catch {
        return failure('invalid_next_cursor', 'The cursor cannot be decoded');
      }
    }
    const matching = [...this.candidates]
      .filter((c) => c.changeSeq > sinceSeq)
      .sort((a, b) => a.id.localeCompare(b.id));
    const page = matching.slice(offset, offset + limit);
    const more = offset + limit < matching.length;
    return {
      status: 200,
      body: {
        success: true,
        results: page.map(toApiCandidate),
        moreDataAvailable: more,
        ...(more
          ? { nextCursor: Buffer.from(JSON.stringify({ o: offset + limit, s: snapshot })).toString('base64url') }
          : { syncToken: `st_${snapshot}` }),
      },
    };
  }

  /** Enabled users only unless `includeDeactivated`; cursor pages, the sync token on the last page. */
  private listUsers(body: Record<string, unknown>): FakeResponse {
    const limit = body.limit === undefined ? 100 : Number(body.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return { status: 200, body: { success: false, errors: [{ message: 'limit must be between 1 and 100', parameter: 'limit' }] } };
    }
    let offset = 0;
    if (body.cursor !== undefined && body.cursor !== null) {
      const m = /^users_(\d+)$/.exec(String(body.cursor));
      if (!m) return failure('invalid_next_cursor', 'The cursor cannot be decoded');
      offset = Number(m[1]);
    }
    const size = Math.min(limit, this.usersPageSize);
    const all = this.users.filter((u) => u.isEnabled || body.includeDeactivated === true);
    const more = offset + size < all.length;
    return {
      status: 200,
      body: {
        success: true,
        results: all.slice(offset, offset + size),
        moreDataAvailable: more,
        ...(more ? { nextCursor: `users_${offset + size}` } : { syncToken: `ust_${this.users.length}` }),
      },
    };
  }

  private listNotes(body: Record<string, unknown>, req: RecordedRequest, keySeesPrivate: boolean): FakeResponse {
    const candidateId = String(body.candidateId ?? '');
    if (!this.candidates.some((c) => c.id === candidateId)) return failure('candidate_not_found', 'Candidate not found');
    const limit = Math.min(Number(body.limit ?? 100), this.notesPageSize);
    const offset = body.cursor ? Number(Buffer.from(String(body.cursor), 'base64url').toString('utf8')) : 0;
    // Acting as a user, private notes follow that user's rights (admins and the author see them); else the key's.
    const actor = this.users.find((u) => u.id === req.headers['x-on-behalf-of']);
    const visible = (n: FakeAshbyNote) =>
      !n.isPrivate || (actor ? actor.globalRole === 'Organization Admin' || actor.id === n.authorId : keySeesPrivate);
    const all = this.notesOf(candidateId)
      .filter(visible)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const page = all.slice(offset, offset + limit);
    const more = offset + limit < all.length;
    return {
      status: 200,
      body: {
        success: true,
        results: page.map((n) => this.toApiNote(n)),
        moreDataAvailable: more,
        nextCursor: more ? Buffer.from(String(offset + limit)).toString('base64url') : null,
      },
    };
  }

  private createNote(body: Record<string, unknown>, req: RecordedRequest, keyOwnerId: string): FakeResponse {
    if (typeof body.candidateId !== 'string') {
      return { status: 200, body: { success: false, errors: [{ message: 'Missing required parameter', parameter: 'candidateId' }] } };
    }
    if (!this.candidates.some((c) => c.id === body.candidateId)) return failure('candidate_not_found', 'Candidate not found');
    let content: string;
    let contentType: FakeAshbyNote['contentType'];
    if (typeof body.note === 'string') {
      content = body.note;
      contentType = 'text/plain';
    } else if (body.note && typeof body.note === 'object') {
      const note = body.note as { type?: unknown; value?: unknown };
      if (note.type !== 'text/html' && note.type !== 'text/plain') {
        return { status: 200, body: { success: false, errors: [{ message: 'note.type must be text/html or text/plain', parameter: 'note.type' }] } };
      }
      content = String(note.value ?? '');
      contentType = note.type;
    } else {
      return { status: 200, body: { success: false, errors: [{ message: 'Missing required parameter', parameter: 'note' }] } };
    }
    if (contentType === 'text/html') {
      const bad = [...content.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g)].map((m) => m[1].toLowerCase()).find((t) => !ALLOWED_NOTE_TAGS.has(t));
      if (bad) return { status: 200, body: { success: false, errors: [{ message: `Unsupported HTML tag <${bad}>`, parameter: 'note.value' }] } };
    }
    for (const flag of ['isPrivate', 'sendNotifications'] as const) {
      if (body[flag] !== undefined && typeof body[flag] !== 'boolean') {
        return { status: 200, body: { success: false, errors: [{ message: `${flag} must be a boolean`, parameter: flag }] } };
      }
    }
    const onBehalfOf = req.headers['x-on-behalf-of'];
    let authorId = keyOwnerId;
    if (onBehalfOf !== undefined) {
      const user = this.users.find((u) => u.id === onBehalfOf);
      if (!user || !user.isEnabled) return failure('invalid_on_behalf_of_user', 'X-On-Behalf-Of must be an active user');
      authorId = user.id;
    }
    const note: FakeAshbyNote = {
      id: randomUUID(),
      candidateId: body.candidateId,
      createdAt: new Date(Date.now() + this.notes.length).toISOString(),
      isPrivate: body.isPrivate === true,
      content,
      contentType,
      authorId,
      sendNotifications: body.sendNotifications !== false,
    };
    this.notes.push(note);
    return ok(this.toApiNote(note));
  }

  private toApiNote(n: FakeAshbyNote): Record<string, unknown> {
    const author = this.users.find((u) => u.id === n.authorId);
    return {
      id: n.id,
      createdAt: n.createdAt,
      isPrivate: n.isPrivate,
      content: n.content,
      author: author
        ? { id: author.id, firstName: author.firstName, lastName: author.lastName, email: author.email }
        : { id: n.authorId, firstName: null, lastName: null, email: null },
    };
  }
}

function ok(results: unknown): FakeResponse {
  return { status: 200, body: { success: true, results } };
}

/** Ashby's usual failure: HTTP 200 and an errorInfo block. */
function failure(code: string, message: string): FakeResponse {
  return { status: 200, body: { success: false, errorInfo: { code, message, requestId: randomUUID() } } };
}

function toApiCandidate(c: FakeAshbyCandidate): Record<string, unknown> {
  const emails = c.emails.map((value, i) => ({ value, type: 'Personal', isPrimary: i === 0 }));
  const phones = c.phones.map((value, i) => ({ value, type: 'Mobile', isPrimary: i === 0 }));
  return {
    id: c.id,
    name: c.name,
    primaryEmailAddress: emails[0] ?? null,
    emailAddresses: emails,
    primaryPhoneNumber: phones[0] ?? null,
    phoneNumbers: phones,
    socialLinks: [],
    tags: [],
    applicationIds: [],
    customFields: [],
    fileHandles: [],
    profileUrl: `https://app.ashbyhq.com/candidate-searches/new/right-side/candidates/${c.id}`,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
