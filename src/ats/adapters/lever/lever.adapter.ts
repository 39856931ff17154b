/**
 * Lever adapter (Data API v1).
 *
 * Operator contract
 * - credentials: `{ apiKey }` — sent as HTTP Basic with the key as username and an empty password. The key needs
 *   Opportunities read, Users read, Notes read and Notes write.
 * - settings:
 *   - `baseUrl` (default `https://api.lever.co/v1`; sandbox `https://api.sandbox.lever.co/v1`);
 *   - `userId`: the Lever user who authors notes when the meeting owner is not a Lever user;
 *   - `rateLimit` `{ limit, intervalMs }` (default 10 per second, Lever's steady token-bucket rate), `timeoutMs`.
 *
 * How it talks to Lever
 * - A person is a contact with one opportunity per candidacy, and notes belong to an opportunity. Candidates are
 *   returned one per contact (`externalId` = contact id, `meta.opportunityId` = the opportunity notes go on): the
 *   open candidacy before archived ones, then the newest. Listed candidates (the directory) carry no opportunity:
 *   for them, and anything else without `meta.opportunityId`, the contact's opportunities are fetched when the
 *   note is posted (`GET /opportunities?contact_id=`).
 * - Search: `GET /opportunities?email=` (no name or phone filter). Listing: `GET /opportunities?limit=&updated_at_start=<epoch ms>`,
 *   continued with `offset=<next>` while `hasNext`; the cursor also carries the first page's filter.
 * - Author: the owner by `GET /users?email=`, else by exact name over `GET /users`, else `settings.userId`; sent as
 *   `perform_as`. Private meetings get `secret: true` (author, mentioned users, admins and sensitive-data users only).
 * - Note: `POST /opportunities/{id}/notes?perform_as=` with `{ value, secret }`; plain text.
 * - Errors are `{code, message}`; Lever sends no rate-limit headers, 429s are handled by the shared client.
 *
 * Posting once is the kit's (`kit/note-poster.ts`): `postNote` sends, `findNote` searches the notes
 * (`GET /opportunities/{id}/notes`) of the contact's recent opportunities for the reference marker.
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
  FiledNote,
  ListCandidatesRequest,
  NoteDraft,
  PostedNote,
} from '../../ats-adapter.port';
import { AtsError, isAtsError } from '../../ats-error';
import { failedCheck } from '../../connection-check';
import { AtsUrlPolicy, destinationGuard } from '../../kit/ats-url.policy';
import { configOrCheck, fallbackAuthorCheck } from '../../kit/connection-checks';
import { readConnectionConfig } from '../../kit/connection-contract';
import { OwnerResolver, soleUserNamed } from '../../owner-resolver';
import { AtsHttpClient } from '../../http/ats-http.client';
import { AtsHttpClientFactory } from '../../http/ats-http-client.factory';
import { RateSlotStore } from '../../rate-limit/rate-slot.store';
import { LEVER_CONTRACT } from './lever-connection.contract';
import {
  candidatesByContact,
  createdNoteId,
  decodeListCursor,
  encodeListCursor,
  isActiveUser,
  latestOpportunity,
  LeverList,
  LeverNote,
  LeverOpportunity,
  LeverUser,
  noteContains,
  noteText,
  readLeverError,
  toCreatedNote,
} from './lever.mapper';

const PROVIDER = 'lever';
const DEFAULT_BASE_URL = 'https://api.lever.co/v1';
const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_LIMIT = 100;
const MAX_NOTE_PAGES = 10;
const MAX_USER_PAGES = 5;
/** How many of a contact's candidacies findNote searches. */
const MAX_OPPORTUNITIES_SEARCHED = 5;

interface LeverConfig {
  baseUrl: string;
  apiKey: string;
  userId: string | null;
  timeoutMs: number;
}

@Injectable()
export class LeverAdapter implements AtsAdapter {
  readonly provider = PROVIDER;
  readonly capabilities: AtsCapabilities = {
    search: ['email'],
    listing: true,
    incrementalListing: true,
    privateNotes: true,
    richText: false,
    actAsUser: true,
    customFields: false,
    rateLimit: { limit: 10, intervalMs: 1000 },
    noteDeletion: 'delete',
  };
  readonly contract = LEVER_CONTRACT;

  private readonly http: AtsHttpClientFactory;
  /** Owner lookups, including misses, so a run of one owner's meetings does not rescan the user list. */
  private readonly owners = new OwnerResolver('lever', 'a Lever user');

  /**
   * `rateSlots` is the rate schedule all instances share; without it (adapter tests) the limit is kept in-process.
   * `urlPolicy` says where credentials may go; without it ATS_ALLOWED_HOSTS is read from the environment.
   */
  constructor(@Optional() rateSlots?: RateSlotStore, @Optional() urlPolicy?: AtsUrlPolicy) {
    const destinations = destinationGuard(LEVER_CONTRACT.vendorDomains, urlPolicy);
    this.http = new AtsHttpClientFactory(PROVIDER, this.capabilities, { mapError: readLeverError, destinations }, rateSlots);
  }

  async searchCandidates(ctx: AtsContext, query: CandidateQuery): Promise<AtsCandidate[]> {
    if (!query.email) return [];
    const cfg = readConfig(ctx);
    const res = await this.api<LeverList<LeverOpportunity>>(ctx, cfg, {
      method: 'get',
      url: `${cfg.baseUrl}/opportunities`,
      params: { email: query.email, limit: MAX_LIMIT },
    });
    return candidatesByContact(res.data?.data ?? []);
  }

  async listCandidates(ctx: AtsContext, request: ListCandidatesRequest): Promise<CandidatePage> {
    const cfg = readConfig(ctx);
    const continued = request.cursor ? decodeListCursor(request.cursor) : null;
    const updatedAtStart = continued ? continued.updatedAtStart : (request.updatedSince?.getTime() ?? null);
    const params: Record<string, string | number> = {
      limit: Math.min(Math.max(request.pageSize ?? MAX_LIMIT, 1), MAX_LIMIT),
    };
    if (updatedAtStart !== null) params.updated_at_start = updatedAtStart;
    if (continued) params.offset = continued.offset;
    const res = await this.api<LeverList<LeverOpportunity>>(ctx, cfg, {
      method: 'get',
      url: `${cfg.baseUrl}/opportunities`,
      params,
    });
    const body = res.data ?? {};
    return {
      // Contacts split over two pages come back twice with the same externalId; the directory upserts them.
      // A page may hold only some of a contact's candidacies (the last page written would win), and a directory
      // entry outlives candidacies opened after it: listed candidates carry no opportunity, so postNote
      // resolves the current one from the contact when it posts.
      candidates: candidatesByContact(body.data ?? []).map(withoutOpportunity),
      nextCursor: body.hasNext && body.next ? encodeListCursor({ offset: body.next, updatedAtStart }) : null,
    };
  }

  async postNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft): Promise<PostedNote> {
    const cfg = readConfig(ctx);
    const opportunityId = await this.opportunityFor(ctx, cfg, candidate);
    const { id: authorId, remark } = await this.resolveAuthor(ctx, cfg, draft.author);
    const secret = draft.visibility === 'private';
    const sent = { value: noteText(draft), secret };
    const res = await this.api<unknown>(ctx, cfg, {
      method: 'post',
      url: `${cfg.baseUrl}/opportunities/${encodeURIComponent(opportunityId)}/notes`,
      params: { perform_as: authorId },
      headers: { 'Content-Type': 'application/json' },
      data: sent,
    });
    return {
      externalNoteId: createdNoteId(res.data),
      visibility: secret ? 'secret' : 'public',
      authorId,
      sent,
      ...(remark ? { remarks: [remark] } : {}),
    };
  }

  /**
   * Lever documents `DELETE /opportunities/{opportunity}/notes/{noteId}` (204). A sync records the contact, not the
   * opportunity the note went on, so the contact's opportunities are tried in turn (legacy ids are opportunity
   * ids): a 404 on one means the note is not there.
   */
  async deleteNote(ctx: AtsContext, note: FiledNote): Promise<'deleted' | 'not_found'> {
    const cfg = readConfig(ctx);
    const opportunities = (await this.contactOpportunities(ctx, cfg, note.candidateId)).map((o) => o.id);
    for (const opportunityId of opportunities.length > 0 ? opportunities : [note.candidateId]) {
      try {
        await this.api<unknown>(ctx, cfg, {
          method: 'delete',
          url: `${cfg.baseUrl}/opportunities/${encodeURIComponent(opportunityId)}/notes/${encodeURIComponent(note.externalNoteId)}`,
        });
        return 'deleted';
      } catch (err) {
        if (!(isAtsError(err) && err.code === 'NOT_FOUND')) throw err;
      }
    }
    return 'not_found';
  }

  /** Lever's notes list has no date filter: the lookup reads the candidacies' notes, newest first. */
  async findNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft): Promise<CreatedNote | null> {
    const cfg = readConfig(ctx);
    const ids = new Set<string>();
    const metaId = candidate.meta?.opportunityId;
    if (typeof metaId === 'string' && metaId) ids.add(metaId);
    // The note may sit on another candidacy of the same person if a newer one appeared since it was posted.
    const opportunities = await this.contactOpportunities(ctx, cfg, candidate.externalId);
    opportunities
      .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0))
      .slice(0, MAX_OPPORTUNITIES_SEARCHED)
      .forEach((o) => ids.add(o.id));
    if (ids.size === 0) ids.add(candidate.externalId);
    return this.lookForNote(ctx, cfg, [...ids], draft.referenceMarker);
  }

  async testConnection(ctx: AtsContext): Promise<ConnectionCheck[]> {
    const read = configOrCheck(() => readConfig(ctx));
    if (!read.config) return read.checks;
    const cfg = read.config;
    const checks: ConnectionCheck[] = [];
    let sample: LeverOpportunity | null = null;
    try {
      const res = await this.api<LeverList<LeverOpportunity>>(ctx, cfg, {
        method: 'get',
        url: `${cfg.baseUrl}/opportunities`,
        params: { limit: 1 },
      });
      sample = res.data?.data?.[0] ?? null;
      checks.push({ check: 'credentials', ok: true, detail: 'API key accepted' });
      checks.push({ check: 'opportunities:read', ok: true, detail: 'can search and list candidates' });
    } catch (err) {
      if (isAtsError(err) && err.code === 'AUTH_FAILED') return [failedCheck('credentials', err)];
      checks.push({ check: 'credentials', ok: true, detail: 'API key accepted' });
      checks.push(failedCheck('opportunities:read', err, 'cannot search or list candidates'));
    }
    try {
      await this.api(ctx, cfg, { method: 'get', url: `${cfg.baseUrl}/users`, params: { limit: 1 } });
      checks.push({ check: 'users:read', ok: true, detail: 'can resolve meeting owners to Lever users' });
    } catch (err) {
      checks.push(failedCheck('users:read', err, 'cannot resolve meeting owners'));
    }
    if (sample) {
      try {
        await this.api(ctx, cfg, {
          method: 'get',
          url: `${cfg.baseUrl}/opportunities/${encodeURIComponent(sample.id)}/notes`,
          params: { limit: 1 },
        });
        checks.push({ check: 'notes:read', ok: true, detail: 'can read notes (needed to recover from uncertain writes)' });
      } catch (err) {
        checks.push(failedCheck('notes:read', err, 'cannot read notes'));
      }
    }
    checks.push(await this.checkFallbackAuthor(ctx, cfg));
    return checks;
  }

  private checkFallbackAuthor(ctx: AtsContext, cfg: LeverConfig): Promise<ConnectionCheck> {
    return fallbackAuthorCheck({
      userId: cfg.userId,
      userKind: 'a Lever user',
      lookUp: async (userId) => {
        const res = await this.api<{ data?: LeverUser }>(ctx, cfg, {
          method: 'get',
          url: `${cfg.baseUrl}/users/${encodeURIComponent(userId)}`,
        });
        const user = res.data?.data;
        return user ? { name: user.name ?? null, active: isActiveUser(user) } : null;
      },
    });
  }

  private async opportunityFor(ctx: AtsContext, cfg: LeverConfig, candidate: AtsCandidate): Promise<string> {
    const metaId = candidate.meta?.opportunityId;
    if (typeof metaId === 'string' && metaId) return metaId;
    const latest = latestOpportunity(await this.contactOpportunities(ctx, cfg, candidate.externalId));
    if (latest) return latest.id;
    // Legacy Lever candidate ids are opportunity ids.
    try {
      const res = await this.api<{ data?: LeverOpportunity }>(ctx, cfg, {
        method: 'get',
        url: `${cfg.baseUrl}/opportunities/${encodeURIComponent(candidate.externalId)}`,
      });
      if (res.data?.data?.id) return res.data.data.id;
    } catch (err) {
      if (!isAtsError(err) || err.code !== 'NOT_FOUND') throw err;
    }
    throw new AtsError('NOT_FOUND', `lever: no opportunity for contact ${candidate.externalId}`);
  }

  private async contactOpportunities(ctx: AtsContext, cfg: LeverConfig, contactId: string): Promise<LeverOpportunity[]> {
    const res = await this.api<LeverList<LeverOpportunity>>(ctx, cfg, {
      method: 'get',
      url: `${cfg.baseUrl}/opportunities`,
      params: { contact_id: contactId, limit: MAX_LIMIT },
    });
    return (res.data?.data ?? []).filter((o) => (o.contact ?? contactId) === contactId);
  }

  /** The meeting owner as a Lever user id: by e-mail, then by exact name, then settings.userId. */
  private resolveAuthor(ctx: AtsContext, cfg: LeverConfig, author: NoteDraft['author']): Promise<{ id: string; remark: string | null }> {
    return this.owners.resolveWithRemark(ctx, author, cfg.userId, (email, name) => this.lookUpOwner(ctx, cfg, email, name));
  }

  private async lookUpOwner(
    ctx: AtsContext,
    cfg: LeverConfig,
    email: string | null,
    name: string | null,
  ): Promise<string | null> {
    if (email) {
      const res = await this.api<LeverList<LeverUser>>(ctx, cfg, {
        method: 'get',
        url: `${cfg.baseUrl}/users`,
        params: { email },
      });
      const user = (res.data?.data ?? []).find((u) => isActiveUser(u) && u.email?.toLowerCase() === email);
      if (user) return user.id;
    }
    return name ? await this.findUserByName(ctx, cfg, name) : null;
  }

  private async findUserByName(ctx: AtsContext, cfg: LeverConfig, name: string): Promise<string | null> {
    const user = await soleUserNamed<LeverUser, string>({
      name,
      nameOf: (u) => u.name ?? null,
      canAuthor: isActiveUser,
      maxPages: MAX_USER_PAGES,
      readPage: async (offset) => {
        const res: AxiosResponse<LeverList<LeverUser>> = await this.api<LeverList<LeverUser>>(ctx, cfg, {
          method: 'get',
          url: `${cfg.baseUrl}/users`,
          params: { limit: MAX_LIMIT, ...(offset ? { offset } : {}) },
        });
        return { users: res.data?.data ?? [], next: res.data?.hasNext && res.data.next ? res.data.next : null };
      },
    });
    return user ? user.id : null;
  }

  private async lookForNote(
    ctx: AtsContext,
    cfg: LeverConfig,
    opportunityIds: string[],
    marker: string,
  ): Promise<CreatedNote | null> {
    for (const opportunityId of opportunityIds) {
      let offset: string | null = null;
      for (let page = 0; page < MAX_NOTE_PAGES; page++) {
        const res: AxiosResponse<LeverList<LeverNote>> = await this.api<LeverList<LeverNote>>(ctx, cfg, {
          method: 'get',
          url: `${cfg.baseUrl}/opportunities/${encodeURIComponent(opportunityId)}/notes`,
          params: { limit: MAX_LIMIT, ...(offset ? { offset } : {}) },
        });
        const note = (res.data?.data ?? []).find((n) => noteContains(n, marker));
        if (note) return toCreatedNote(note);
        offset = res.data?.hasNext && res.data.next ? res.data.next : null;
        if (!offset) break;
      }
    }
    return null;
  }

  private api<T>(ctx: AtsContext, cfg: LeverConfig, config: AxiosRequestConfig): Promise<AxiosResponse<T>> {
    return this.client(ctx, cfg).request<T>({
      ...config,
      auth: { username: cfg.apiKey, password: '' },
      headers: { Accept: 'application/json', ...config.headers },
    });
  }

  private client(ctx: AtsContext, cfg: LeverConfig): AtsHttpClient {
    return this.http.forContext(ctx, cfg.timeoutMs);
  }
}

function withoutOpportunity(candidate: AtsCandidate): AtsCandidate {
  const contactId = candidate.meta?.contactId;
  return { ...candidate, meta: typeof contactId === 'string' ? { contactId } : undefined };
}

function readConfig(ctx: AtsContext): LeverConfig {
  const { credentials, settings } = readConnectionConfig(LEVER_CONTRACT, ctx);
  return {
    baseUrl: settings.baseUrl ?? DEFAULT_BASE_URL,
    apiKey: credentials.apiKey,
    userId: settings.userId ?? null,
    timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}
