import type { AtsErrorCode } from './ats-error';
import type { ConnectionContract } from './kit/connection-contract';

/** Injection token for the list of adapters collected by the registry. */
export const ATS_ADAPTERS = Symbol('ATS_ADAPTERS');

export type SearchKind = 'name' | 'email' | 'phone';

export interface AtsCapabilities {
  /** Which server-side candidate searches the ATS offers. */
  search: SearchKind[];
  /** Whether candidates can be listed page by page (directory refresh), and incrementally by updated-since. */
  listing: boolean;
  incrementalListing: boolean;
  /** Whether a note can be restricted (the ATS's most restricted visibility). */
  privateNotes: boolean;
  /** Whether the note body is HTML (else plain text with URLs). */
  richText: boolean;
  /** Whether Debrief can author the note as a given ATS user (the meeting owner, or settings.userId). */
  actAsUser: boolean;
  /** Whether a note's content can be written into ATS custom fields (a field mapping may route notes there). */
  customFields: boolean;
  /** Documented default rate limit: `limit` requests per `intervalMs`. */
  rateLimit: { limit: number; intervalMs: number };
  /**
   * How the vendor's API removes a note Debrief filed: `delete`, or `soft-delete` (hidden from users, kept by the
   * vendor). Absent: the API cannot, and an erasure reports the note for a person to remove.
   */
  noteDeletion?: 'delete' | 'soft-delete';
}

/** A note Debrief filed, as a sync recorded it. */
export interface FiledNote {
  /** The ATS candidate the note was filed on (Lever: the contact). */
  candidateId: string;
  externalNoteId: string;
}

/** What an adapter needs to talk to one organisation's ATS. Credentials are already decrypted. */
export interface AtsContext {
  connectionId: string;
  credentials: Record<string, unknown>;
  /** Connection settings: `baseUrl`, `authUrl`, `userId`, `subdomain`, `rateLimit`, … (adapter-specific). */
  settings: Record<string, unknown>;
}

export interface AtsCandidate {
  externalId: string;
  firstName: string | null;
  lastName: string | null;
  displayName: string;
  /** As the ATS has them; the directory normalises them. */
  emails: string[];
  phones: string[];
  updatedAt: Date | null;
  /** Adapter-specific routing detail, e.g. Lever's opportunity id or Workable's job shortcode. */
  meta?: Record<string, unknown>;
}

export interface CandidateQuery {
  name?: string;
  email?: string;
  /** E.164 */
  phone?: string;
}

export interface ListCandidatesRequest {
  /** The adapter's own opaque continuation token from the previous page; null for the first page. */
  cursor: string | null;
  /** Only candidates updated at or after this instant, where the ATS supports it. */
  updatedSince: Date | null;
  pageSize?: number;
  /**
   * What the adapter last asked to keep for this connection (CandidatePage.syncState), null when nothing is
   * kept. Stored with the connection's refresh state, so any instance, and a restarted one, hands it back.
   */
  syncState?: string | null;
}

export interface CandidatePage {
  candidates: AtsCandidate[];
  nextCursor: string | null;
  /**
   * Read from the last page of a pass (nextCursor null), once the pass is complete: an opaque value to keep
   * for the connection's next passes (e.g. an ATS sync token), null to forget what is kept, undefined to leave
   * it as it is.
   */
  syncState?: string | null;
}

export type NoteVisibility = 'public' | 'private';

/** What Debrief asks the ATS to store: produced by mapping/ (render) and the sync pipeline. */
export interface NoteDraft {
  /** One-line title (some ATSs show it as a subject; others get it as the first line). */
  title: string;
  /** Plain-text body, URLs written out. Contains `referenceMarker`. */
  text: string;
  /** HTML body for ATSs that take rich text. Contains `referenceMarker`. */
  html: string;
  /** `private` = the ATS's most restricted visibility. */
  visibility: NoteVisibility;
  /** A unique string in the body that lets an adapter find this note again after an uncertain outcome. */
  referenceMarker: string;
  /** Stable idempotency key for ATSs that have an external-id slot (Bullhorn `externalID`). */
  idempotencyKey: string;
  /** The meeting owner, to be resolved to an ATS user; falls back to settings.userId. */
  author: { name: string | null; email: string | null };
  meetingStartedAt: Date | null;
  /**
   * The earliest instant an attempt to post this draft can have started (e.g. when its sync was created), from
   * Debrief's clock. Lets a look-up for the note skip older history where the ATS filters by date; absent, a
   * look-up before posting searches without a date bound.
   */
  notBefore?: Date | null;
}

export interface CreatedNote {
  externalNoteId: string;
  /** The ATS's own visibility value that was set (e.g. `private`, `secret`, `["admin"]`). */
  visibility: string;
  /** ATS user id the note was authored as, when the ATS lets us choose. */
  authorId: string | null;
  /** The request body sent to the ATS (no credentials), kept on the sync for operators. */
  sent?: unknown;
  /** What an operator should know about how the note was filed (e.g. posted as the fallback author, and why). */
  remarks?: string[];
}

/** What one post answered: a note the ATS stored but did not name has a null id (the kit names it). */
export interface PostedNote extends Omit<CreatedNote, 'externalNoteId'> {
  externalNoteId: string | null;
}

/** How far a look-up for a note has to search. */
export interface NoteLookup {
  /**
   * No attempt to post the note started before this instant (already widened for clock differences); an
   * adapter whose ATS filters by date may skip what is older. Null: no bound is known.
   */
  since: Date | null;
}

export interface ConnectionCheck {
  check: string;
  ok: boolean;
  detail: string;
  code?: AtsErrorCode;
  /**
   * `required` (the default): the connection test fails when this check fails. `advisory`: a failure is a
   * warning (e.g. no fallback author) that does not fail the test.
   */
  severity?: 'required' | 'advisory';
}

/**
 * The port every ATS provider implements. Adapters throw `AtsError` (coded) and nothing else.
 *
 * Posting a note once is the adapter kit's promise (`kit/note-poster.ts`, `postNoteOnce`), built on `postNote`
 * and `findNote`: nothing outside the kit calls `postNote`.
 */
export interface AtsAdapter {
  /** Provider key used in `connections.provider`, e.g. `greenhouse`. */
  readonly provider: string;
  readonly capabilities: AtsCapabilities;
  /** Credentials and settings a connection must hold (zod schemas) and the vendor domains they may go to. */
  readonly contract: ConnectionContract;

  searchCandidates(ctx: AtsContext, query: CandidateQuery): Promise<AtsCandidate[]>;
  listCandidates(ctx: AtsContext, request: ListCandidatesRequest): Promise<CandidatePage>;
  /**
   * Sends the note once: no retry, no look-up. A failure after which the note may have been stored carries
   * `uncertain` (the shared HTTP client marks lost answers, 5xx, 408 and 425 to writes); the kit then looks.
   */
  postNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft): Promise<PostedNote>;
  /**
   * Finds the note carrying `draft.referenceMarker` (or the ATS's idempotency slot, e.g. Bullhorn's
   * `externalID`) on the candidate, or null.
   */
  findNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft, lookup: NoteLookup): Promise<CreatedNote | null>;
  /**
   * Look before every post, not only after an uncertain attempt: for ATSs whose idempotency slot is a cheap,
   * exact query (Bullhorn's `externalID`).
   */
  readonly lookBeforeEveryPost?: boolean;
  /**
   * Removes a note Debrief filed (erasure); present where `capabilities.noteDeletion` is. `not_found`: the note
   * is already gone, which an erasure run again expects.
   */
  deleteNote?(ctx: AtsContext, note: FiledNote): Promise<'deleted' | 'not_found'>;
  /** Checks credentials and permissions; one entry per thing checked. Never throws for an ATS refusal. */
  testConnection(ctx: AtsContext): Promise<ConnectionCheck[]>;
}
