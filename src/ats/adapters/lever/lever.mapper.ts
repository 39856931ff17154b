import type { AxiosResponse } from 'axios';
import type { AtsCandidate, CreatedNote, NoteDraft } from '../../ats-adapter.port';
import { AtsError } from '../../ats-error';
import { httpStatusError } from '../../http/ats-http.client';

/** A Lever opportunity (one candidacy of a contact), as far as Debrief reads it. Timestamps are epoch ms. */
export interface LeverOpportunity {
  id: string;
  name?: string | null;
  contact?: string | null;
  emails?: string[] | null;
  phones?: Array<{ type?: string | null; value?: string | null }> | null;
  createdAt?: number | null;
  updatedAt?: number | null;
  archived?: { archivedAt?: number | null; reason?: string | null } | null;
}

export interface LeverUser {
  id: string;
  name?: string | null;
  email?: string | null;
  deactivatedAt?: number | null;
}

export interface LeverNote {
  id: string;
  text?: string | null;
  /** Some answers carry the text only inside `fields[].value`. */
  fields?: Array<{ type?: string | null; text?: string | null; value?: unknown }> | null;
  user?: string | null;
  secret?: boolean | null;
  deletedAt?: number | null;
}

export interface LeverList<T> {
  data?: T[] | null;
  hasNext?: boolean | null;
  next?: string | null;
}

/**
 * The opportunity a note belongs on: an open candidacy before an archived one, then the newest.
 * A contact's past candidacies stay in Lever, and a meeting is about the one in progress.
 */
export function latestOpportunity<T extends LeverOpportunity>(opportunities: T[]): T | null {
  let best: T | null = null;
  for (const o of opportunities) {
    if (!best || isLater(o, best)) best = o;
  }
  return best;
}

function isLater(a: LeverOpportunity, b: LeverOpportunity): boolean {
  const openA = a.archived ? 0 : 1;
  const openB = b.archived ? 0 : 1;
  if (openA !== openB) return openA > openB;
  if ((a.createdAt ?? 0) !== (b.createdAt ?? 0)) return (a.createdAt ?? 0) > (b.createdAt ?? 0);
  return (a.updatedAt ?? 0) > (b.updatedAt ?? 0);
}

/** One candidate per person: opportunities grouped by contact, each represented by its latest opportunity. */
export function candidatesByContact(opportunities: LeverOpportunity[]): AtsCandidate[] {
  const groups = new Map<string, LeverOpportunity[]>();
  for (const o of opportunities) {
    const key = o.contact ?? o.id;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  const result: AtsCandidate[] = [];
  for (const [contactId, group] of groups) {
    const latest = latestOpportunity(group);
    if (latest) result.push(toAtsCandidate(contactId, latest, group));
  }
  return result;
}

function toAtsCandidate(contactId: string, o: LeverOpportunity, group: LeverOpportunity[]): AtsCandidate {
  const emails = unique(group.flatMap((g) => g.emails ?? []));
  const phones = unique(group.flatMap((g) => (g.phones ?? []).map((p) => p.value?.trim() ?? '')));
  const updated = Math.max(...group.map((g) => g.updatedAt ?? 0));
  return {
    externalId: contactId,
    // Lever keeps one free-form name; splitting it would invent a first/last boundary.
    firstName: null,
    lastName: null,
    displayName: o.name?.trim() ?? '',
    emails,
    phones,
    updatedAt: updated > 0 ? new Date(updated) : null,
    meta: { contactId, opportunityId: o.id, opportunityIds: group.map((g) => g.id) },
  };
}

/** Listing continuation: Lever's `next` offset plus the filter of the first page, which later pages must repeat. */
export interface LeverListCursor {
  offset: string;
  updatedAtStart: number | null;
}

export function encodeListCursor(cursor: LeverListCursor): string {
  return Buffer.from(JSON.stringify({ o: cursor.offset, u: cursor.updatedAtStart })).toString('base64url');
}

export function decodeListCursor(value: string): LeverListCursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { o?: unknown; u?: unknown };
    if (typeof parsed.o === 'string') {
      return { offset: parsed.o, updatedAtStart: typeof parsed.u === 'number' ? parsed.u : null };
    }
  } catch {
    // fall through
  }
  throw new AtsError('INVALID_REQUEST', 'lever: unreadable listing cursor');
}

/** Plain text (Lever's `value` is not HTML): the title as the first line, the reference marker always present. */
export function noteText(draft: NoteDraft): string {
  const text = draft.text.trim();
  let body = draft.title && !text.startsWith(draft.title) ? `${draft.title}\n\n${text}` : text;
  if (!body.includes(draft.referenceMarker)) body = `${body}\n\n${draft.referenceMarker}`;
  return body;
}

export function noteContains(note: LeverNote, marker: string): boolean {
  if (note.deletedAt) return false;
  if (typeof note.text === 'string' && note.text.includes(marker)) return true;
  return (note.fields ?? []).some(
    (f) => (typeof f.value === 'string' && f.value.includes(marker)) || (typeof f.text === 'string' && f.text.includes(marker)),
  );
}

export function toCreatedNote(note: LeverNote): CreatedNote {
  return { externalNoteId: note.id, visibility: note.secret ? 'secret' : 'public', authorId: note.user ?? null };
}

/** The note id from a create answer: `{data: {noteId}}` as documented, or the note object `{data: {id}}`. */
export function createdNoteId(data: unknown): string | null {
  const d = data && typeof data === 'object' ? (data as { data?: unknown }).data : null;
  if (!d || typeof d !== 'object') return null;
  const { noteId, id } = d as { noteId?: unknown; id?: unknown };
  if (typeof noteId === 'string' && noteId) return noteId;
  if (typeof id === 'string' && id) return id;
  return null;
}

export function isActiveUser(user: LeverUser): boolean {
  return !user.deactivatedAt;
}

/** Lever errors are `{code, message}` with a standard status. */
export function readLeverError(response: AxiosResponse): AtsError | null {
  const data = response.data;
  if (!data || typeof data !== 'object') return null;
  const { code, message } = data as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' && typeof message !== 'string') return null;
  const text = [code, message].filter((v): v is string => typeof v === 'string' && v !== '').join(': ');
  return httpStatusError('lever', response, text);
}

function unique(values: string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
}
