import { createHash } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import {
  AtsAdapter,
  AtsCandidate,
  AtsCapabilities,
  AtsContext,
  CandidatePage,
  CandidateQuery,
  ConnectionCheck,
  CreatedNote,
  ListCandidatesRequest,
  NoteDraft,
  NoteLookup,
  PostedNote,
} from '../../ats-adapter.port';
import { AtsError, isAtsError } from '../../ats-error';
import { failedCheck } from '../../connection-check';
import { AtsHttpClient } from '../../http/ats-http.client';
import { AtsHttpClientFactory } from '../../http/ats-http-client.factory';
import { AtsUrlPolicy, destinationGuard } from '../../kit/ats-url.policy';
import { configOrCheck, fallbackAuthorCheck } from '../../kit/connection-checks';
import { readConnectionConfig } from '../../kit/connection-contract';
import { containsText } from '../../kit/note-html';
import { OwnerResolver } from '../../owner-resolver';
import { RateSlotStore } from '../../rate-limit/rate-slot.store';
import { SALESFORCE_CONTRACT, type SalesforceNoteObject } from './salesforce-connection.contract';
import { DAILY_LIMIT_BACKOFF_SECONDS, mapSalesforceHttpError, SALESFORCE_PROVIDER, salesforceErrors, type SalesforceApiError } from './salesforce-error.mapper';
import {
  contentNotesSoql,
  emailSoql,
  legacyNotesSoql,
  listingSoql,
  nameSoql,
  noteLinksSoql,
  phoneSosl,
  salesforceId,
  type SalesforceObject,
  tasksSoql,
  userByEmailSoql,
  userByIdSoql,
  userByNameSoql,
} from './salesforce-query.builder';
import { clip, contentNoteBody, plainBody, type SalesforceRecord, toCandidate } from './salesforce.mapper';

/** The REST API version every call names (Winter '25). */
export const SALESFORCE_API_VERSION = 'v62.0';
const API = `/services/data/${SALESFORCE_API_VERSION}`;
const DEFAULT_OBJECTS: SalesforceObject[] = ['Contact', 'Lead'];
const DEFAULT_NOTE_OBJECT: SalesforceNoteObject = 'ContentNote';
const DEFAULT_USAGE_CEILING_PERCENT = 90;
const SEARCH_LIMIT = 50;
/** Salesforce's documented query batch sizes: at least 200, at most 2,000 (it may answer fewer). */
const MIN_BATCH = 200;
const MAX_BATCH = 2000;

interface Session {
  accessToken: string;
  /** `instance_url` from the token answer, without a trailing slash. */
  instanceUrl: string;
}

interface Connection {
  client: AtsHttpClient;
  session: Session | null;
  renewal: Promise<Session> | null;
}

/** The org's daily API usage, as the last `Sforce-Limit-Info` said. */
interface Usage {
  used: number;
  limit: number;
  at: number;
}

interface ListCursor {
  v: 1;
  /** Index into the connection's objects. */
  object: number;
  /** The `nextRecordsUrl` of the object's query, null for its first page. */
  next: string | null;
  since: string | null;
}

interface QueryAnswer<T> {
  totalSize?: number;
  done?: boolean;
  nextRecordsUrl?: string;
  records?: T[];
}

interface CompositeAnswer {
  compositeResponse?: Array<{ body?: unknown; httpStatusCode?: number; referenceId?: string }>;
}

/**
 * Salesforce adapter (a CRM: a Debrief "candidate" is a Contact, or a Lead not yet converted).
 *
 * Operator contract:
 * - credentials `{ clientId, clientSecret }` of a connected app (or external client app) with the OAuth 2.0
 *   client-credentials flow enabled and a run-as user; scope `api`.
 * - settings.loginUrl: the org's My Domain URL (`https://<domain>.my.salesforce.com`), where
 *   `/services/oauth2/token` issues the token; every later call goes to the token answer's `instance_url`.
 * - settings.objects: which records a candidate may be, in search order (default `["Contact", "Lead"]`).
 * - settings.noteObject: `ContentNote` (default), `Note` or `Task`; settings.userId: the User who authors notes
 *   when the meeting owner is not a Salesforce user; settings.apiUsageCeilingPercent (default 90).
 *
 * The note object, settled from Salesforce's Object Reference: ContentNote ("a note created with the enhanced
 * note taking tool", the notes Lightning shows in its Notes related list) is what Salesforce offers for notes on
 * a record today; the legacy Note cannot be created in Lightning any more and Task is an activity, not a note.
 * So ContentNote is the default: `Content` is base64 of HTML whose text is escaped (see salesforce.mapper),
 * `SharingPrivacy` `P` ("Private on Records") keeps a private meeting to its owner, and a ContentDocumentLink
 * (`LinkedEntityId` the contact or lead, `ShareType` `I`: access follows the record) puts it on the record. Both
 * are created in one `composite` request with `allOrNone`, so a note never exists without its link. `Note`
 * (`ParentId`, `IsPrivate`) and `Task` (`WhoId`, `Status` Completed; it has no privacy, so a private draft is
 * refused before anything is sent and the mapping's policy `skip`/`omit-links` is the way to file such meetings)
 * are there for orgs that keep notes that way. `OwnerId` carries the meeting owner on every object (ContentNote's
 * `OwnerId` being createable is taken from the field reference, not confirmed against a live org).
 *
 * Finding a note again reads the database, not the search index (SOSL lags behind writes): the record's
 * ContentDocumentLinks, then each enhanced note's Content; or the record's Notes / Tasks with their bodies.
 *
 * Limits: every answer carries `Sforce-Limit-Info: api-usage=used/limit` (REST API Developer Guide, "Limit Info
 * Header"); once usage reaches the ceiling the adapter stops calling the org for an hour with RATE_LIMITED and a
 * message saying so; `REQUEST_LIMIT_EXCEEDED` (403) is read the same way. Salesforce has no per-second limit
 * (only a cap on concurrent long requests), so requests are spread at 20 per second by default.
 * Errors are `[{ message, errorCode }]`; an expired session answers 401 `INVALID_SESSION_ID`, after which the
 * adapter gets a new token once and repeats the call once.
 */
@Injectable()
export class SalesforceAdapter implements AtsAdapter {
  readonly provider = SALESFORCE_PROVIDER;
  readonly capabilities: AtsCapabilities = {
    search: ['name', 'email', 'phone'],
    listing: true,
    incrementalListing: true,
    privateNotes: true,
    richText: true,
    actAsUser: true,
    customFields: false,
    rateLimit: { limit: 20, intervalMs: 1000 },
  };
  readonly contract = SALESFORCE_CONTRACT;

  private readonly http: AtsHttpClientFactory;
  private readonly connections = new Map<string, Connection>();
  private readonly usage = new Map<string, Usage>();
  private readonly owners = new OwnerResolver(SALESFORCE_PROVIDER, 'an active Salesforce user');

  constructor(@Optional() rateSlots?: RateSlotStore, @Optional() urlPolicy?: AtsUrlPolicy) {
    const destinations = destinationGuard(SALESFORCE_CONTRACT.vendorDomains, urlPolicy);
    this.http = new AtsHttpClientFactory(this.provider, this.capabilities, { mapError: mapSalesforceHttpError, destinations }, rateSlots);
  }

  async searchCandidates(ctx: AtsContext, query: CandidateQuery): Promise<AtsCandidate[]> {
    const objects = objectsOf(ctx);
    const found = new Map<string, AtsCandidate>();
    const keep = (candidate: AtsCandidate) => {
      if (!found.has(candidate.externalId)) found.set(candidate.externalId, candidate);
    };
    if (query.phone?.trim()) {
      const sosl = phoneSosl(objects, query.phone, SEARCH_LIMIT);
      if (sosl) {
        const answer = await this.api<{ searchRecords?: SalesforceRecord[] }>(ctx, { method: 'GET', url: `${API}/search`, params: { q: sosl } });
        const region = regionOf(ctx);
        for (const raw of answer.searchRecords ?? []) {
          const object = raw.attributes?.type as SalesforceObject;
          if (!raw.Id || !objects.includes(object)) continue;
          const candidate = toCandidate(raw, object);
          // The index matches loosely; only a record holding this very number is a hit.
          if (candidate.phones.some((p) => sameNumber(p, query.phone!, region))) keep(candidate);
        }
      }
    }
    for (const [value, build] of [
      [query.email?.trim(), emailSoql],
      [query.name?.trim(), nameSoql],
    ] as const) {
      if (!value) continue;
      for (const object of objects) {
        const records = await this.query<SalesforceRecord>(ctx, build(object, value, SEARCH_LIMIT));
        for (const raw of records.records ?? []) if (raw.Id) keep(toCandidate(raw, object));
      }
    }
    return [...found.values()];
  }

  async listCandidates(ctx: AtsContext, request: ListCandidatesRequest): Promise<CandidatePage> {
    const objects = objectsOf(ctx);
    const cursor = request.cursor
      ? decodeCursor(request.cursor, objects.length)
      : { v: 1 as const, object: 0, next: null, since: request.updatedSince ? request.updatedSince.toISOString() : null };
    const object = objects[cursor.object];
    const batchSize = Math.min(Math.max(request.pageSize ?? MAX_BATCH, MIN_BATCH), MAX_BATCH);
    const headers = { 'Sforce-Query-Options': `batchSize=${batchSize}` };
    const answer = cursor.next
      ? await this.api<QueryAnswer<SalesforceRecord>>(ctx, { method: 'GET', url: cursor.next, headers })
      : await this.api<QueryAnswer<SalesforceRecord>>(ctx, {
          method: 'GET',
          url: `${API}/query`,
          params: { q: listingSoql(object, cursor.since ? new Date(cursor.since) : null) },
          headers,
        });
    const candidates = (answer.records ?? []).filter((r) => r.Id).map((r) => toCandidate(r, object));
    let nextCursor: string | null = null;
    if (answer.done === false && answer.nextRecordsUrl) nextCursor = encodeCursor({ ...cursor, next: nextRecordsPath(answer.nextRecordsUrl) });
    else if (cursor.object + 1 < objects.length) nextCursor = encodeCursor({ ...cursor, object: cursor.object + 1, next: null });
    return { candidates, nextCursor };
  }

  async postNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft): Promise<PostedNote> {
    const recordId = recordIdOf(candidate);
    const noteObject = noteObjectOf(ctx);
    const isPrivate = draft.visibility === 'private';
    if (isPrivate && noteObject === 'Task') {
      throw new AtsError('INVALID_REQUEST', 'salesforce: a Task cannot be private; set the mapping\'s privateMeetingPolicy to skip or omit-links, or use noteObject ContentNote or Note');
    }
    const ownerId = await this.resolveAuthor(ctx, draft.author);
    if (noteObject === 'ContentNote') return this.postContentNote(ctx, recordId, ownerId, draft, isPrivate);
    const sent =
      noteObject === 'Note'
        ? { ParentId: recordId, Title: clip(draft.title, 80), Body: plainBody(draft), IsPrivate: isPrivate, OwnerId: ownerId }
        : {
            WhoId: recordId,
            Subject: clip(draft.title, 255),
            Description: plainBody(draft),
            Status: 'Completed',
            ActivityDate: (draft.meetingStartedAt ?? new Date()).toISOString().slice(0, 10),
            OwnerId: ownerId,
          };
    const answer = await this.api<{ id?: string; success?: boolean }>(ctx, { method: 'POST', url: `${API}/sobjects/${noteObject}`, data: sent });
    return { externalNoteId: answer.id ?? null, visibility: visibilityOf(noteObject, isPrivate), authorId: ownerId, sent };
  }

  async findNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft, lookup: NoteLookup): Promise<CreatedNote | null> {
    const recordId = recordIdOf(candidate);
    const since = lookup?.since ?? null;
    const noteObject = noteObjectOf(ctx);
    if (noteObject === 'ContentNote') return this.findContentNote(ctx, recordId, draft, since);
    if (noteObject === 'Note') {
      const notes = await this.query<{ Id: string; Body?: string; OwnerId?: string; IsPrivate?: boolean }>(ctx, legacyNotesSoql(recordId, since));
      const note = (notes.records ?? []).find((n) => (n.Body ?? '').includes(draft.referenceMarker));
      return note ? { externalNoteId: note.Id, visibility: visibilityOf('Note', note.IsPrivate === true), authorId: note.OwnerId ?? null } : null;
    }
    const tasks = await this.query<{ Id: string; Description?: string; OwnerId?: string }>(ctx, tasksSoql(recordId, since));
    const task = (tasks.records ?? []).find((t) => (t.Description ?? '').includes(draft.referenceMarker));
    return task ? { externalNoteId: task.Id, visibility: visibilityOf('Task', false), authorId: task.OwnerId ?? null } : null;
  }

  async testConnection(ctx: AtsContext): Promise<ConnectionCheck[]> {
    const read = configOrCheck(() => config(ctx));
    if (!read.config) return read.checks;
    const checks: ConnectionCheck[] = [];
    const run = async (check: string, probe: () => Promise<string>, severity: 'required' | 'advisory' = 'required'): Promise<boolean> => {
      try {
        checks.push({ check, ok: true, detail: await probe(), severity });
        return true;
      } catch (err) {
        checks.push({ ...failedCheck(check, err), severity });
        return false;
      }
    };
    const signedIn = await run('sign-in (OAuth client credentials)', async () => {
      const session = await this.session(ctx);
      return `token issued for ${new URL(session.instanceUrl).host}`;
    });
    if (!signedIn) return checks;
    for (const object of objectsOf(ctx)) {
      await run(`${object} read`, async () => {
        await this.query(ctx, `SELECT Id FROM ${object} LIMIT 1`);
        return `${object} records can be searched and listed`;
      });
    }
    const noteObject = noteObjectOf(ctx);
    await run(`${noteObject} create`, async () => {
      const describe = await this.api<{ createable?: boolean }>(ctx, { method: 'GET', url: `${API}/sobjects/${noteObject}/describe` });
      if (describe.createable !== true) throw new AtsError('PERMISSION_DENIED', `salesforce: the run-as user cannot create ${noteObject} records`);
      return `notes are filed as ${noteObject}`;
    });
    await run('meeting owner lookup (User)', async () => {
      await this.query(ctx, userByEmailSoql('debrief-connection-check@example.invalid'));
      return 'notes can carry the meeting owner';
    });
    const usage = this.usage.get(ctx.connectionId);
    if (usage) {
      const ceiling = ceilingOf(ctx);
      checks.push({
        check: 'daily API usage',
        ok: usage.used < (usage.limit * ceiling) / 100,
        severity: 'advisory',
        detail: `${usage.used} of ${usage.limit} calls used in the last 24 hours (Debrief stops at ${ceiling}%)`,
        code: 'RATE_LIMITED',
      });
    }
    checks.push(
      await fallbackAuthorCheck({
        userId: read.config.settings.userId,
        userKind: 'a Salesforce user',
        lookUp: async (userId) => {
          const soql = userByIdSoql(userId);
          if (!soql) return null;
          const users = await this.query<{ Id: string; Name?: string; IsActive?: boolean }>(ctx, soql);
          const user = (users.records ?? [])[0];
          return user ? { name: user.Name ?? null, active: user.IsActive !== false } : null;
        },
      }),
    );
    return checks;
  }

  private async postContentNote(ctx: AtsContext, recordId: string, ownerId: string, draft: NoteDraft, isPrivate: boolean): Promise<PostedNote> {
    const body = contentNoteBody(draft);
    const note = { Title: clip(draft.title, 255), Content: body.base64, OwnerId: ownerId, SharingPrivacy: isPrivate ? 'P' : 'N' };
    const link = { ContentDocumentId: '@{note.id}', LinkedEntityId: recordId, ShareType: 'I', Visibility: isPrivate ? 'InternalUsers' : 'AllUsers' };
    const sent = {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${API}/sobjects/ContentNote`, referenceId: 'note', body: note },
        { method: 'POST', url: `${API}/sobjects/ContentDocumentLink`, referenceId: 'link', body: link },
      ],
    };
    const answer = await this.api<CompositeAnswer>(ctx, { method: 'POST', url: `${API}/composite`, data: sent });
    const parts = answer.compositeResponse ?? [];
    const failed = parts.find((p) => (p.httpStatusCode ?? 0) >= 400);
    if (failed) {
      // allOrNone: the whole request was rolled back, so this is a refusal like any other 4xx.
      const errors = Array.isArray(failed.body) ? (failed.body as SalesforceApiError[]) : [];
      const real = parts.find((p) => Array.isArray(p.body) && (p.body as SalesforceApiError[]).some((e) => e?.errorCode !== 'PROCESSING_HALTED'));
      const status = real?.httpStatusCode ?? failed.httpStatusCode ?? 400;
      throw salesforceErrors((real?.body as SalesforceApiError[]) ?? errors, { status, headers: {}, data: null });
    }
    const created = parts.find((p) => p.referenceId === 'note')?.body as { id?: string } | undefined;
    return {
      externalNoteId: created?.id ?? null,
      visibility: visibilityOf('ContentNote', isPrivate),
      authorId: ownerId,
      sent: { ...sent, compositeRequest: [{ ...sent.compositeRequest[0], body: { ...note, Content: body.html } }, sent.compositeRequest[1]] },
    };
  }

  private async findContentNote(ctx: AtsContext, recordId: string, draft: NoteDraft, since: Date | null): Promise<CreatedNote | null> {
    const links = await this.query<{ ContentDocumentId?: string }>(ctx, noteLinksSoql(recordId, since));
    const ids = [...new Set((links.records ?? []).map((l) => salesforceId(l.ContentDocumentId)).filter((id): id is string => id !== null))];
    if (ids.length === 0) return null;
    const notes = await this.query<{ Id: string; OwnerId?: string; SharingPrivacy?: string }>(ctx, contentNotesSoql(ids));
    for (const note of notes.records ?? []) {
      const content = await this.api<string>(ctx, { method: 'GET', url: `${API}/sobjects/ContentNote/${note.Id}/Content`, responseType: 'text' }, true);
      if (typeof content === 'string' && containsText(content, draft.referenceMarker)) {
        return { externalNoteId: note.Id, visibility: visibilityOf('ContentNote', note.SharingPrivacy === 'P'), authorId: note.OwnerId ?? null };
      }
    }
    return null;
  }

  /** The meeting owner's User id: by e-mail, then the one active user of that exact name, then settings.userId. */
  private resolveAuthor(ctx: AtsContext, author: NoteDraft['author']): Promise<string> {
    return this.owners.resolve(ctx, author, config(ctx).settings.userId ?? null, (email, name) => this.lookUpOwner(ctx, email, name));
  }

  private async lookUpOwner(ctx: AtsContext, email: string | null, name: string | null): Promise<string | null> {
    try {
      if (email) {
        const users = await this.query<{ Id: string }>(ctx, userByEmailSoql(email));
        const id = salesforceId(users.records?.[0]?.Id);
        if (id) return id;
      }
      if (!name) return null;
      const users = await this.query<{ Id: string; Name?: string }>(ctx, userByNameSoql(name));
      const named = (users.records ?? []).filter((u) => (u.Name ?? '').trim().replace(/\s+/g, ' ').toLowerCase() === name);
      // Namesakes: never a guess.
      return named.length === 1 ? salesforceId(named[0].Id) : null;
    } catch (err) {
      // A run-as user who may not read Users still files notes, as settings.userId.
      if (isAtsError(err) && (err.code === 'PERMISSION_DENIED' || err.code === 'NOT_FOUND')) return null;
      throw err;
    }
  }

  private query<T>(ctx: AtsContext, soql: string): Promise<QueryAnswer<T>> {
    return this.api<QueryAnswer<T>>(ctx, { method: 'GET', url: `${API}/query`, params: { q: soql } });
  }

  /**
   * One REST call on the org's instance: refused up front once the daily usage reached the ceiling, the usage
   * read from every answer, and a call refused for its session repeated once on a new token.
   */
  private async api<T>(ctx: AtsContext, request: AxiosRequestConfig & { url: string }, raw = false): Promise<T> {
    this.assertUnderCeiling(ctx);
    const connection = this.connection(ctx);
    const send = async (session: Session): Promise<T> => {
      const response = await connection.client.request<T>({
        ...request,
        url: `${session.instanceUrl}${request.url}`,
        headers: { ...(request.headers as Record<string, string> | undefined), Authorization: `Bearer ${session.accessToken}` },
      });
      this.readUsage(ctx, response);
      if (!raw && (response.data === null || typeof response.data !== 'object')) {
        throw new AtsError('TEMPORARY', `salesforce: ${request.method ?? 'GET'} answered HTTP ${response.status} without JSON`, {
          status: response.status,
          uncertain: (request.method ?? 'GET').toUpperCase() !== 'GET',
        });
      }
      return response.data;
    };
    const session = await this.session(ctx);
    try {
      return await send(session);
    } catch (err) {
      if (!isAtsError(err) || err.status !== 401) throw err;
      if (connection.session?.accessToken === session.accessToken) connection.session = null;
      return send(await this.session(ctx));
    }
  }

  private assertUnderCeiling(ctx: AtsContext): void {
    const usage = this.usage.get(ctx.connectionId);
    if (!usage || usage.limit <= 0) return;
    const ceiling = ceilingOf(ctx);
    if (usage.used < (usage.limit * ceiling) / 100) return;
    const waited = (Date.now() - usage.at) / 1000;
    if (waited >= DAILY_LIMIT_BACKOFF_SECONDS) return;
    throw new AtsError(
      'RATE_LIMITED',
      `salesforce: the org has used ${usage.used} of its ${usage.limit} daily API calls; Debrief stops at ${ceiling}% (settings.apiUsageCeilingPercent) and tries again later`,
      { retryAfterSeconds: Math.max(60, Math.ceil(DAILY_LIMIT_BACKOFF_SECONDS - waited)) },
    );
  }

  private readUsage(ctx: AtsContext, response: AxiosResponse): void {
    const header = response.headers?.['sforce-limit-info'];
    const match = typeof header === 'string' ? /api-usage=(\d+)\/(\d+)/.exec(header) : null;
    if (match) this.usage.set(ctx.connectionId, { used: Number(match[1]), limit: Number(match[2]), at: Date.now() });
  }

  /** The connection's token, issued once at a time (concurrent callers share one token request). */
  private session(ctx: AtsContext): Promise<Session> {
    const connection = this.connection(ctx);
    if (connection.session) return Promise.resolve(connection.session);
    if (!connection.renewal) {
      connection.renewal = this.token(ctx, connection.client)
        .then((session) => (connection.session = session))
        .finally(() => (connection.renewal = null));
    }
    return connection.renewal;
  }

  /** OAuth 2.0 client credentials on the My Domain: `{ access_token, instance_url, … }`, no refresh token. */
  private async token(ctx: AtsContext, client: AtsHttpClient): Promise<Session> {
    const { credentials, settings } = config(ctx);
    let response: AxiosResponse<{ access_token?: unknown; instance_url?: unknown }>;
    try {
      response = await client.request(
        {
          method: 'POST',
          url: `${settings.loginUrl}/services/oauth2/token`,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          data: new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret }).toString(),
        },
        // Issuing a token stores nothing: a lost answer is a plain failure.
        { write: false },
      );
    } catch (err) {
      if (isAtsError(err) && err.status === 400 && err.code === 'INVALID_REQUEST') {
        throw new AtsError('AUTH_FAILED', err.message, { status: err.status });
      }
      throw err;
    }
    const { access_token: accessToken, instance_url: instanceUrl } = response.data ?? {};
    if (typeof accessToken !== 'string' || typeof instanceUrl !== 'string' || !URL.canParse(instanceUrl)) {
      throw new AtsError('TEMPORARY', 'salesforce: the token answer had no access_token and instance_url');
    }
    return { accessToken, instanceUrl: instanceUrl.replace(/\/+$/, '') };
  }

  private connection(ctx: AtsContext): Connection {
    const { credentials, settings } = config(ctx);
    const timeoutMs = settings.timeoutMs ?? null;
    const fingerprint = createHash('sha256').update(JSON.stringify([credentials.clientId, credentials.clientSecret, settings.loginUrl])).digest('hex');
    const key = `${ctx.connectionId}|${timeoutMs ?? 'default'}|${fingerprint}`;
    let connection = this.connections.get(key);
    if (!connection) {
      connection = { client: this.http.forContext(ctx, timeoutMs), session: null, renewal: null };
      this.connections.set(key, connection);
    }
    return connection;
  }
}

function config(ctx: AtsContext) {
  return readConnectionConfig(SALESFORCE_CONTRACT, ctx);
}

function objectsOf(ctx: AtsContext): SalesforceObject[] {
  return config(ctx).settings.objects ?? DEFAULT_OBJECTS;
}

function noteObjectOf(ctx: AtsContext): SalesforceNoteObject {
  return config(ctx).settings.noteObject ?? DEFAULT_NOTE_OBJECT;
}

function ceilingOf(ctx: AtsContext): number {
  return config(ctx).settings.apiUsageCeilingPercent ?? DEFAULT_USAGE_CEILING_PERCENT;
}

function regionOf(ctx: AtsContext): CountryCode {
  const region = ctx.settings.defaultRegion;
  return (typeof region === 'string' && /^[A-Z]{2}$/.test(region) ? region : 'US') as CountryCode;
}

function sameNumber(stored: string, e164: string, region: CountryCode): boolean {
  const parsed = parsePhoneNumberFromString(stored, region);
  return parsed?.isValid() === true && parsed.number === e164.trim();
}

/** The value the note's privacy was set to, in the chosen object's own terms. */
function visibilityOf(noteObject: SalesforceNoteObject, isPrivate: boolean): string {
  if (noteObject === 'ContentNote') return isPrivate ? 'SharingPrivacy=P' : 'SharingPrivacy=N';
  if (noteObject === 'Note') return isPrivate ? 'IsPrivate=true' : 'IsPrivate=false';
  return 'public';
}

function recordIdOf(candidate: AtsCandidate): string {
  const id = salesforceId(candidate.externalId);
  if (!id) throw new AtsError('INVALID_REQUEST', `salesforce: "${candidate.externalId.slice(0, 40)}" is not a Salesforce record id`);
  return id;
}

/** nextRecordsUrl is a path on the instance (`/services/data/vXX.X/query/01g…-2000`); nothing else is followed. */
function nextRecordsPath(url: string): string {
  if (!/^\/services\/data\/v\d+\.\d+\/query\/[A-Za-z0-9-]+$/.test(url)) {
    throw new AtsError('TEMPORARY', 'salesforce: the query answered a nextRecordsUrl that is not a query locator path');
  }
  return url;
}

function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(value: string, objects: number): ListCursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<ListCursor>;
    if (
      parsed.v === 1 &&
      typeof parsed.object === 'number' &&
      parsed.object >= 0 &&
      parsed.object < objects &&
      (parsed.next === null || (typeof parsed.next === 'string' && nextRecordsPath(parsed.next) === parsed.next))
    ) {
      return { v: 1, object: parsed.object, next: parsed.next, since: typeof parsed.since === 'string' ? parsed.since : null };
    }
  } catch {
    // fall through
  }
  throw new AtsError('INVALID_REQUEST', 'salesforce: the listing cursor is not one this adapter issued');
}
