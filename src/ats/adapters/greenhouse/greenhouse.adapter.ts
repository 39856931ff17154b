/**
 * Greenhouse Harvest v3 adapter (v1/v2 were retired on 31 Aug 2026).
 *
 * Operator contract
 * - credentials: `{ clientId, clientSecret }` — a Harvest v3 client-credentials pair. Scopes Debrief uses:
 *   `harvest:candidates:list`, `harvest:users:list`, `harvest:notes:list`, `harvest:notes:create`.
 * - settings:
 *   - `baseUrl` (default `https://harvest.greenhouse.io/v3`; some tenants and sandboxes answer elsewhere);
 *   - `authUrl` (default `https://auth.greenhouse.io`; the token endpoint is `{authUrl}/token`);
 *   - `userId`: the Greenhouse user who authors notes when the meeting owner is not a Greenhouse user, and
 *     the acting user for reads (numeric). Without it, reads go out without `sub` (the credential's default user);
 *   - `rateLimit` `{ limit, intervalMs }` (default 50 per 10 s), `timeoutMs` (default 15000).
 *
 * How it talks to Greenhouse
 * - Auth: `POST {authUrl}/token`, HTTP Basic `clientId:clientSecret`, form `grant_type=client_credentials&sub=<user id>`.
 *   The acting user is the token's `sub` (v3 has no `On-Behalf-Of`), so tokens are cached per
 *   (connection, credential, sub) and renewed a minute before `expires_at` (ISO 8601; `expires_in` is read too).
 *   A 401 from Harvest drops the token and retries once with a new one.
 * - Search: `GET /candidates?email=` (no name or phone filter exists). Listing: `GET /candidates?per_page=&updated_at=gte|<ISO>`,
 *   then `Link: <…?cursor=…>; rel="next"`; the next page sends `cursor` as its only parameter.
 * - Author: the meeting owner by `GET /users?primary_email=`, else by exact name over `GET /users`, else `settings.userId`.
 * - Note: plain text (title as first line, reference marker in the body).
 *
 * The v3 create-note body, settled with the public-code search (the vendor's reference page itself was not
 * retrievable): `POST /v3/notes` with JSON `{ candidate_id, user_id, body, visibility, note_type: "NOTE" }`,
 * visibility one of `admin_only | private | public`, answered with the note object
 * `{ id, candidate_id, application_id, user_id, body, visibility, type, … }`. Sources: two independent open-source
 * Harvest v3 clients (a Node.js "v3 note write-back" service posting exactly that body with a client-credentials
 * token, and a TypeScript Harvest v3 client whose addCandidateNote sends the same fields and checks them back on
 * the answer), a v3 write-surface inventory listing `POST /v3/notes` under scope `harvest:notes:create` with note
 * types NOTE/ACTIVITY/EMAIL, and an integration catalogue generated from the official v3 reference
 * (`POST /v3/notes`, bearer auth; `GET /v3/users` filters by `primary_email`; `GET /v3/candidates` by `email`).
 * The error bodies are assumed to keep the documented v1 shapes (`{message, errors[{message, field}]}`).
 * A private meeting gets `private` (visible to its author only; `admin_only` would show it to every admin).
 *
 * Owner who cannot see the candidate: Greenhouse answers 403 to a note posted as a user without access to the
 * candidate (the token's `sub` acts as that user; Harvest's authentication guide, and integrators' reports that a
 * note posted as such a user is refused with 403, as unified.to's Greenhouse guide describes). The note is then
 * posted as `settings.userId` and the sync records a remark saying so; any other 403 (a missing scope) fails
 * the same way for the fallback author and is reported.
 *
 * Posting once is the kit's (`kit/note-poster.ts`): `findNote` lists the candidate's notes (`GET /notes?candidate_ids=`)
 * as the owner, then as settings.userId, and returns the one carrying the reference marker.
 */
import { Injectable, Optional } from '@nestjs/common';
import { createHash } from 'node:crypto';
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
import { GREENHOUSE_CONTRACT } from './greenhouse-connection.contract';
import { GreenhouseToken, GreenhouseTokenCache } from './greenhouse-token.cache';
import {
  GreenhouseCandidate,
  GreenhouseNote,
  GreenhouseUser,
  greenhouseVisibility,
  isActiveUser,
  nextCursorFromLink,
  noteBody,
  readGreenhouseError,
  toAtsCandidate,
  toCreatedNote,
  tokenExpiry,
  userEmails,
  userName,
} from './greenhouse.mapper';

const PROVIDER = 'greenhouse';
const DEFAULT_BASE_URL = 'https://harvest.greenhouse.io/v3';
const DEFAULT_AUTH_URL = 'https://auth.greenhouse.io';
const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_PAGE_SIZE = 500;
/** Bounds on scans so one sync never walks a whole tenant. */
const MAX_NOTE_PAGES = 10;
const MAX_USER_PAGES = 5;

interface GreenhouseConfig {
  baseUrl: string;
  authUrl: string;
  clientId: string;
  clientSecret: string;
  userId: string | null;
  timeoutMs: number;
}

@Injectable()
export class GreenhouseAdapter implements AtsAdapter {
  readonly provider = PROVIDER;
  readonly capabilities: AtsCapabilities = {
    search: ['email'],
    listing: true,
    incrementalListing: true,
    privateNotes: true,
    richText: false,
    actAsUser: true,
    customFields: false,
    rateLimit: { limit: 50, intervalMs: 10_000 },
  };
  readonly contract = GREENHOUSE_CONTRACT;

  private readonly http: AtsHttpClientFactory;
  private readonly tokens = new GreenhouseTokenCache();
  /** Owner lookups, including misses, so a run of one owner's meetings does not rescan the user list. */
  private readonly owners = new OwnerResolver('greenhouse', 'a Greenhouse user');

  /**
   * `rateSlots` is the rate schedule all instances share; without it (adapter tests) the limit is kept in-process.
   * `urlPolicy` says where credentials may go; without it ATS_ALLOWED_HOSTS is read from the environment.
   */
  constructor(@Optional() rateSlots?: RateSlotStore, @Optional() urlPolicy?: AtsUrlPolicy) {
    const destinations = destinationGuard(GREENHOUSE_CONTRACT.vendorDomains, urlPolicy);
    this.http = new AtsHttpClientFactory(PROVIDER, this.capabilities, { mapError: readGreenhouseError, destinations }, rateSlots);
  }

  async searchCandidates(ctx: AtsContext, query: CandidateQuery): Promise<AtsCandidate[]> {
    if (!query.email) return [];
    const cfg = readConfig(ctx);
    const res = await this.api<GreenhouseCandidate[]>(ctx, cfg, cfg.userId, {
      method: 'get',
      url: `${cfg.baseUrl}/candidates`,
      params: { email: query.email, per_page: 100 },
    });
    return asArray<GreenhouseCandidate>(res.data).map(toAtsCandidate);
  }

  async listCandidates(ctx: AtsContext, request: ListCandidatesRequest): Promise<CandidatePage> {
    const cfg = readConfig(ctx);
    const params: Record<string, string | number> = request.cursor
      ? { cursor: request.cursor }
      : {
          per_page: Math.min(Math.max(request.pageSize ?? 100, 1), MAX_PAGE_SIZE),
          ...(request.updatedSince ? { updated_at: `gte|${request.updatedSince.toISOString()}` } : {}),
        };
    const res = await this.api<GreenhouseCandidate[]>(ctx, cfg, cfg.userId, {
      method: 'get',
      url: `${cfg.baseUrl}/candidates`,
      params,
    });
    return {
      candidates: asArray<GreenhouseCandidate>(res.data).map(toAtsCandidate),
      nextCursor: nextCursorFromLink(res.headers?.link),
    };
  }

  async postNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft): Promise<PostedNote> {
    const cfg = readConfig(ctx);
    const candidateId = numericId(candidate.externalId, 'candidate id');
    const ownerId = await this.resolveAuthor(ctx, cfg, draft.author);
    const visibility = greenhouseVisibility(draft.visibility);
    try {
      return await this.postAs(ctx, cfg, ownerId, candidateId, draft, visibility);
    } catch (err) {
      // A 403 is a refusal (nothing stored), so posting again as the fallback author cannot make a second note.
      if (!isAtsError(err) || err.code !== 'PERMISSION_DENIED' || !cfg.userId || ownerId === cfg.userId) throw err;
      const note = await this.postAs(ctx, cfg, cfg.userId, candidateId, draft, visibility);
      const remark =
        `Greenhouse refused the note as the meeting owner (user ${ownerId}), who cannot see this candidate; ` +
        `it was posted as the fallback author settings.userId (user ${cfg.userId}). Refusal: ${err.message}`;
      return { ...note, remarks: [...(note.remarks ?? []), remark] };
    }
  }

  /** `POST /v3/notes` acting as the author (token `sub`), who is also the note's `user_id`. */
  private async postAs(
    ctx: AtsContext,
    cfg: GreenhouseConfig,
    authorId: string,
    candidateId: number,
    draft: NoteDraft,
    visibility: string,
  ): Promise<PostedNote> {
    const sent = { candidate_id: candidateId, user_id: Number(authorId), body: noteBody(draft), visibility, note_type: 'NOTE' };
    const res = await this.api<GreenhouseNote>(ctx, cfg, authorId, {
      method: 'post',
      url: `${cfg.baseUrl}/notes`,
      headers: { 'Content-Type': 'application/json' },
      data: sent,
    });
    const named = res.data && typeof res.data === 'object' && res.data.id !== undefined;
    return named
      ? { ...toCreatedNote(res.data, visibility), authorId, sent }
      : { externalNoteId: null, visibility, authorId, sent };
  }

  /**
   * Reads as the meeting owner first (a private note is visible to its author only), then as settings.userId:
   * the note may have been posted as the fallback author, and the owner may not see the candidate at all.
   */
  async findNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft): Promise<CreatedNote | null> {
    const cfg = readConfig(ctx);
    const candidateId = numericId(candidate.externalId, 'candidate id');
    let owner: string | null = null;
    try {
      owner = await this.resolveAuthor(ctx, cfg, draft.author);
    } catch (err) {
      if (!isAtsError(err) || err.code !== 'CONFIGURATION') throw err;
    }
    const readers = [...new Set([owner, cfg.userId])];
    for (const [index, reader] of readers.entries()) {
      try {
        const found = await this.lookForNote(ctx, cfg, reader, candidateId, draft.referenceMarker);
        if (found) return found;
      } catch (err) {
        if (!isAtsError(err) || err.code !== 'PERMISSION_DENIED' || index === readers.length - 1) throw err;
      }
    }
    return null;
  }

  async testConnection(ctx: AtsContext): Promise<ConnectionCheck[]> {
    const read = configOrCheck(() => readConfig(ctx));
    if (!read.config) return read.checks;
    const cfg = read.config;
    const checks: ConnectionCheck[] = [];
    let token: GreenhouseToken;
    let reader = cfg.userId;
    let refusedUser: AtsError | null = null;
    try {
      token = await this.token(ctx, cfg, reader);
    } catch (err) {
      if (!isAtsError(err)) throw err;
      if (!reader || !['INVALID_REQUEST', 'PERMISSION_DENIED'].includes(err.code)) return [failedCheck('credentials', err)];
      // The credential may be sound and only settings.userId refused as acting user: ask again without it.
      refusedUser = err;
      reader = null;
      try {
        token = await this.token(ctx, cfg, null);
      } catch (retryErr) {
        return [failedCheck('credentials', retryErr)];
      }
    }
    checks.push({
      check: 'credentials',
      ok: true,
      detail: reader
        ? `token granted for user ${reader}`
        : 'token granted (reads act as the credential default user)',
    });
    const probe = async (check: string, what: string, path: string, params: Record<string, unknown>) => {
      try {
        await this.api(ctx, cfg, reader, { method: 'get', url: `${cfg.baseUrl}${path}`, params });
        checks.push({ check, ok: true, detail: `can ${what}` });
      } catch (err) {
        checks.push(failedCheck(check, err, `cannot ${what}`));
      }
    };
    await probe('candidates:list', 'list and search candidates', '/candidates', { per_page: 1 });
    await probe('users:list', 'resolve meeting owners to Greenhouse users', '/users', { per_page: 1 });
    await probe('notes:list', 'read notes (needed to recover from uncertain writes)', '/notes', { per_page: 1 });
    if (token.scopes) {
      const ok = token.scopes.includes('harvest:notes:create');
      checks.push({
        check: 'notes:create',
        ok,
        detail: ok ? 'token carries harvest:notes:create' : 'token lacks harvest:notes:create: notes cannot be posted',
        ...(ok ? {} : { code: 'PERMISSION_DENIED' as const }),
      });
    }
    checks.push(
      refusedUser
        ? {
            check: 'fallback author',
            ok: false,
            severity: 'required',
            detail: `Greenhouse refused user ${cfg.userId} as acting user: ${refusedUser.message}`,
            code: 'CONFIGURATION',
          }
        : await fallbackAuthorCheck({
            userId: cfg.userId,
            userKind: 'a Greenhouse user',
            lookUp: async (userId) => {
              const res = await this.api<GreenhouseUser[]>(ctx, cfg, userId, {
                method: 'get',
                url: `${cfg.baseUrl}/users`,
                params: { ids: userId },
              });
              const user = asArray<GreenhouseUser>(res.data).find((u) => String(u.id) === userId);
              return user ? { name: userName(user) || null, active: isActiveUser(user) } : null;
            },
          }),
    );
    return checks;
  }

  /** The meeting owner as a Greenhouse user id: by e-mail, then by exact name, then settings.userId. */
  private resolveAuthor(ctx: AtsContext, cfg: GreenhouseConfig, author: NoteDraft['author']): Promise<string> {
    return this.owners.resolve(ctx, author, cfg.userId, (email, name) => this.lookUpOwner(ctx, cfg, email, name));
  }

  private async lookUpOwner(
    ctx: AtsContext,
    cfg: GreenhouseConfig,
    email: string | null,
    name: string | null,
  ): Promise<string | null> {
    try {
      if (email) {
        const res = await this.api<GreenhouseUser[]>(ctx, cfg, cfg.userId, {
          method: 'get',
          url: `${cfg.baseUrl}/users`,
          params: { primary_email: email, per_page: 10 },
        });
        // Filter again here: a server that ignored the filter must not hand us a stranger.
        const user = asArray<GreenhouseUser>(res.data).find((u) => isActiveUser(u) && userEmails(u).includes(email));
        if (user) return String(user.id);
      }
      return name ? await this.findUserByName(ctx, cfg, name) : null;
    } catch (err) {
      // A credential that may not read users still posts as the configured fallback author.
      if (isAtsError(err) && err.code === 'PERMISSION_DENIED' && cfg.userId) return null;
      throw err;
    }
  }

  private async findUserByName(ctx: AtsContext, cfg: GreenhouseConfig, name: string): Promise<string | null> {
    const user = await soleUserNamed<GreenhouseUser, string>({
      name,
      nameOf: userName,
      canAuthor: isActiveUser,
      maxPages: MAX_USER_PAGES,
      readPage: async (cursor) => {
        const res: AxiosResponse<GreenhouseUser[]> = await this.api<GreenhouseUser[]>(ctx, cfg, cfg.userId, {
          method: 'get',
          url: `${cfg.baseUrl}/users`,
          params: cursor ? { cursor } : { per_page: MAX_PAGE_SIZE },
        });
        return { users: asArray<GreenhouseUser>(res.data), next: nextCursorFromLink(res.headers?.link) };
      },
    });
    return user ? String(user.id) : null;
  }

  private async lookForNote(
    ctx: AtsContext,
    cfg: GreenhouseConfig,
    reader: string | null,
    candidateId: number,
    marker: string,
  ): Promise<CreatedNote | null> {
    let cursor: string | null = null;
    for (let page = 0; page < MAX_NOTE_PAGES; page++) {
      const res: AxiosResponse<GreenhouseNote[]> = await this.api<GreenhouseNote[]>(ctx, cfg, reader, {
        method: 'get',
        url: `${cfg.baseUrl}/notes`,
        params: cursor ? { cursor } : { candidate_ids: String(candidateId), per_page: MAX_PAGE_SIZE },
      });
      const note = asArray<GreenhouseNote>(res.data).find(
        (n) => typeof n.body === 'string' && n.body.includes(marker) && (n.candidate_id ?? candidateId) === candidateId,
      );
      if (note) return toCreatedNote(note, 'unknown');
      cursor = nextCursorFromLink(res.headers?.link);
      if (!cursor) return null;
    }
    return null;
  }

  /** A Harvest call with a bearer token for `sub`; a 401 renews the token once. */
  private async api<T>(
    ctx: AtsContext,
    cfg: GreenhouseConfig,
    sub: string | null,
    config: AxiosRequestConfig,
  ): Promise<AxiosResponse<T>> {
    const client = this.client(ctx, cfg);
    for (let attempt = 0; ; attempt++) {
      const token = await this.token(ctx, cfg, sub);
      try {
        return await client.request<T>({
          ...config,
          headers: { Accept: 'application/json', ...config.headers, Authorization: `Bearer ${token.accessToken}` },
        });
      } catch (err) {
        if (attempt === 0 && isAtsError(err) && err.code === 'AUTH_FAILED') {
          this.tokens.invalidate(tokenKey(ctx, cfg, sub), token.accessToken);
          continue;
        }
        throw err;
      }
    }
  }

  private token(ctx: AtsContext, cfg: GreenhouseConfig, sub: string | null): Promise<GreenhouseToken> {
    return this.tokens.get(tokenKey(ctx, cfg, sub), () => this.requestToken(ctx, cfg, sub));
  }

  private async requestToken(ctx: AtsContext, cfg: GreenhouseConfig, sub: string | null): Promise<GreenhouseToken> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (sub) form.set('sub', sub);
    let res: AxiosResponse<Record<string, unknown>>;
    try {
      res = await this.client(ctx, cfg).request<Record<string, unknown>>({
        method: 'post',
        url: `${cfg.authUrl}/token`,
        auth: { username: cfg.clientId, password: cfg.clientSecret },
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        data: form.toString(),
      });
    } catch (err) {
      // Asking for a token changes nothing in Greenhouse: a lost answer is a plain temporary failure.
      if (isAtsError(err) && err.uncertain) throw new AtsError('TEMPORARY', err.message, { cause: err });
      throw err;
    }
    const data = res.data && typeof res.data === 'object' ? res.data : {};
    if (typeof data.access_token !== 'string' || data.access_token === '') {
      throw new AtsError('TEMPORARY', 'greenhouse: the token endpoint answered without an access_token', {
        status: res.status,
      });
    }
    return {
      accessToken: data.access_token,
      expiresAt: tokenExpiry(data, Date.now()),
      scopes: typeof data.scope === 'string' ? data.scope.split(/\s+/).filter(Boolean) : null,
    };
  }

  private client(ctx: AtsContext, cfg: GreenhouseConfig): AtsHttpClient {
    return this.http.forContext(ctx, cfg.timeoutMs);
  }
}

function readConfig(ctx: AtsContext): GreenhouseConfig {
  const { credentials, settings } = readConnectionConfig(GREENHOUSE_CONTRACT, ctx);
  return {
    baseUrl: settings.baseUrl ?? DEFAULT_BASE_URL,
    authUrl: settings.authUrl ?? DEFAULT_AUTH_URL,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    userId: settings.userId ?? null,
    timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

/** The credential is part of the key so a rotated secret never reuses the old secret's token. */
function tokenKey(ctx: AtsContext, cfg: GreenhouseConfig, sub: string | null): string {
  const credential = createHash('sha256').update(`${cfg.clientId}:${cfg.clientSecret}`).digest('hex').slice(0, 16);
  return `${ctx.connectionId}|${credential}|${sub ?? ''}`;
}

function numericId(value: string, what: string): number {
  if (!/^\d+$/.test(value)) throw new AtsError('INVALID_REQUEST', `greenhouse: ${what} must be numeric, got "${value}"`);
  return Number(value);
}


function asArray<T>(data: unknown): T[] {
  return Array.isArray(data) ? (data as T[]) : [];
}

