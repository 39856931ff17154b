import { Injectable, Optional } from '@nestjs/common';
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
import {
  ASHBY_PROVIDER,
  AshbyApiError,
  ashbyEnvelopeError,
  mapAshbyHttpError,
  RESTART_CURSOR_CODES,
  RESTART_SYNC_CODES,
} from './ashby-error.mapper';
import { ASHBY_CONTRACT } from './ashby-connection.contract';
import { buildAshbyNoteHtml, containsText } from './ashby-note.formatter';
import { decodeAshbySyncState, encodeAshbySyncState, syncTokenFor } from './ashby-sync-state';
import type { AshbyCandidate, AshbyContact, AshbyEnvelope, AshbyNote, AshbyUser } from './ashby.types';

const DEFAULT_BASE_URL = 'https://api.ashbyhq.com';
const ACCEPT = 'application/json; version=1';
const MAX_PAGE = 100;
/** listNotes is paged; a candidate with more notes than this is not plausible, and the bound stops a runaway loop. */
const MAX_NOTE_PAGES = 50;
/**
 * Ashby finds users by e-mail only, so an owner known by name alone means listing users. Five pages of a hundred
 * cover most organisations; past that the lookup gives up (fallback author) rather than read every user.
 */
const MAX_USER_PAGES = 5;
/** A candidate id that cannot exist: lets testConnection probe permissions without touching data. */
const PROBE_CANDIDATE_ID = '00000000-0000-0000-0000-000000000000';
const PROBE_EMAIL = 'debrief-connection-check@example.invalid';

interface ListCursor {
  v: 1;
  /** Ashby's own cursor for the next page. */
  c: string | null;
  /** The sync token this pass runs on; null for a full pass. */
  s: string | null;
  /** Client-side `updatedAt >=` filter (ms) for a full pass asked to be incremental. */
  f: number | null;
  /** When the pass began (ms); kept with the sync token it ends with. */
  t: number;
  /** Set when this pass replaces a sync token Ashby refused: the kept one is forgotten when the pass ends. */
  d?: true;
}

/**
 * Ashby adapter.
 *
 * Operator contract:
 * - credentials `{ apiKey }`: HTTP Basic with the key as username and an empty password. The key needs
 *   Candidates read + write (candidate.search, .list, .listNotes, .createNote) and Organization read
 *   (user.search, user.list, user.info, to author notes as the meeting owner), and "Allow access to non-offer
 *   private fields?" for private notes (developers.ashbyhq.com, Authentication: "Private Fields Access").
 * - credentials and settings are read through ASHBY_CONTRACT (ashby-connection.contract.ts).
 * - settings.baseUrl: default `https://api.ashbyhq.com` (tests point it at a local fake).
 * - settings.userId: Ashby user id that authors notes when the meeting owner is not an Ashby user.
 *   Private notes are only visible to users (and keys) allowed to see private fields; the reference-marker
 *   lookup therefore reads notes as their author first.
 * - settings.timeoutMs: per-request timeout; settings.rateLimit `{limit, intervalMs}` overrides the default.
 *
 * Calls are RPC style: `POST {baseUrl}/<resource>.<method>` with a JSON body and
 * `Accept: application/json; version=1`. Notes are written with `X-On-Behalf-Of: <user id>` so they carry
 * the meeting owner's name (the header is not in Ashby's public API reference, only in its changelog of
 * 2026-11-10; if Ashby ignores it, the API key's user authors the note), as `text/html` reduced to Ashby's allowed tags, `isPrivate: true` for private
 * meetings and `sendNotifications: false`.
 *
 * Settled from sources (the vendor's docs are the authority where they speak):
 * - Failures arrive as HTTP 200 with `success: false` and `errorInfo {code, message, requestId}`
 *   (developers.ashbyhq.com/docs/responses); `errors[]` entries are strings or `{message, parameter}`
 *   (simstudioai/sim apps/sim/tools/ashby/utils.ts). Both are read; the code decides, else the message.
 * - `candidate.listNotes {candidateId, cursor, limit}` answers `{results: [{id, content, isPrivate, author,
 *   createdAt}], moreDataAvailable, nextCursor}` (simstudioai/sim tools/ashby/list_notes.ts); `content` is
 *   what was stored, so the reference marker is looked for raw and HTML-escaped. With `X-On-Behalf-Of`,
 *   createNote and listNotes apply the acting user's "can see private fields" permission
 *   (changelog 2026-11-10-fix-on-behalf-of-private-notes-and-emails).
 * - `user.search {email}` answers `results: User[]` (simstudioai/sim ashby search-users tool); it takes no name.
 * - `user.list {cursor, limit}` pages like candidate.list and returns enabled users only unless asked for
 *   `includeDeactivated` (developers.ashbyhq.com/reference/userlist); User has `firstName`/`lastName`, no one name.
 * - `candidate.list` pages with `cursor`/`nextCursor`/`moreDataAvailable`; the `syncToken` comes only on the
 *   last page of a pass and, sent back, returns only what changed since (developers.ashbyhq.com/docs/sync and
 *   /docs/pagination-and-incremental-sync). Expired or undecodable tokens fail with `sync_token_expired` /
 *   `sync_token_invalid`, cursors with `next_cursor_expired` / `invalid_next_cursor` (changelog 2026-08-04),
 *   and an incremental pass that grows too deep with `incremental_sync_too_large`, after which the token must
 *   be discarded for a full sync (changelog 2026-05-14).
 * - Rate limit: per API key, 429 with Retry-After (third-party summaries; Ashby's changelog 2026-10-14 adds
 *   `X-RateLimit-Scope: integration-partner` for partner-wide throttling). No number is published, so the
 *   default here is a conservative 10 requests/second; the ATS's 429 stays authoritative.
 *
 * Incremental listing: the port asks for "updated since T" while Ashby works with sync tokens. The last page
 * of a complete pass hands back, as the page's `syncState`, the token Ashby ended it with and when the pass
 * began; the directory refresh keeps it in the database with the connection's refresh state and passes it in
 * again, so every instance, and one that restarted, continues from it (ashby-sync-state.ts). A later pass whose
 * T is no earlier than that pass's start (less fifteen minutes of slack for the caller's overlap and clock) runs
 * on the token; otherwise, or when Ashby rejects the token, it runs a full pass and filters on `updatedAt >= T`
 * itself, so no change is ever missed, only sometimes read the slow way. A rejected token is never handed back:
 * that pass ends with Ashby's fresh token, or with `syncState: null`.
 */
@Injectable()
export class AshbyAdapter implements AtsAdapter {
  readonly provider = ASHBY_PROVIDER;
  readonly capabilities: AtsCapabilities = {
    search: ['name', 'email'],
    listing: true,
    incrementalListing: true,
    privateNotes: true,
    richText: true,
    actAsUser: true,
    customFields: false,
    rateLimit: { limit: 10, intervalMs: 1000 },
  };
  readonly contract = ASHBY_CONTRACT;

  private readonly http: AtsHttpClientFactory;
  /** Owner lookups, including misses, so a run of one owner's meetings does not list the users again. */
  private readonly owners = new OwnerResolver(ASHBY_PROVIDER, 'an Ashby user');

  /**
   * `rateSlots` is the rate schedule all instances share; without it (adapter tests) the limit is kept in-process.
   * `urlPolicy` says where credentials may go; without it ATS_ALLOWED_HOSTS is read from the environment.
   */
  constructor(@Optional() rateSlots?: RateSlotStore, @Optional() urlPolicy?: AtsUrlPolicy) {
    const destinations = destinationGuard(ASHBY_CONTRACT.vendorDomains, urlPolicy);
    this.http = new AtsHttpClientFactory(this.provider, this.capabilities, { mapError: mapAshbyHttpError, destinations }, rateSlots);
  }

  async searchCandidates(ctx: AtsContext, query: CandidateQuery): Promise<AtsCandidate[]> {
    const searches: Array<Record<string, string>> = [];
    if (query.email?.trim()) searches.push({ email: query.email.trim() });
    if (query.name?.trim()) searches.push({ name: query.name.trim() });
    const found = new Map<string, AtsCandidate>();
    // Ashby ANDs name and email in one search; separate searches let either identity find the candidate.
    for (const body of searches) {
      const envelope = await this.rpc<AshbyCandidate[]>(ctx, 'candidate.search', body);
      for (const raw of envelope.results ?? []) {
        if (raw?.id && !found.has(raw.id)) found.set(raw.id, toCandidate(raw));
      }
    }
    return [...found.values()];
  }

  async listCandidates(ctx: AtsContext, request: ListCandidatesRequest): Promise<CandidatePage> {
    const limit = Math.min(Math.max(request.pageSize ?? MAX_PAGE, 1), MAX_PAGE);
    const cursor = request.cursor ? decodeCursor(request.cursor) : newPass(request.updatedSince, request.syncState);
    try {
      return await this.listPage(ctx, cursor, limit);
    } catch (err) {
      if (!(err instanceof AshbyApiError) || err.ashbyCode === null) throw err;
      if (RESTART_SYNC_CODES.has(err.ashbyCode) && cursor.s !== null) {
        // The token is no longer usable: read everything, filtering on updatedAt ourselves, and let the pass's
        // last page say the token is gone (its own fresh token, if Ashby gives one, takes its place).
        const since = request.updatedSince?.getTime() ?? cursor.f;
        return this.listPage(ctx, { v: 1, c: null, s: null, f: since, t: Date.now(), d: true }, limit);
      }
      if (RESTART_CURSOR_CODES.has(err.ashbyCode) && cursor.c !== null) {
        // An expired page cursor cannot be resumed; starting the pass again re-reads, which upserts harmlessly.
        return this.listPage(ctx, { ...cursor, c: null }, limit);
      }
      throw err;
    }
  }

  async postNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft): Promise<PostedNote> {
    const authorId = await this.resolveAuthor(ctx, draft.author);
    const isPrivate = draft.visibility === 'private';
    const sent = {
      candidateId: candidate.externalId,
      note: { type: 'text/html', value: buildAshbyNoteHtml(draft) },
      isPrivate,
      sendNotifications: false,
    };
    const envelope = await this.rpc<AshbyNote>(ctx, 'candidate.createNote', sent, { onBehalfOf: authorId, write: true });
    const note = envelope.results;
    return {
      externalNoteId: note?.id ?? null,
      visibility: (note?.isPrivate ?? isPrivate) ? 'private' : 'public',
      authorId: note?.author?.id ?? authorId,
      sent,
    };
  }

  async findNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft): Promise<CreatedNote | null> {
    const authorId = await this.resolveAuthor(ctx, draft.author).catch(() => null);
    return this.lookupNote(ctx, candidate.externalId, draft.referenceMarker, authorId);
  }

  /**
   * Scans the candidate's notes for the marker. A private note may be hidden from the key itself, so the scan
   * first runs as the note's author (who sees it), then as the key when that found nothing.
   */
  private async lookupNote(
    ctx: AtsContext,
    candidateId: string,
    marker: string,
    authorId: string | null,
  ): Promise<CreatedNote | null> {
    const actors = authorId ? [authorId, undefined] : [undefined];
    for (const onBehalfOf of actors) {
      const found = await this.scanNotes(ctx, candidateId, marker, onBehalfOf);
      if (found) return found;
    }
    return null;
  }

  private async scanNotes(
    ctx: AtsContext,
    candidateId: string,
    marker: string,
    onBehalfOf: string | undefined,
  ): Promise<CreatedNote | null> {
    let cursor: string | null = null;
    for (let page = 0; page < MAX_NOTE_PAGES; page++) {
      const body: Record<string, unknown> = { candidateId, limit: MAX_PAGE };
      if (cursor) body.cursor = cursor;
      const envelope = await this.rpc<AshbyNote[]>(ctx, 'candidate.listNotes', body, { onBehalfOf });
      const note = (envelope.results ?? []).find((n) => containsText(n?.content ?? '', marker));
      if (note) {
        return {
          externalNoteId: note.id,
          visibility: note.isPrivate ? 'private' : 'public',
          authorId: note.author?.id ?? null,
        };
      }
      cursor = envelope.moreDataAvailable && envelope.nextCursor ? envelope.nextCursor : null;
      if (!cursor) return null;
    }
    return null;
  }

  async testConnection(ctx: AtsContext): Promise<ConnectionCheck[]> {
    const read = configOrCheck(() => config(ctx));
    if (!read.config) return read.checks;
    const checks: ConnectionCheck[] = [];
    const run = async (check: string, ok: string, probe: () => Promise<unknown>, accept: (e: AtsError) => boolean = () => false) => {
      try {
        await probe();
        checks.push({ check, ok: true, detail: ok });
        return true;
      } catch (err) {
        const e = toAtsError(err);
        if (accept(e)) {
          checks.push({ check, ok: true, detail: ok });
          return true;
        }
        checks.push({ check, ok: false, detail: e.message, code: e.code });
        return false;
      }
    };
    const keyWorks = await run('api key and candidate search', 'candidate.search answered', () =>
      this.rpc(ctx, 'candidate.search', { email: PROBE_EMAIL }),
    );
    if (!keyWorks) return checks;
    let sample: AshbyCandidate | null = null;
    await run('candidate listing', 'candidate.list answered', async () => {
      sample = (await this.rpc<AshbyCandidate[]>(ctx, 'candidate.list', { limit: 1 })).results?.[0] ?? null;
    });
    // An unknown candidate proves the permission without reading or writing anything real.
    const permissionOnly = (e: AtsError) => e.code === 'NOT_FOUND' || e.code === 'INVALID_REQUEST';
    await run('note reading (candidate.listNotes)', 'candidate.listNotes is permitted', () =>
      this.rpc(ctx, 'candidate.listNotes', { candidateId: PROBE_CANDIDATE_ID, limit: 1 }), permissionOnly,
    );
    await run('note writing (candidate.createNote)', 'candidate.createNote is permitted', () =>
      this.rpc(ctx, 'candidate.createNote', {
        candidateId: PROBE_CANDIDATE_ID,
        note: { type: 'text/html', value: 'connection check' },
        sendNotifications: false,
      }), permissionOnly,
    );
    await run('meeting owner lookup (user.search)', 'user.search is permitted; notes can carry the meeting owner', () =>
      this.rpc(ctx, 'user.search', { email: PROBE_EMAIL }),
    );
    checks.push(await this.privateFieldsCheck(ctx, sample));
    checks.push(
      await fallbackAuthorCheck({
        userId: read.config.settings.userId,
        userKind: 'an Ashby user',
        lookUp: async (userId) => {
          const user = (await this.rpc<AshbyUser>(ctx, 'user.info', { userId })).results;
          return user ? { name: [user.firstName, user.lastName].filter(Boolean).join(' ') || null, active: isEnabledUser(user) } : null;
        },
      }),
    );
    return checks;
  }

  /**
   * Private notes need the key's "Allow access to non-offer private fields?" permission (developers.ashbyhq.com,
   * Authentication: "Private Fields Access"); without it a private note's reference marker cannot be read back
   * after an uncertain write. The API does not say whether a key has it (apiKey.info is undocumented beyond
   * needing apiKeysRead), so the check is advisory: a private note seen on a sample candidate proves it.
   */
  private async privateFieldsCheck(ctx: AtsContext, sample: AshbyCandidate | null): Promise<ConnectionCheck> {
    const check = 'private notes (non-offer private fields)';
    const unconfirmed = (why: string): ConnectionCheck => ({
      check,
      ok: false,
      severity: 'advisory',
      detail: `${why}: make sure the API key has "Allow access to non-offer private fields?", or private meetings' notes cannot be read back`,
      code: 'PERMISSION_DENIED',
    });
    if (!sample) return unconfirmed('not confirmed (no candidate to look at)');
    try {
      const notes = await this.rpc<AshbyNote[]>(ctx, 'candidate.listNotes', { candidateId: sample.id, limit: MAX_PAGE });
      if ((notes.results ?? []).some((n) => n?.isPrivate === true)) {
        return { check, ok: true, severity: 'advisory', detail: 'the key reads private notes' };
      }
      return unconfirmed('not confirmed (no private note on the sample candidate)');
    } catch (err) {
      return unconfirmed(`not confirmed (${toAtsError(err).message})`);
    }
  }

  private async listPage(ctx: AtsContext, cursor: ListCursor, limit: number): Promise<CandidatePage> {
    const body: Record<string, unknown> = { limit };
    if (cursor.c) body.cursor = cursor.c;
    if (cursor.s) body.syncToken = cursor.s;
    const envelope = await this.rpc<AshbyCandidate[]>(ctx, 'candidate.list', body);
    const candidates = (envelope.results ?? [])
      .filter((raw) => raw?.id)
      .map(toCandidate)
      .filter((c) => cursor.f === null || c.updatedAt === null || c.updatedAt.getTime() >= cursor.f);
    if (envelope.moreDataAvailable && envelope.nextCursor) {
      return { candidates, nextCursor: encodeCursor({ ...cursor, c: envelope.nextCursor }) };
    }
    if (envelope.syncToken) {
      return {
        candidates,
        nextCursor: null,
        syncState: encodeAshbySyncState({ token: envelope.syncToken, passStartedAt: new Date(cursor.t) }),
      };
    }
    // Without a fresh token the kept one stays, unless Ashby refused it during this pass.
    return { candidates, nextCursor: null, ...(cursor.d ? { syncState: null } : {}) };
  }

  /** The meeting owner's Ashby user id: by e-mail, then by exact name, then settings.userId. */
  private resolveAuthor(ctx: AtsContext, author: NoteDraft['author']): Promise<string> {
    return this.owners.resolve(ctx, author, config(ctx).settings.userId ?? null, (email, name) =>
      this.lookUpOwner(ctx, email, name),
    );
  }

  private async lookUpOwner(ctx: AtsContext, email: string | null, name: string | null): Promise<string | null> {
    try {
      if (email) {
        const id = await this.findUserByEmail(ctx, email);
        if (id) return id;
      }
      return name ? await this.findUserByName(ctx, name) : null;
    } catch (err) {
      // Without Organization read the owner cannot be resolved; the fallback author still lets the note through.
      if (isAtsError(err) && (err.code === 'PERMISSION_DENIED' || err.code === 'NOT_FOUND')) return null;
      throw err;
    }
  }

  private async findUserByEmail(ctx: AtsContext, email: string): Promise<string | null> {
    const envelope = await this.rpc<AshbyUser[] | AshbyUser>(ctx, 'user.search', { email });
    const users = Array.isArray(envelope.results) ? envelope.results : envelope.results ? [envelope.results] : [];
    const enabled = users.filter((u) => u?.id && isEnabledUser(u));
    const exact = enabled.find((u) => (u.email ?? '').toLowerCase() === email);
    return (exact ?? enabled[0])?.id ?? null;
  }

  private async findUserByName(ctx: AtsContext, name: string): Promise<string | null> {
    const user = await soleUserNamed<AshbyUser, string>({
      name,
      nameOf: (u) => fullNameKey(u.firstName, u.lastName),
      // user.list leaves deactivated users out already; checked again, as a disabled user cannot act.
      canAuthor: (u) => Boolean(u?.id) && isEnabledUser(u),
      maxPages: MAX_USER_PAGES,
      readPage: async (cursor) => {
        const body: Record<string, unknown> = { limit: MAX_PAGE };
        if (cursor) body.cursor = cursor;
        const envelope = await this.rpc<AshbyUser[]>(ctx, 'user.list', body);
        return {
          users: envelope.results ?? [],
          next: envelope.moreDataAvailable && envelope.nextCursor ? envelope.nextCursor : null,
        };
      },
    });
    return user?.id ?? null;
  }

  private async rpc<T>(
    ctx: AtsContext,
    endpoint: string,
    body: Record<string, unknown>,
    options: { onBehalfOf?: string; write?: boolean } = {},
  ): Promise<AshbyEnvelope<T>> {
    const { credentials, settings } = config(ctx);
    const apiKey = credentials.apiKey;
    const headers: Record<string, string> = {
      Accept: ACCEPT,
      'Content-Type': 'application/json',
      Authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
    };
    if (options.onBehalfOf) headers['X-On-Behalf-Of'] = options.onBehalfOf;
    // Every call is a POST; only the ones that change something may leave an uncertain outcome.
    const write = options.write === true;
    const response = await this.client(ctx).request<AshbyEnvelope<T> | string>(
      { method: 'POST', url: `${settings.baseUrl ?? DEFAULT_BASE_URL}/${endpoint}`, data: body, headers },
      { write },
    );
    const data = response.data;
    if (!data || typeof data !== 'object') {
      throw new AtsError('TEMPORARY', `ashby: ${endpoint} answered HTTP ${response.status} without JSON`, {
        status: response.status,
        uncertain: write,
      });
    }
    // Ashby reports most failures inside HTTP 200; the shared client only sees statuses.
    if (data.success !== true) throw ashbyEnvelopeError(data, endpoint);
    return data;
  }

  private client(ctx: AtsContext): AtsHttpClient {
    return this.http.forContext(ctx, config(ctx).settings.timeoutMs ?? null);
  }
}

function isEnabledUser(user: AshbyUser): boolean {
  return user.isEnabled !== false;
}

function toCandidate(raw: AshbyCandidate): AtsCandidate {
  const updated = raw.updatedAt ? new Date(raw.updatedAt) : null;
  return {
    externalId: raw.id,
    // Ashby keeps one `name`; splitting it would guess, so first/last stay unknown.
    firstName: null,
    lastName: null,
    displayName: raw.name?.trim() || raw.primaryEmailAddress?.value || raw.id,
    emails: contactValues(raw.primaryEmailAddress, raw.emailAddresses),
    phones: contactValues(raw.primaryPhoneNumber, raw.phoneNumbers),
    updatedAt: updated && !Number.isNaN(updated.getTime()) ? updated : null,
    meta: { profileUrl: raw.profileUrl ?? null, applicationIds: raw.applicationIds ?? [] },
  };
}

function contactValues(primary: AshbyContact | null | undefined, all: AshbyContact[] | null | undefined): string[] {
  const values = [primary, ...(all ?? [])]
    .map((c) => (typeof c?.value === 'string' ? c.value.trim() : ''))
    .filter((v) => v !== '');
  return [...new Set(values)];
}

function toAtsError(err: unknown): AtsError {
  return isAtsError(err) ? err : new AtsError('TEMPORARY', `ashby: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/** The first page of a pass: on the kept sync token when it serves `updatedSince`, else a (filtered) full pass. */
function newPass(updatedSince: Date | null, syncState: string | null | undefined): ListCursor {
  const now = Date.now();
  const token = syncTokenFor(decodeAshbySyncState(syncState), updatedSince);
  if (token) return { v: 1, c: null, s: token, f: null, t: now };
  return { v: 1, c: null, s: null, f: updatedSince?.getTime() ?? null, t: now };
}

function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(value: string): ListCursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<ListCursor>;
    if (parsed.v === 1 && typeof parsed.t === 'number') {
      return {
        v: 1,
        c: typeof parsed.c === 'string' ? parsed.c : null,
        s: typeof parsed.s === 'string' ? parsed.s : null,
        f: typeof parsed.f === 'number' ? parsed.f : null,
        t: parsed.t,
        ...(parsed.d === true ? { d: true as const } : {}),
      };
    }
  } catch {
    // fall through
  }
  throw new AtsError('INVALID_REQUEST', 'ashby: the listing cursor is not one this adapter issued');
}

function config(ctx: AtsContext) {
  return readConnectionConfig(ASHBY_CONTRACT, ctx);
}
