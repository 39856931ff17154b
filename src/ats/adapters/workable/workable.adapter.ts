/**
 * Workable adapter (SPI v3).
 *
 * Operator contract
 * - credentials: `{ token }` — an account access token (or OAuth/partner token), sent as `Authorization: Bearer`.
 *   It needs `r_candidates` and `w_candidates` (or `w_comments`), and must be able to list members.
 * - settings:
 *   - `subdomain`: the account's Workable subdomain; the API is `https://{subdomain}.workable.com/spi/v3`;
 *   - `baseUrl` overrides that URL (and makes `subdomain` optional);
 *   - `userId`: the Workable member id that authors comments when the meeting owner is not a member;
 *   - `rateLimit` `{ limit, intervalMs }` (default 10 per 10 s, the account-token limit; OAuth and partner tokens
 *     get 50 per 10 s and may raise it), `timeoutMs`.
 *
 * How it talks to Workable
 * - Search: `GET /candidates?email=` (no name or phone filter). Workable keeps one record per job, so records sharing
 *   an e-mail are returned as one candidate: the most recently updated record (`meta.recordIds` lists them all).
 * - Listing: `GET /candidates?limit=&updated_after=<ISO>`, continued by replaying the query of `paging.next` on the
 *   configured base URL. Records of one person on the same page are merged the same way; records on different pages
 *   stay separate candidates (Workable has no person id to join them by).
 * - Author: the owner by `GET /members?email=`, else by exact name, else `settings.userId`, sent as `member_id`.
 * - Comment: `POST /candidates/{id}/comments` with `{ member_id, comment: { body, policy } }`; a private meeting gets
 *   `policy: ["admin"]`, a public one no policy. Plain text. Workable answers 201 without an id, so the note is
 *   identified by its reference marker (also when found again).
 * - `X-Rate-Limit-Limit/Remaining/Reset` are honoured by the shared client; a 429 carries the reset, not Retry-After.
 *
 * Finding a comment again (posting once is the kit's, `kit/note-poster.ts`): `GET /candidates/{id}/activities`
 * with `actions=comment`, `limit=100` and, when the attempt's start is known, `updated_after=<ISO>`, following
 * `paging.next`. Settled from Workable's reference page for candidate activities (workable.readme.io/reference/
 * candidate-activities: activities carry `action`, `body`, `created_at`, `updated_at`, `member`) and the query
 * parameters a connector catalogue generated from it lists (`limit` default 50, `since_id`, `max_id`, `actions`
 * as a comma list, `updated_after` "equal or later"). The default paging read the whole stream 50 at a time, so a
 * comment posted a moment ago on a busy candidate could lie past the pages read.
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
import { OwnerResolver, soleUserNamed, type UserPage } from '../../owner-resolver';
import { AtsHttpClient } from '../../http/ats-http.client';
import { AtsHttpClientFactory } from '../../http/ats-http-client.factory';
import { RateSlotStore } from '../../rate-limit/rate-slot.store';
import { WORKABLE_CONTRACT } from './workable-connection.contract';
import {
  candidatesByPerson,
  commentBody,
  cursorFromPaging,
  isActiveMember,
  policyLabel,
  readWorkableError,
  WorkableActivity,
  WorkableCandidate,
  WorkableMember,
  WorkablePaging,
  workablePolicy,
} from './workable.mapper';

const PROVIDER = 'workable';
const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_LIMIT = 100;
const MAX_ACTIVITY_PAGES = 5;
const MAX_MEMBER_PAGES = 5;

interface WorkableConfig {
  baseUrl: string;
  token: string;
  userId: string | null;
  timeoutMs: number;
}

interface CandidatesBody {
  candidates?: WorkableCandidate[] | null;
  paging?: WorkablePaging | null;
}

interface MembersBody {
  members?: WorkableMember[] | null;
  paging?: WorkablePaging | null;
}

interface ActivitiesBody {
  activities?: WorkableActivity[] | null;
  paging?: WorkablePaging | null;
}

@Injectable()
export class WorkableAdapter implements AtsAdapter {
  readonly provider = PROVIDER;
  readonly capabilities: AtsCapabilities = {
    search: ['email'],
    listing: true,
    incrementalListing: true,
    privateNotes: true,
    richText: false,
    actAsUser: true,
    customFields: false,
    rateLimit: { limit: 10, intervalMs: 10_000 },
  };
  readonly contract = WORKABLE_CONTRACT;

  private readonly http: AtsHttpClientFactory;
  /** Owner lookups, including misses, so a run of one owner's meetings does not rescan the user list. */
  private readonly owners = new OwnerResolver('workable', 'a Workable member');

  /**
   * `rateSlots` is the rate schedule all instances share; without it (adapter tests) the limit is kept in-process.
   * `urlPolicy` says where credentials may go; without it ATS_ALLOWED_HOSTS is read from the environment.
   */
  constructor(@Optional() rateSlots?: RateSlotStore, @Optional() urlPolicy?: AtsUrlPolicy) {
    const destinations = destinationGuard(WORKABLE_CONTRACT.vendorDomains, urlPolicy);
    this.http = new AtsHttpClientFactory(PROVIDER, this.capabilities, { mapError: readWorkableError, destinations }, rateSlots);
  }

  async searchCandidates(ctx: AtsContext, query: CandidateQuery): Promise<AtsCandidate[]> {
    if (!query.email) return [];
    const cfg = readConfig(ctx);
    const res = await this.api<CandidatesBody>(ctx, cfg, {
      method: 'get',
      url: `${cfg.baseUrl}/candidates`,
      params: { email: query.email, limit: MAX_LIMIT },
    });
    return candidatesByPerson(res.data?.candidates ?? []);
  }

  async listCandidates(ctx: AtsContext, request: ListCandidatesRequest): Promise<CandidatePage> {
    const cfg = readConfig(ctx);
    let params: URLSearchParams;
    if (request.cursor) {
      params = new URLSearchParams(request.cursor);
    } else {
      params = new URLSearchParams({ limit: String(Math.min(Math.max(request.pageSize ?? MAX_LIMIT, 1), MAX_LIMIT)) });
      if (request.updatedSince) params.set('updated_after', request.updatedSince.toISOString());
    }
    const res = await this.api<CandidatesBody>(ctx, cfg, { method: 'get', url: `${cfg.baseUrl}/candidates`, params });
    return {
      candidates: candidatesByPerson(res.data?.candidates ?? []),
      nextCursor: cursorFromPaging(res.data?.paging, params.get('updated_after')),
    };
  }

  async postNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft): Promise<PostedNote> {
    const cfg = readConfig(ctx);
    const { id: memberId, remark } = await this.resolveAuthor(ctx, cfg, draft.author);
    const policy = workablePolicy(draft.visibility);
    const sent = { member_id: memberId, comment: { body: commentBody(draft), ...(policy ? { policy } : {}) } };
    await this.api<unknown>(ctx, cfg, {
      method: 'post',
      url: `${cfg.baseUrl}/candidates/${encodeURIComponent(candidate.externalId)}/comments`,
      headers: { 'Content-Type': 'application/json' },
      data: sent,
    });
    return {
      externalNoteId: draft.referenceMarker,
      visibility: policyLabel(policy),
      authorId: memberId,
      sent,
      ...(remark ? { remarks: [remark] } : {}),
    };
  }

  async findNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft, lookup: NoteLookup): Promise<CreatedNote | null> {
    const cfg = readConfig(ctx);
    const recordIds = Array.isArray(candidate.meta?.recordIds)
      ? (candidate.meta.recordIds as unknown[]).filter((id): id is string => typeof id === 'string')
      : [];
    const found = await this.lookForComment(
      ctx,
      cfg,
      [...new Set([candidate.externalId, ...recordIds])],
      draft.referenceMarker,
      lookup.since,
    );
    return found ? { ...found, visibility: policyLabel(workablePolicy(draft.visibility)) } : null;
  }

  async testConnection(ctx: AtsContext): Promise<ConnectionCheck[]> {
    const read = configOrCheck(() => readConfig(ctx));
    if (!read.config) return read.checks;
    const cfg = read.config;
    const checks: ConnectionCheck[] = [];
    let sample: WorkableCandidate | null = null;
    try {
      const res = await this.api<CandidatesBody>(ctx, cfg, {
        method: 'get',
        url: `${cfg.baseUrl}/candidates`,
        params: { limit: 1 },
      });
      sample = res.data?.candidates?.[0] ?? null;
      checks.push({ check: 'credentials', ok: true, detail: 'token accepted' });
      checks.push({ check: 'candidates:read', ok: true, detail: 'can search and list candidates' });
    } catch (err) {
      if (isAtsError(err) && err.code === 'AUTH_FAILED') return [failedCheck('credentials', err)];
      checks.push({ check: 'credentials', ok: true, detail: 'token accepted' });
      checks.push(failedCheck('candidates:read', err, 'cannot search or list candidates'));
    }
    let members: WorkableMember[] = [];
    try {
      members = await this.scanMembers(ctx, cfg, {});
      checks.push({ check: 'members:read', ok: true, detail: 'can resolve meeting owners to Workable members' });
    } catch (err) {
      checks.push(failedCheck('members:read', err, 'cannot resolve meeting owners'));
    }
    if (sample) {
      try {
        await this.api(ctx, cfg, {
          method: 'get',
          url: `${cfg.baseUrl}/candidates/${encodeURIComponent(sample.id)}/activities`,
        });
        checks.push({ check: 'activities:read', ok: true, detail: 'can read comments (needed to recover from uncertain writes)' });
      } catch (err) {
        checks.push(failedCheck('activities:read', err, 'cannot read candidate activity'));
      }
    }
    // The member list read above is the lookup (Workable has no member-by-id read); unread, ask for it again.
    const listed = members.length > 0 ? members : null;
    checks.push(
      await fallbackAuthorCheck({
        userId: cfg.userId,
        userKind: 'a Workable member',
        lookUp: async (userId) => {
          const member = (listed ?? (await this.scanMembers(ctx, cfg, {}))).find((m) => m.id === userId);
          return member ? { name: member.name ?? null, active: isActiveMember(member) } : null;
        },
      }),
    );
    return checks;
  }

  /** The meeting owner as a Workable member id: by e-mail, then by exact name, then settings.userId. */
  private resolveAuthor(ctx: AtsContext, cfg: WorkableConfig, author: NoteDraft['author']): Promise<{ id: string; remark: string | null }> {
    return this.owners.resolveWithRemark(ctx, author, cfg.userId, (email, name) => this.lookUpOwner(ctx, cfg, email, name));
  }

  private async lookUpOwner(
    ctx: AtsContext,
    cfg: WorkableConfig,
    email: string | null,
    name: string | null,
  ): Promise<string | null> {
    if (email) {
      // Filter again here: a server that ignored the filter must not hand us a stranger.
      const member = (await this.scanMembers(ctx, cfg, { email }, 1)).find(
        (m) => isActiveMember(m) && m.email?.toLowerCase() === email,
      );
      if (member) return member.id;
    }
    if (!name) return null;
    const member = await soleUserNamed<WorkableMember, URLSearchParams>({
      name,
      nameOf: (m) => m.name ?? null,
      canAuthor: isActiveMember,
      maxPages: MAX_MEMBER_PAGES,
      readPage: (params) => this.membersPage(ctx, cfg, params ?? new URLSearchParams({ name, limit: String(MAX_LIMIT) })),
    });
    return member ? member.id : null;
  }

  private async scanMembers(
    ctx: AtsContext,
    cfg: WorkableConfig,
    filter: Record<string, string>,
    maxPages = MAX_MEMBER_PAGES,
  ): Promise<WorkableMember[]> {
    const members: WorkableMember[] = [];
    let params: URLSearchParams | null = new URLSearchParams({ ...filter, limit: String(MAX_LIMIT) });
    for (let page = 0; params && page < maxPages; page++) {
      const { users, next } = await this.membersPage(ctx, cfg, params);
      members.push(...users);
      params = next;
    }
    return members;
  }

  /** One page of `GET /members`, and the query of the next one (`paging.next`), if any. */
  private async membersPage(ctx: AtsContext, cfg: WorkableConfig, params: URLSearchParams): Promise<UserPage<WorkableMember, URLSearchParams>> {
    const res: AxiosResponse<MembersBody> = await this.api<MembersBody>(ctx, cfg, {
      method: 'get',
      url: `${cfg.baseUrl}/members`,
      params,
    });
    const next = cursorFromPaging(res.data?.paging, null);
    return { users: res.data?.members ?? [], next: next ? new URLSearchParams(next) : null };
  }

  /**
   * Comments only, updated since the attempt began when that is known, a hundred a page: a busy candidate's
   * stream (stage moves, e-mails, ratings) no longer pushes a fresh comment past the pages read.
   */
  private async lookForComment(
    ctx: AtsContext,
    cfg: WorkableConfig,
    candidateIds: string[],
    marker: string,
    since: Date | null,
  ): Promise<CreatedNote | null> {
    for (const candidateId of candidateIds) {
      let params = new URLSearchParams({ actions: 'comment', limit: String(MAX_LIMIT) });
      if (since) params.set('updated_after', since.toISOString());
      for (let page = 0; page < MAX_ACTIVITY_PAGES; page++) {
        const res: AxiosResponse<ActivitiesBody> = await this.api<ActivitiesBody>(ctx, cfg, {
          method: 'get',
          url: `${cfg.baseUrl}/candidates/${encodeURIComponent(candidateId)}/activities`,
          params,
        });
        const activity = (res.data?.activities ?? []).find((a) => typeof a.body === 'string' && a.body.includes(marker));
        if (activity) {
          return { externalNoteId: marker, visibility: 'unknown', authorId: activity.member?.id ?? null };
        }
        const next = cursorFromPaging(res.data?.paging, null);
        if (!next) break;
        params = new URLSearchParams(next);
        // Later pages keep the filters even if Workable's link leaves them out.
        if (!params.has('actions')) params.set('actions', 'comment');
        if (since && !params.has('updated_after')) params.set('updated_after', since.toISOString());
      }
    }
    return null;
  }

  private api<T>(ctx: AtsContext, cfg: WorkableConfig, config: AxiosRequestConfig): Promise<AxiosResponse<T>> {
    return this.client(ctx, cfg).request<T>({
      ...config,
      headers: { Accept: 'application/json', ...config.headers, Authorization: `Bearer ${cfg.token}` },
    });
  }

  private client(ctx: AtsContext, cfg: WorkableConfig): AtsHttpClient {
    return this.http.forContext(ctx, cfg.timeoutMs);
  }
}

function readConfig(ctx: AtsContext): WorkableConfig {
  const { credentials, settings } = readConnectionConfig(WORKABLE_CONTRACT, ctx);
  let baseUrl = settings.baseUrl;
  if (!baseUrl) {
    if (!settings.subdomain) throw new AtsError('CONFIGURATION', 'workable: settings.subdomain (or settings.baseUrl) is required');
    baseUrl = `https://${settings.subdomain}.workable.com/spi/v3`;
  }
  return {
    baseUrl,
    token: credentials.token,
    userId: settings.userId ?? null,
    timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

/** Exposed for the operator-facing default: which API a connection's settings point at. */
export function workableBaseUrl(ctx: AtsContext): string {
  return readConfig(ctx).baseUrl;
}


