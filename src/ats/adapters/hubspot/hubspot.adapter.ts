/**
 * HubSpot adapter (CRM v3 objects and search, v4 associations, owners).
 *
 * In a CRM, Debrief's "candidate" is a HubSpot contact.
 *
 * Operator contract
 * - credentials: `{ accessToken }`, a private app's access token, sent as `Authorization: Bearer`. Scopes:
 *   `crm.objects.contacts.read` (search, list, read notes and associations), `crm.objects.contacts.write`
 *   (notes are written under the contacts scopes, per HubSpot's notes guide), `crm.objects.owners.read`.
 * - settings: `baseUrl` (default `https://api.hubapi.com`), `userId` (a HubSpot owner id: the author when the
 *   meeting owner is not a HubSpot user), `rateLimit`, `timeoutMs`; `defaultRegion` reads typed phone numbers.
 *
 * What was settled, and from where (developers.hubspot.com: CRM search guide, notes guide, "API usage guidelines
 * and limits", the changelog's limit announcements; the v4 association list path as the official client
 * HubSpot/hubspot-api-nodejs builds it). Not checked against a live account: the exact content of the
 * calculated phone properties, which the search reads only as a pre-filter (results are confirmed here).
 * - Phone: `phone` and `mobilephone` are kept as typed. HubSpot fills the searchable calculated properties
 *   `hs_searchable_calculated_phone_number` / `hs_searchable_calculated_mobile_number` with the number's digits
 *   without formatting or country code, so a search asks those for the national digits (and the typed
 *   properties for the E.164 form), and every result is confirmed by parsing its numbers to E.164 here:
 *   national digits alone are shared by numbers of different countries.
 * - Search: `POST /crm/v3/objects/contacts/search`, filter groups OR-ed (at most 5, 6 filters each), at most
 *   200 a page and 10,000 results a query. The search index lags behind writes by seconds or more, so nothing
 *   that must see a write just made goes through search.
 * - Listing: `GET /crm/v3/objects/contacts?after=` (full); incremental through search on `lastmodifieddate`
 *   (GTE, ascending), started `INCREMENTAL_OVERLAP_MS` early so changes not yet indexed on the last pass are
 *   read on this one.
 * - Note: `POST /crm/v3/objects/notes` with `hs_timestamp` (the meeting's start; it places the note on the
 *   timeline), `hs_note_body` (HTML, at most 65,536 characters), `hubspot_owner_id` (shown as the note's
 *   creator) and an association to the contact, `HUBSPOT_DEFINED` type 202 (note → contact).
 * - Notes have no privacy setting: `privateNotes: false`, so the mapping's private-meeting policy decides.
 * - Finding a note again: the contact's note associations (`GET /crm/v4/objects/contacts/{id}/associations/notes`,
 *   written with the note, read from the store, not the index), then the notes themselves
 *   (`POST /crm/v3/objects/notes/batch/read`), by marker.
 * - Owner: `GET /crm/v3/owners?email=`, else the one owner of that exact name over `GET /crm/v3/owners`, else
 *   `settings.userId`.
 * - Limits (private apps): 100 requests per 10 s on Free/Starter (190 on Professional/Enterprise), a daily
 *   allowance (250,000 / 650,000 / 1,000,000), and the search endpoints 5 per second per token — answered
 *   without rate-limit headers. Debrief keeps 100 per 10 s (`settings.rateLimit` raises it) and, for search,
 *   4 per second, both shared by every instance. `X-HubSpot-RateLimit-Remaining` at 0 (the account's other apps
 *   spend the same window) holds the next request until the window has passed. `X-HubSpot-RateLimit-Daily-Remaining` is read on every answer:
 *   at `DAILY_RESERVE` or below, the connection stops sending (RATE_LIMITED, saying why) for an hour rather than
 *   spend the account's last requests, which its other integrations share; a 429 under the `DAILY` policy
 *   does the same.
 * - Errors are `{status, message, correlationId, category}` (`hubspot-error.mapper.ts`).
 *
 * Posting once is the kit's (`kit/note-poster.ts`): `postNote` sends, `findNote` looks as above.
 */
import { Injectable, Optional } from '@nestjs/common';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type {
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
import { AtsUrlPolicy, destinationGuard } from '../../kit/ats-url.policy';
import { configOrCheck, fallbackAuthorCheck } from '../../kit/connection-checks';
import { readConnectionConfig } from '../../kit/connection-contract';
import { fullNameKey, OwnerResolver, soleUserNamed } from '../../owner-resolver';
import { AtsHttpClientFactory } from '../../http/ats-http-client.factory';
import { LocalRateGates, RateGate, RateGateSource } from '../../rate-limit/rate-gate';
import { RateSlotStore } from '../../rate-limit/rate-slot.store';
import { HUBSPOT_CONTRACT } from './hubspot-connection.contract';
import { DAILY_LIMIT_RETRY_SECONDS, HUBSPOT_PROVIDER, mapHubSpotHttpError } from './hubspot-error.mapper';
import {
  CONTACT_PROPERTIES,
  decodeListCursor,
  encodeListCursor,
  hasPhone,
  HubSpotAssociation,
  HubSpotListCursor,
  HubSpotObject,
  HubSpotOwner,
  HubSpotPage,
  nameFilterGroups,
  NOTE_PROPERTIES,
  NOTE_TO_CONTACT,
  noteBody,
  noteCarries,
  phoneFilterGroups,
  toCandidate,
  toCreatedNote,
} from './hubspot.mapper';

const DEFAULT_BASE_URL = 'https://api.hubapi.com';
const DEFAULT_TIMEOUT_MS = 15_000;
/** The search endpoints' own limit is 5 per second per token; one under it leaves room for clock skew. */
export const HUBSPOT_SEARCH_RATE = { limit: 4, intervalMs: 1000 };
/** Requests left in the day below which the connection stops until HubSpot's count resets. */
export const DAILY_RESERVE = 50;
const SEARCH_LIMIT = 100;
const LIST_MAX = 100;
const SEARCH_PAGE_MAX = 200;
/** A search answers at most this many results, however it is paged. */
const SEARCH_WINDOW = 10_000;
/** How far before `updatedSince` an incremental pass starts: changes the search index had not yet taken. */
export const INCREMENTAL_OVERLAP_MS = 15 * 60_000;
const ASSOCIATION_PAGE = 500;
const MAX_ASSOCIATION_PAGES = 4;
const BATCH_READ_MAX = 100;
const OWNER_PAGE = 100;
const MAX_OWNER_PAGES = 5;

interface HubSpotConfig {
  baseUrl: string;
  accessToken: string;
  userId: string | null;
  timeoutMs: number;
  defaultRegion: string;
}

type SearchGroups = Array<{ filters: Array<{ propertyName: string; operator: string; value: string }> }>;

/**
 * A search request passes the connection's general gate, then the search endpoints' own: the tighter schedule
 * is taken last, so no wait comes between its slot and the request (a slot used late would crowd its window).
 */
class SearchGates implements RateGateSource {
  constructor(private readonly base: RateGateSource) {}

  gateFor(key: string, rate: { limit: number; intervalMs: number }): RateGate {
    const general = this.base.gateFor(key, rate);
    const search = this.base.gateFor(`${key}:search`, HUBSPOT_SEARCH_RATE);
    return {
      acquire: async () => {
        await general.acquire();
        await search.acquire();
      },
    };
  }
}

@Injectable()
export class HubSpotAdapter implements AtsAdapter {
  readonly provider = HUBSPOT_PROVIDER;
  readonly capabilities: AtsCapabilities = {
    search: ['name', 'email', 'phone'],
    listing: true,
    incrementalListing: true,
    privateNotes: false,
    richText: true,
    actAsUser: true,
    customFields: false,
    rateLimit: { limit: 100, intervalMs: 10_000 },
  };
  readonly contract = HUBSPOT_CONTRACT;

  private readonly http: AtsHttpClientFactory;
  private readonly searchHttp: AtsHttpClientFactory;
  private readonly owners = new OwnerResolver(HUBSPOT_PROVIDER, 'a HubSpot owner');
  /** Per connection: no request before this instant (epoch ms), and why. */
  private readonly dailyStops = new Map<string, { until: number; reason: string }>();
  /** Per connection: the ten-second window HubSpot reported spent (other apps of the account share it) ends then. */
  private readonly burstHolds = new Map<string, number>();

  /**
   * `rateSlots` is the rate schedule all instances share; without it (adapter tests) limits are kept in-process.
   * `urlPolicy` says where credentials may go; without it ATS_ALLOWED_HOSTS is read from the environment.
   */
  constructor(@Optional() rateSlots?: RateSlotStore, @Optional() urlPolicy?: AtsUrlPolicy) {
    const destinations = destinationGuard(HUBSPOT_CONTRACT.vendorDomains, urlPolicy);
    const gates: RateGateSource = rateSlots ?? new LocalRateGates();
    const options = { mapError: mapHubSpotHttpError, destinations };
    this.http = new AtsHttpClientFactory(HUBSPOT_PROVIDER, this.capabilities, options, gates);
    this.searchHttp = new AtsHttpClientFactory(HUBSPOT_PROVIDER, this.capabilities, options, new SearchGates(gates));
  }

  async searchCandidates(ctx: AtsContext, query: CandidateQuery): Promise<AtsCandidate[]> {
    const cfg = readConfig(ctx);
    const found = new Map<string, AtsCandidate>();
    const phone = query.phone?.trim();
    if (phone) {
      for (const c of await this.searchContacts(ctx, cfg, phoneFilterGroups(phone))) {
        if (hasPhone(c, phone, cfg.defaultRegion)) found.set(c.externalId, c);
      }
    }
    const email = query.email?.trim().toLowerCase();
    if (email) {
      const groups: SearchGroups = [
        { filters: [{ propertyName: 'email', operator: 'EQ', value: email }] },
        { filters: [{ propertyName: 'hs_additional_emails', operator: 'CONTAINS_TOKEN', value: email }] },
      ];
      for (const c of await this.searchContacts(ctx, cfg, groups)) found.set(c.externalId, c);
    }
    const nameGroups = query.name ? nameFilterGroups(query.name) : [];
    if (nameGroups.length > 0) {
      for (const c of await this.searchContacts(ctx, cfg, nameGroups)) found.set(c.externalId, c);
    }
    return [...found.values()];
  }

  async listCandidates(ctx: AtsContext, request: ListCandidatesRequest): Promise<CandidatePage> {
    const cfg = readConfig(ctx);
    const cursor: HubSpotListCursor | null = request.cursor ? decodeListCursor(request.cursor) : null;
    if (cursor?.mode === 'search' || (!cursor && request.updatedSince)) {
      const since = cursor?.mode === 'search' ? cursor.since : request.updatedSince!.getTime() - INCREMENTAL_OVERLAP_MS;
      return this.listModifiedSince(ctx, cfg, since, cursor?.mode === 'search' ? cursor.after : null, request.pageSize);
    }
    const limit = clamp(request.pageSize ?? LIST_MAX, LIST_MAX);
    const res = await this.api<HubSpotPage<HubSpotObject>>(ctx, cfg, {
      method: 'get',
      url: `${cfg.baseUrl}/crm/v3/objects/contacts`,
      params: { limit, properties: CONTACT_PROPERTIES.join(','), archived: false, ...(cursor ? { after: cursor.after } : {}) },
    });
    const after = res.data?.paging?.next?.after;
    return {
      candidates: (res.data?.results ?? []).map(toCandidate),
      nextCursor: after ? encodeListCursor({ mode: 'list', after: String(after) }) : null,
    };
  }

  async postNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft): Promise<PostedNote> {
    const cfg = readConfig(ctx);
    const authorId = await this.owners.resolve(ctx, draft.author, cfg.userId, (email, name) => this.lookUpOwner(ctx, cfg, email, name));
    const sent = {
      properties: {
        hs_timestamp: (draft.meetingStartedAt ?? new Date()).toISOString(),
        hs_note_body: noteBody(draft),
        hubspot_owner_id: authorId,
      },
      associations: [
        { to: { id: candidate.externalId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: NOTE_TO_CONTACT }] },
      ],
    };
    const res = await this.api<HubSpotObject>(ctx, cfg, {
      method: 'post',
      url: `${cfg.baseUrl}/crm/v3/objects/notes`,
      headers: { 'Content-Type': 'application/json' },
      data: sent,
    });
    const id = res.data?.id;
    return { externalNoteId: id ? String(id) : null, visibility: 'public', authorId, sent };
  }

  /**
   * Reads the contact's note associations and then the notes, newest ids first; never the search index, which
   * may not hold a note written moments ago.
   */
  async findNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft, lookup: NoteLookup): Promise<CreatedNote | null> {
    const cfg = readConfig(ctx);
    const ids: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < MAX_ASSOCIATION_PAGES; page++) {
      const res: AxiosResponse<HubSpotPage<HubSpotAssociation>> = await this.api<HubSpotPage<HubSpotAssociation>>(ctx, cfg, {
        method: 'get',
        url: `${cfg.baseUrl}/crm/v4/objects/contacts/${encodeURIComponent(candidate.externalId)}/associations/notes`,
        params: { limit: ASSOCIATION_PAGE, ...(after ? { after } : {}) },
      });
      ids.push(...(res.data?.results ?? []).map((a) => String(a.toObjectId)));
      after = res.data?.paging?.next?.after ?? null;
      if (!after) break;
    }
    // HubSpot's ids grow with time: the newest notes are read first.
    const newestFirst = [...new Set(ids)].sort((a, b) => compareIds(b, a));
    for (let i = 0; i < newestFirst.length; i += BATCH_READ_MAX) {
      const res = await this.api<HubSpotPage<HubSpotObject>>(
        ctx,
        cfg,
        {
          method: 'post',
          url: `${cfg.baseUrl}/crm/v3/objects/notes/batch/read`,
          headers: { 'Content-Type': 'application/json' },
          data: { properties: NOTE_PROPERTIES, inputs: newestFirst.slice(i, i + BATCH_READ_MAX).map((id) => ({ id })) },
        },
        { write: false },
      );
      const notes = res.data?.results ?? [];
      const note = notes.find((n) => noteCarries(n, draft.referenceMarker));
      if (note) return toCreatedNote(note);
      // Older than any attempt to post this note could be: nothing further back can carry it.
      if (lookup.since && notes.length > 0 && notes.every((n) => n.createdAt && Date.parse(n.createdAt) < lookup.since!.getTime())) break;
    }
    return null;
  }

  async testConnection(ctx: AtsContext): Promise<ConnectionCheck[]> {
    const read = configOrCheck(() => readConfig(ctx));
    if (!read.config) return read.checks;
    const cfg = read.config;
    const checks: ConnectionCheck[] = [];
    try {
      await this.api(ctx, cfg, { method: 'get', url: `${cfg.baseUrl}/crm/v3/objects/contacts`, params: { limit: 1 } });
      checks.push({ check: 'credentials', ok: true, detail: 'access token accepted' });
      checks.push({ check: 'crm.objects.contacts.read', ok: true, detail: 'can search and list contacts' });
    } catch (err) {
      if (isAtsError(err) && err.code === 'AUTH_FAILED') return [failedCheck('credentials', err)];
      checks.push({ check: 'credentials', ok: true, detail: 'access token accepted' });
      checks.push(failedCheck('crm.objects.contacts.read', err, 'cannot search or list contacts'));
    }
    try {
      await this.api(ctx, cfg, { method: 'get', url: `${cfg.baseUrl}/crm/v3/objects/notes`, params: { limit: 1 } });
      checks.push({ check: 'notes:read', ok: true, detail: 'can read notes (needed to recover from uncertain writes)' });
    } catch (err) {
      checks.push(failedCheck('notes:read', err, 'cannot read notes'));
    }
    try {
      await this.api(ctx, cfg, { method: 'get', url: `${cfg.baseUrl}/crm/v3/owners`, params: { limit: 1 } });
      checks.push({ check: 'crm.objects.owners.read', ok: true, detail: 'can resolve meeting owners to HubSpot owners' });
    } catch (err) {
      checks.push(failedCheck('crm.objects.owners.read', err, 'cannot resolve meeting owners'));
    }
    checks.push(
      await fallbackAuthorCheck({
        userId: cfg.userId,
        userKind: 'a HubSpot owner',
        lookUp: async (userId) => {
          const res = await this.api<HubSpotOwner>(ctx, cfg, {
            method: 'get',
            url: `${cfg.baseUrl}/crm/v3/owners/${encodeURIComponent(userId)}`,
            params: { idProperty: 'id', archived: false },
          });
          const owner = res.data;
          if (!owner?.id) return null;
          return { name: fullNameKey(owner.firstName, owner.lastName) ?? owner.email ?? null, active: !owner.archived };
        },
      }),
    );
    return checks;
  }

  private async searchContacts(ctx: AtsContext, cfg: HubSpotConfig, filterGroups: SearchGroups): Promise<AtsCandidate[]> {
    const res = await this.api<HubSpotPage<HubSpotObject>>(
      ctx,
      cfg,
      {
        method: 'post',
        url: `${cfg.baseUrl}/crm/v3/objects/contacts/search`,
        headers: { 'Content-Type': 'application/json' },
        data: { filterGroups, properties: CONTACT_PROPERTIES, limit: SEARCH_LIMIT },
      },
      { write: false, search: true },
    );
    return (res.data?.results ?? []).map(toCandidate);
  }

  private async listModifiedSince(
    ctx: AtsContext,
    cfg: HubSpotConfig,
    since: number,
    after: string | null,
    pageSize: number | undefined,
  ): Promise<CandidatePage> {
    const limit = clamp(pageSize ?? SEARCH_PAGE_MAX, SEARCH_PAGE_MAX);
    const res = await this.api<HubSpotPage<HubSpotObject>>(
      ctx,
      cfg,
      {
        method: 'post',
        url: `${cfg.baseUrl}/crm/v3/objects/contacts/search`,
        headers: { 'Content-Type': 'application/json' },
        data: {
          filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(since) }] }],
          sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
          properties: CONTACT_PROPERTIES,
          limit,
          ...(after ? { after } : {}),
        },
      },
      { write: false, search: true },
    );
    const candidates = (res.data?.results ?? []).map(toCandidate);
    const next = res.data?.paging?.next?.after ? String(res.data.paging.next.after) : null;
    let nextCursor: string | null = null;
    if (next && Number(next) + limit <= SEARCH_WINDOW) {
      nextCursor = encodeListCursor({ mode: 'search', since, after: next });
    } else if (next) {
      // The search stops answering at 10,000 results: a new search continues from the last change read
      // (re-reading that instant's contacts is harmless; a pass stuck on one instant would not advance).
      const last = candidates[candidates.length - 1]?.updatedAt?.getTime() ?? since;
      if (last > since) nextCursor = encodeListCursor({ mode: 'search', since: last, after: null });
    }
    return { candidates, nextCursor };
  }

  private async lookUpOwner(ctx: AtsContext, cfg: HubSpotConfig, email: string | null, name: string | null): Promise<string | null> {
    try {
      if (email) {
        const res = await this.api<HubSpotPage<HubSpotOwner>>(ctx, cfg, {
          method: 'get',
          url: `${cfg.baseUrl}/crm/v3/owners`,
          params: { email, archived: false, limit: OWNER_PAGE },
        });
        const owner = (res.data?.results ?? []).find((o) => !o.archived && o.email?.toLowerCase() === email);
        if (owner) return String(owner.id);
      }
      if (!name) return null;
      const owner = await soleUserNamed<HubSpotOwner, string>({
        name,
        nameOf: (o) => fullNameKey(o.firstName, o.lastName),
        canAuthor: (o) => !o.archived,
        maxPages: MAX_OWNER_PAGES,
        readPage: async (after) => {
          const res: AxiosResponse<HubSpotPage<HubSpotOwner>> = await this.api<HubSpotPage<HubSpotOwner>>(ctx, cfg, {
            method: 'get',
            url: `${cfg.baseUrl}/crm/v3/owners`,
            params: { archived: false, limit: OWNER_PAGE, ...(after ? { after } : {}) },
          });
          return { users: res.data?.results ?? [], next: res.data?.paging?.next?.after ?? null };
        },
      });
      return owner ? String(owner.id) : null;
    } catch (err) {
      // A token without the owners scope still posts as the configured fallback author.
      if (isAtsError(err) && err.code === 'PERMISSION_DENIED' && cfg.userId) return null;
      throw err;
    }
  }

  /** Every request: the daily stop first, then the token, then what HubSpot says is left of the day. */
  private async api<T>(
    ctx: AtsContext,
    cfg: HubSpotConfig,
    config: AxiosRequestConfig,
    options: { write?: boolean; search?: boolean } = {},
  ): Promise<AxiosResponse<T>> {
    const stop = this.dailyStops.get(ctx.connectionId);
    if (stop && stop.until > Date.now()) {
      throw new AtsError('RATE_LIMITED', `${HUBSPOT_PROVIDER}: ${stop.reason}; no request is sent until ${new Date(stop.until).toISOString()}`, {
        retryAfterSeconds: Math.ceil((stop.until - Date.now()) / 1000),
      });
    }
    const hold = (this.burstHolds.get(ctx.connectionId) ?? 0) - Date.now();
    if (hold > 0) await new Promise((resolve) => setTimeout(resolve, hold));
    const client = (options.search ? this.searchHttp : this.http).forContext(ctx, cfg.timeoutMs);
    try {
      const res = await client.request<T>(
        { ...config, headers: { Accept: 'application/json', ...config.headers, Authorization: `Bearer ${cfg.accessToken}` } },
        options.write === undefined ? {} : { write: options.write },
      );
      this.readDailyAllowance(ctx, res);
      return res;
    } catch (err) {
      if (isAtsError(err) && err.code === 'RATE_LIMITED' && (err.retryAfterSeconds ?? 0) >= DAILY_LIMIT_RETRY_SECONDS) {
        this.stopFor(ctx, err.retryAfterSeconds!, 'the daily API limit is reached');
      }
      throw err;
    }
  }

  private readDailyAllowance(ctx: AtsContext, res: AxiosResponse): void {
    this.readBurstWindow(ctx, res);
    const remaining = Number(res.headers?.['x-hubspot-ratelimit-daily-remaining']);
    const daily = Number(res.headers?.['x-hubspot-ratelimit-daily']);
    if (!Number.isFinite(remaining) || res.headers?.['x-hubspot-ratelimit-daily-remaining'] === undefined) return;
    if (remaining > DAILY_RESERVE) {
      this.dailyStops.delete(ctx.connectionId);
      return;
    }
    const of = Number.isFinite(daily) ? ` of ${daily}` : '';
    this.stopFor(ctx, DAILY_LIMIT_RETRY_SECONDS, `stopped before the daily API limit (${remaining}${of} requests left today)`);
  }

  /**
   * `X-HubSpot-RateLimit-Remaining` counts the account's ten-second window, which its other integrations also
   * spend: at 0 the next request waits the window out (`-Interval-Milliseconds`, at most ten seconds) instead
   * of drawing a 429.
   */
  private readBurstWindow(ctx: AtsContext, res: AxiosResponse): void {
    const remaining = res.headers?.['x-hubspot-ratelimit-remaining'];
    if (remaining === undefined || Number(remaining) > 0) return;
    const interval = Number(res.headers?.['x-hubspot-ratelimit-interval-milliseconds']);
    const wait = Number.isFinite(interval) && interval > 0 ? Math.min(interval, 10_000) : 10_000;
    this.burstHolds.set(ctx.connectionId, Date.now() + wait);
  }

  private stopFor(ctx: AtsContext, seconds: number, reason: string): void {
    this.dailyStops.set(ctx.connectionId, { until: Date.now() + seconds * 1000, reason });
  }
}

function readConfig(ctx: AtsContext): HubSpotConfig {
  const { credentials, settings } = readConnectionConfig(HUBSPOT_CONTRACT, ctx);
  const region = typeof settings.defaultRegion === 'string' ? settings.defaultRegion.toUpperCase() : 'US';
  return {
    baseUrl: settings.baseUrl ?? DEFAULT_BASE_URL,
    accessToken: credentials.accessToken,
    userId: settings.userId ?? null,
    timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    defaultRegion: region,
  };
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(Math.floor(value), 1), max);
}

/** Numeric ids compare as numbers (HubSpot's are), anything else as text. */
function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}
