import { createHash } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import type { AxiosRequestConfig } from 'axios';
import {
  AtsAdapter,
  AtsCandidate,
  AtsCapabilities,
  AtsContext,
  CandidatePage,
  CandidateQuery,
  ConnectionCheck,
  CreatedNote,
  FiledNote,
  ListCandidatesRequest,
  NoteDraft,
  PostedNote,
} from '../../ats-adapter.port';
import { AtsError, isAtsError } from '../../ats-error';
import { AtsUrlPolicy, destinationGuard } from '../../kit/ats-url.policy';
import { configOrCheck, fallbackAuthorCheck } from '../../kit/connection-checks';
import { readConnectionConfig } from '../../kit/connection-contract';
import { fullNameKey, OwnerResolver, soleUserNamed } from '../../owner-resolver';
import { AtsHttpClient } from '../../http/ats-http.client';
import { AtsHttpClientFactory } from '../../http/ats-http-client.factory';
import { RateSlotStore } from '../../rate-limit/rate-slot.store';
import { BULLHORN_CONTRACT } from './bullhorn-connection.contract';
import { BULLHORN_PROVIDER, mapBullhornHttpError } from './bullhorn-error.mapper';
import { buildBullhornComments, externalIdFor } from './bullhorn-note.formatter';
import {
  BULLHORN_CANDIDATE_FIELDS,
  corporateUserNameWhere,
  emailQuery,
  jpqlString,
  listingQuery,
  luceneDate,
  nameQuery,
  NOT_DELETED,
  phoneQuery,
} from './bullhorn-query.builder';
import { BullhornAuthConfig, BullhornSessionManager, readBullhornDiscovery } from './bullhorn-session.manager';
import type {
  BullhornCandidate,
  BullhornChangeAnswer,
  BullhornCorporateUser,
  BullhornListAnswer,
  BullhornNote,
} from './bullhorn.types';

const DEFAULT_NOTE_ACTION = 'Meeting';
const SEARCH_COUNT = 50;
const DEFAULT_PAGE = 200;
const MAX_PAGE = 500;
/**
 * The search index keeps `dateLastModified` as a zone-less `yyyyMMddHHmmss`, and integrators shift it by
 * US hours before querying, so the incremental lower bound moves back by this much: re-reading a few
 * candidates is harmless, missing a change is not.
 */
const DEFAULT_OVERLAP_MINUTES = 12 * 60;
/**
 * The name lookup asks Bullhorn for users by first and last name, so one page nearly always answers it; a
 * one-word name can match many users, and past this many pages the lookup gives up (fallback author) rather
 * than read on.
 */
const USER_PAGE = 50;
const MAX_USER_PAGES = 5;
const ACTION_LIST_CACHE_MS = 60 * 60_000;
const PROBE_EXTERNAL_ID = 'debrief-connection-check';
const PROBE_EMAIL = 'debrief-connection-check@example.invalid';

const NOTE_FIELDS = 'id,externalID,action,isDeleted,personReference,commentingPerson';
const USER_FIELDS = 'id,name,firstName,lastName,email,enabled,isDeleted';

interface ListCursor {
  v: 1;
  start: number;
  /** The `dateLastModified` lower bound, fixed when the pass began. */
  since: string | null;
}

interface Connection {
  client: AtsHttpClient;
  sessions: BullhornSessionManager;
}

/**
 * Bullhorn adapter.
 *
 * Operator contract:
 * - credentials `{ clientId, clientSecret, username, password }` (the API user Bullhorn support provides).
 * - settings.authUrl: OAuth host (data centres: `auth-west`, `auth-emea`, `auth-ger`, `auth-west50`, sandbox
 *   `auth9`); unset, it is what `/rest-services/loginInfo?username=` reports for the API user (see
 *   BullhornSessionManager; settings.loginInfoUrl points that lookup elsewhere).
 * - settings.restLoginUrl, else settings.baseUrl: host of `/rest-services/login`; unset, from loginInfo too.
 *   Every later call goes to the `restUrl` the login answers.
 * - settings.userId: CorporateUser id that authors notes when the meeting owner is not a Bullhorn user.
 * - settings.noteAction: the Note `action`, default "Meeting"; it must be one of the tenant's
 *   `settings/commentActionList` values (checked; settings.validateNoteAction = false skips the check).
 * - settings.redirectUri (when the OAuth client has one registered), settings.timeoutMs,
 *   settings.incrementalOverlapMinutes (default 720), settings.rateLimit `{limit, intervalMs}`.
 *
 * Auth: `GET {authUrl}/oauth/authorize?client_id&response_type=code&username&password&action=Login` answers a
 * 302 whose Location carries `code`; `POST {authUrl}/oauth/token` (authorization_code, later refresh_token)
 * gives a 10-minute access token; `POST {loginUrl}/rest-services/login?version=*&access_token=` gives
 * `{BhRestToken, restUrl}`; `GET {restUrl}ping` gives the session's expiry, so it is renewed beforehand.
 * Renewals are single-flight per connection (see BullhornSessionManager). A call refused with 401 (bad or
 * expired BhRestToken) or 412 (token missing) renews the session once and is retried once.
 *
 * Notes: `PUT {restUrl}entity/Note` (PUT creates) with `personReference`, `commentingPerson` (the meeting
 * owner from `query/CorporateUser?where=email='…'`, else by exact first and last name, else settings.userId),
 * `action`, `comments` (HTML) and `externalID` = the draft's idempotency key. Bullhorn has no private notes: the kit
 * refuses a private draft with INVALID_REQUEST and the connection's policy decides what to do instead.
 *
 * Settled from sources:
 * - Errors: the docs list statuses only (bullhorn/rest-api-docs source/includes/_errors.md); bodies read
 *   `{errorMessage, errorMessageKey, errorCode, errors[{propertyName, severity, type}]}` as community clients
 *   do (api-bureau/bullhorn-api Http/ErrorResponse.cs). OAuth endpoints answer `{error, error_description}`.
 *   Unknown fields or entities answer 404 (rest-api-docs _search.md).
 * - Incremental listing: `search/Candidate` with `isDeleted:false AND dateLastModified:[yyyyMMddHHmmss TO *]`,
 *   sorted by id and paged with start/count/total; that date form is what public integrations send
 *   (e.g. codler/bullhorn-api README's range query and several sync scripts); the zone is not documented,
 *   hence the overlap above. Sorting by id keeps pages stable while records change.
 * - Owner by name: CorporateUser is not one of the entities `search/` covers (Candidate, ClientContact, JobOrder,
 *   Note…), so it is read with `query/CorporateUser` (JPQL, start/count, orderBy; _query.md). Its firstName and
 *   lastName are separate fields (entityref/_corporateuser.md). The owner's name arrives lower-cased, as the
 *   e-mail always has, so both lookups rely on `=` ignoring case in Bullhorn's database (not documented); the
 *   whole name is compared again here.
 * - Idempotency: Note has `externalID` String(100) (rest-api-docs entityref/_note.md); it is looked up with
 *   `query/Note?where=externalID='…'` (JPQL against the database, rest-api-docs _query.md), which sees a note
 *   at once, unlike the search index. The kit (`kit/note-poster.ts`) runs it before every post
 *   (`lookBeforeEveryPost`), and again after an uncertain one.
 * - Rate limit: 1,500 calls per minute (kb.bullhorn.com "API Usage Limits"), spread here as 25 per second;
 *   429 answers and `ratelimit-*` headers are honoured by the shared client.
 */
@Injectable()
export class BullhornAdapter implements AtsAdapter {
  readonly provider = BULLHORN_PROVIDER;
  /** The externalID query is exact and immediate (JPQL against the database), so it runs before every post. */
  readonly lookBeforeEveryPost = true;
  readonly capabilities: AtsCapabilities = {
    search: ['name', 'email', 'phone'],
    listing: true,
    incrementalListing: true,
    privateNotes: false,
    richText: true,
    actAsUser: true,
    customFields: false,
    rateLimit: { limit: 25, intervalMs: 1000 },
    noteDeletion: 'soft-delete',
  };
  readonly contract = BULLHORN_CONTRACT;

  private readonly http: AtsHttpClientFactory;
  private readonly connections = new Map<string, Connection>();
  /** Owner lookups, including misses, so a run of one owner's meetings does not query the users again. */
  private readonly owners = new OwnerResolver(BULLHORN_PROVIDER, 'a Bullhorn user');
  private readonly actionLists = new Map<string, { actions: string[] | null; at: number }>();

  /**
   * `rateSlots` is the rate schedule all instances share; without it (adapter tests) the limit is kept in-process.
   * `urlPolicy` says where credentials may go (also the `restUrl` a login answers); without it ATS_ALLOWED_HOSTS is
   * read from the environment.
   */
  constructor(@Optional() rateSlots?: RateSlotStore, @Optional() urlPolicy?: AtsUrlPolicy) {
    const destinations = destinationGuard(BULLHORN_CONTRACT.vendorDomains, urlPolicy);
    this.http = new AtsHttpClientFactory(this.provider, this.capabilities, { mapError: mapBullhornHttpError, destinations }, rateSlots);
  }

  async searchCandidates(ctx: AtsContext, query: CandidateQuery): Promise<AtsCandidate[]> {
    const queries: string[] = [];
    const phone = query.phone?.trim() ? phoneQuery(query.phone) : null;
    if (phone) queries.push(phone);
    if (query.email?.trim()) queries.push(emailQuery(query.email));
    if (query.name?.trim()) queries.push(nameQuery(query.name));
    const found = new Map<string, AtsCandidate>();
    for (const lucene of queries) {
      const answer = await this.rest<BullhornListAnswer<BullhornCandidate>>(ctx, {
        method: 'GET',
        url: 'search/Candidate',
        params: { query: lucene, fields: BULLHORN_CANDIDATE_FIELDS, start: 0, count: SEARCH_COUNT },
      });
      for (const raw of answer.data ?? []) {
        const id = raw?.id === undefined || raw?.id === null ? '' : String(raw.id);
        if (id && !found.has(id)) found.set(id, toCandidate(raw));
      }
    }
    return [...found.values()];
  }

  async listCandidates(ctx: AtsContext, request: ListCandidatesRequest): Promise<CandidatePage> {
    const count = Math.min(Math.max(request.pageSize ?? DEFAULT_PAGE, 1), MAX_PAGE);
    const cursor = request.cursor ? decodeCursor(request.cursor) : this.newPass(ctx, request.updatedSince);
    const answer = await this.rest<BullhornListAnswer<BullhornCandidate>>(ctx, {
      method: 'GET',
      url: 'search/Candidate',
      params: {
        query: listingQuery(cursor.since),
        fields: BULLHORN_CANDIDATE_FIELDS,
        sort: 'id',
        start: cursor.start,
        count,
      },
    });
    const data = (answer.data ?? []).filter((c) => c?.id !== undefined && c?.id !== null);
    const next = cursor.start + data.length;
    const total = typeof answer.total === 'number' ? answer.total : next;
    return {
      candidates: data.map(toCandidate),
      nextCursor: data.length > 0 && next < total ? encodeCursor({ ...cursor, start: next }) : null,
    };
  }

  async postNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft): Promise<PostedNote> {
    const candidateId = numericId(candidate.externalId, 'candidate id');
    const authorId = await this.resolveAuthor(ctx, draft.author);
    const action = await this.noteAction(ctx, false);
    const sent = {
      personReference: { id: candidateId },
      commentingPerson: { id: authorId },
      action,
      comments: buildBullhornComments(draft),
      externalID: externalIdFor(draft.idempotencyKey),
    };
    const answer = await this.rest<BullhornChangeAnswer>(ctx, { method: 'PUT', url: 'entity/Note', data: sent });
    const id = answer.changedEntityId;
    return { externalNoteId: id === undefined || id === null ? null : String(id), visibility: 'public', authorId: String(authorId), sent };
  }

  async findNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft): Promise<CreatedNote | null> {
    return this.lookupNote(ctx, numericId(candidate.externalId, 'candidate id'), externalIdFor(draft.idempotencyKey));
  }

  /**
   * Note is a soft-deletable entity in Bullhorn's REST reference: `DELETE entity/Note/{id}` is refused for it, and
   * `POST entity/Note/{id}` with `isDeleted: true` hides it from users (Bullhorn keeps the row). The note is read
   * first, so a note already hidden, or on another candidate, is left alone.
   */
  async deleteNote(ctx: AtsContext, note: FiledNote): Promise<'deleted' | 'not_found'> {
    const id = Number(note.externalNoteId);
    if (!Number.isSafeInteger(id) || id <= 0) return 'not_found';
    let current: { data?: { isDeleted?: boolean; personReference?: { id?: number } | null } };
    try {
      current = await this.rest(ctx, { method: 'GET', url: `entity/Note/${id}`, params: { fields: 'id,isDeleted,personReference' } });
    } catch (err) {
      if (err instanceof AtsError && err.code === 'NOT_FOUND') return 'not_found';
      throw err;
    }
    if (current.data?.isDeleted === true || String(current.data?.personReference?.id) !== note.candidateId) return 'not_found';
    await this.rest(ctx, { method: 'POST', url: `entity/Note/${id}`, data: { isDeleted: true } });
    return 'deleted';
  }

  async testConnection(ctx: AtsContext): Promise<ConnectionCheck[]> {
    const read = configOrCheck(() => config(ctx));
    if (!read.config) return read.checks;
    const checks: ConnectionCheck[] = [];
    const run = async (check: string, probe: () => Promise<string>): Promise<boolean> => {
      try {
        checks.push({ check, ok: true, detail: await probe() });
        return true;
      } catch (err) {
        const e = isAtsError(err) ? err : new AtsError('TEMPORARY', `bullhorn: ${(err as Error)?.message ?? String(err)}`);
        checks.push({ check, ok: false, detail: e.message, code: e.code });
        return false;
      }
    };
    const signedIn = await run('sign-in (OAuth and REST login)', async () => {
      const session = await this.connection(ctx).sessions.current();
      return `session open on ${new URL(session.restUrl).host}`;
    });
    if (!signedIn) return checks;
    await run('candidate search', async () => {
      await this.rest(ctx, { method: 'GET', url: 'search/Candidate', params: { query: NOT_DELETED, fields: 'id', count: 1 } });
      return 'search/Candidate answered';
    });
    await run('note lookup (query/Note)', async () => {
      await this.rest(ctx, {
        method: 'GET',
        url: 'query/Note',
        params: { where: `externalID=${jpqlString(PROBE_EXTERNAL_ID)}`, fields: 'id', count: 1 },
      });
      return 'notes can be looked up by externalID (note writing is confirmed by the first note)';
    });
    await run('note action', async () => `notes will be filed as "${await this.noteAction(ctx, true)}"`);
    await run('meeting owner lookup (query/CorporateUser)', async () => {
      await this.rest(ctx, {
        method: 'GET',
        url: 'query/CorporateUser',
        params: { where: `email=${jpqlString(PROBE_EMAIL)}`, fields: 'id', count: 1 },
      });
      return 'notes can carry the meeting owner';
    });
    checks.push(
      await fallbackAuthorCheck({
        userId: read.config.settings.userId,
        userKind: 'a Bullhorn user',
        lookUp: async (userId) => {
          const answer = await this.rest<BullhornListAnswer<BullhornCorporateUser>>(ctx, {
            method: 'GET',
            url: 'query/CorporateUser',
            params: { where: `id=${numericId(userId, 'settings.userId')}`, fields: USER_FIELDS, count: 1 },
          });
          const user = (answer.data ?? [])[0];
          return user ? { name: user.name ?? null, active: user.enabled !== false && user.isDeleted !== true } : null;
        },
      }),
    );
    return checks;
  }

  private newPass(ctx: AtsContext, updatedSince: Date | null): ListCursor {
    if (!updatedSince) return { v: 1, start: 0, since: null };
    const overlap = config(ctx).settings.incrementalOverlapMinutes ?? DEFAULT_OVERLAP_MINUTES;
    return { v: 1, start: 0, since: luceneDate(new Date(updatedSince.getTime() - overlap * 60_000)) };
  }

  private async lookupNote(ctx: AtsContext, candidateId: number, externalID: string): Promise<CreatedNote | null> {
    const answer = await this.rest<BullhornListAnswer<BullhornNote>>(ctx, {
      method: 'GET',
      url: 'query/Note',
      params: { where: `externalID=${jpqlString(externalID)}`, fields: NOTE_FIELDS, count: 10 },
    });
    // The same key on another candidate is not this note (an operator may have moved the meeting since).
    const note = (answer.data ?? []).find(
      (n) => n?.isDeleted !== true && Number(n?.personReference?.id) === candidateId,
    );
    if (!note) return null;
    const author = note.commentingPerson?.id;
    return { externalNoteId: String(note.id), visibility: 'public', authorId: author === undefined ? null : String(author) };
  }

  /** The meeting owner's CorporateUser id: by e-mail, then by exact name, then settings.userId. */
  private async resolveAuthor(ctx: AtsContext, author: NoteDraft['author']): Promise<number> {
    const id = await this.owners.resolve(ctx, author, config(ctx).settings.userId ?? null, (email, name) =>
      this.lookUpOwner(ctx, email, name),
    );
    // Ids found in Bullhorn are numbers already, so only settings.userId can fail this.
    return numericId(id, 'settings.userId');
  }

  private async lookUpOwner(ctx: AtsContext, email: string | null, name: string | null): Promise<string | null> {
    try {
      if (email) {
        const id = await this.findUserByEmail(ctx, email);
        if (id !== null) return String(id);
      }
      const id = name ? await this.findUserByName(ctx, name) : null;
      return id === null ? null : String(id);
    } catch (err) {
      if (isAtsError(err) && (err.code === 'PERMISSION_DENIED' || err.code === 'NOT_FOUND')) return null;
      throw err;
    }
  }

  private async findUserByEmail(ctx: AtsContext, email: string): Promise<number | null> {
    const answer = await this.rest<BullhornListAnswer<BullhornCorporateUser>>(ctx, {
      method: 'GET',
      url: 'query/CorporateUser',
      params: { where: `email=${jpqlString(email)}`, fields: USER_FIELDS, count: 5 },
    });
    const user = (answer.data ?? []).find(canAuthor);
    return user ? Number(user.id) : null;
  }

  private async findUserByName(ctx: AtsContext, name: string): Promise<number | null> {
    const where = corporateUserNameWhere(name);
    if (!where) return null;
    const user = await soleUserNamed<BullhornCorporateUser, number>({
      name,
      nameOf: (u) => fullNameKey(u.firstName, u.lastName),
      // The where clause asks for these already; checked again so a looser answer cannot hand us a stranger.
      canAuthor,
      maxPages: MAX_USER_PAGES,
      readPage: async (start) => {
        const answer = await this.rest<BullhornListAnswer<BullhornCorporateUser>>(ctx, {
          method: 'GET',
          url: 'query/CorporateUser',
          // Ordered by id, so the pages do not overlap.
          params: { where, fields: USER_FIELDS, orderBy: 'id', start: start ?? 0, count: USER_PAGE },
        });
        const users = answer.data ?? [];
        // `query` reports no total: a short page is the last one.
        return { users, next: users.length < USER_PAGE ? null : (start ?? 0) + users.length };
      },
    });
    return user ? Number(user.id) : null;
  }

  /** settings.noteAction, checked against the tenant's comment actions (a value outside them is refused or lost). */
  private async noteAction(ctx: AtsContext, fresh: boolean): Promise<string> {
    const { settings } = config(ctx);
    const wanted = settings.noteAction ?? DEFAULT_NOTE_ACTION;
    if (settings.validateNoteAction === false) return wanted;
    let cached = this.actionLists.get(ctx.connectionId);
    if (fresh || !cached || Date.now() - cached.at > ACTION_LIST_CACHE_MS) {
      cached = { actions: await this.fetchActions(ctx), at: Date.now() };
      this.actionLists.set(ctx.connectionId, cached);
    }
    if (!cached.actions || cached.actions.length === 0) return wanted;
    const match = cached.actions.find((a) => a.toLowerCase() === wanted.toLowerCase());
    if (match) return match;
    throw new AtsError(
      'CONFIGURATION',
      `bullhorn: note action "${wanted}" is not in this tenant's commentActionList (${cached.actions.join(', ')}); set settings.noteAction`,
    );
  }

  private async fetchActions(ctx: AtsContext): Promise<string[] | null> {
    try {
      const answer = await this.rest<{ commentActionList?: unknown }>(ctx, { method: 'GET', url: 'settings/commentActionList' });
      const list = answer.commentActionList;
      if (Array.isArray(list)) return list.filter((a): a is string => typeof a === 'string');
      if (typeof list === 'string') return list.split(',').map((a) => a.trim()).filter(Boolean);
      return null;
    } catch (err) {
      // Some API users may not read settings; the action is then sent unchecked.
      if (isAtsError(err) && (err.code === 'PERMISSION_DENIED' || err.code === 'NOT_FOUND')) return null;
      throw err;
    }
  }

  /** One REST call on the connection's session; a session refusal renews the session once and retries. */
  private async rest<T>(ctx: AtsContext, config: AxiosRequestConfig & { url: string }): Promise<T> {
    const { client, sessions } = this.connection(ctx);
    let session = await signedIn(sessions);
    const send = async () => {
      const response = await client.request<T | string>({
        ...config,
        url: `${session.restUrl}${config.url}`,
        headers: { ...(config.headers as Record<string, string> | undefined), BhRestToken: session.bhRestToken },
      });
      if (response.data === null || typeof response.data !== 'object') {
        throw new AtsError('TEMPORARY', `bullhorn: ${config.url} answered HTTP ${response.status} without JSON`, {
          status: response.status,
          uncertain: (config.method ?? 'GET').toUpperCase() !== 'GET',
        });
      }
      return response.data as T;
    };
    try {
      return await send();
    } catch (err) {
      if (!isSessionError(err)) throw err;
      sessions.invalidate(session.bhRestToken);
      session = await signedIn(sessions);
      return send();
    }
  }

  private connection(ctx: AtsContext): Connection {
    const config = authConfig(ctx);
    const { settings } = readConnectionConfig(BULLHORN_CONTRACT, ctx);
    const discovery = readBullhornDiscovery(settings);
    const timeoutMs = settings.timeoutMs ?? null;
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([config.clientId, config.clientSecret, config.username, config.password, config.authUrl, config.loginUrl, discovery]))
      .digest('hex');
    const key = `${ctx.connectionId}|${timeoutMs ?? 'default'}|${fingerprint}`;
    let connection = this.connections.get(key);
    if (!connection) {
      const client = this.http.forContext(ctx, timeoutMs);
      connection = { client, sessions: new BullhornSessionManager(client, config, discovery) };
      this.connections.set(key, connection);
    }
    return connection;
  }

}

function config(ctx: AtsContext) {
  return readConnectionConfig(BULLHORN_CONTRACT, ctx);
}

function authConfig(ctx: AtsContext): BullhornAuthConfig {
  const { credentials: c, settings: s } = config(ctx);
  return {
    clientId: c.clientId.trim(),
    clientSecret: c.clientSecret.trim(),
    username: c.username.trim(),
    password: c.password,
    // Unset URLs are found by loginInfo discovery (see the session manager).
    authUrl: s.authUrl?.replace(/\/+$/, '').replace(/\/oauth$/, '') ?? null,
    loginUrl: s.restLoginUrl ?? s.baseUrl ?? null,
    redirectUri: s.redirectUri ?? null,
  };
}

function toCandidate(raw: BullhornCandidate): AtsCandidate {
  const first = raw.firstName?.trim() || null;
  const last = raw.lastName?.trim() || null;
  const modified = typeof raw.dateLastModified === 'number' ? new Date(raw.dateLastModified) : null;
  return {
    externalId: String(raw.id),
    firstName: first,
    lastName: last,
    displayName: raw.name?.trim() || [first, last].filter(Boolean).join(' ') || String(raw.id),
    emails: distinct([raw.email, raw.email2, raw.email3]),
    phones: distinct([raw.phone, raw.mobile, raw.phone2, raw.phone3, raw.workPhone]),
    updatedAt: modified && !Number.isNaN(modified.getTime()) ? modified : null,
  };
}

function distinct(values: Array<string | null | undefined>): string[] {
  return [...new Set(values.map((v) => (typeof v === 'string' ? v.trim() : '')).filter((v) => v !== ''))];
}

/** A CorporateUser who may log in and is not deleted: only such a user can author a note. */
function canAuthor(user: BullhornCorporateUser | null | undefined): user is BullhornCorporateUser {
  return user?.id !== undefined && user?.id !== null && user.enabled !== false && user.isDeleted !== true;
}

/** Signing in (OAuth and REST login POSTs) stores nothing in Bullhorn: a lost answer there is a plain failure. */
async function signedIn(sessions: BullhornSessionManager): ReturnType<BullhornSessionManager['current']> {
  try {
    return await sessions.current();
  } catch (err) {
    if (!isAtsError(err) || !err.uncertain) throw err;
    throw new AtsError(err.code, err.message, { status: err.status, retryAfterSeconds: err.retryAfterSeconds, cause: err });
  }
}

function isSessionError(err: unknown): err is AtsError {
  return isAtsError(err) && (err.status === 401 || err.status === 412);
}

function numericId(value: string, what: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new AtsError(what === 'candidate id' ? 'INVALID_REQUEST' : 'CONFIGURATION', `bullhorn: ${what} "${value}" is not a Bullhorn id`);
  }
  return Number(value.trim());
}

function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(value: string): ListCursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<ListCursor>;
    if (parsed.v === 1 && typeof parsed.start === 'number' && parsed.start >= 0) {
      return { v: 1, start: parsed.start, since: typeof parsed.since === 'string' ? parsed.since : null };
    }
  } catch {
    // fall through
  }
  throw new AtsError('INVALID_REQUEST', 'bullhorn: the listing cursor is not one this adapter issued');
}
