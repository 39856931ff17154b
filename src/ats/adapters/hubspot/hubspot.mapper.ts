import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { escapeHtml } from '../../../common/html-text';
import type { AtsCandidate, CreatedNote, NoteDraft } from '../../ats-adapter.port';
import { AtsError } from '../../ats-error';
import { containsText, NoteHtmlRules, noteHtml } from '../../kit/note-html';

/** A CRM v3 object as HubSpot answers it (`GET`, list, search and batch read share the shape). */
export interface HubSpotObject {
  id: string;
  properties?: Record<string, string | null | undefined> | null;
  createdAt?: string | null;
  updatedAt?: string | null;
  archived?: boolean | null;
}

export interface HubSpotPage<T> {
  results?: T[] | null;
  total?: number | null;
  paging?: { next?: { after?: string | null } | null } | null;
}

/** One row of `GET /crm/v4/objects/contacts/{id}/associations/notes`. */
export interface HubSpotAssociation {
  toObjectId: string | number;
  associationTypes?: Array<{ category?: string; typeId?: number; label?: string | null }> | null;
}

export interface HubSpotOwner {
  id: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  userId?: number | null;
  archived?: boolean | null;
}

/** The contact properties Debrief reads; HubSpot returns only the properties asked for. */
export const CONTACT_PROPERTIES = ['firstname', 'lastname', 'email', 'hs_additional_emails', 'phone', 'mobilephone', 'lastmodifieddate'];
export const NOTE_PROPERTIES = ['hs_note_body', 'hubspot_owner_id', 'hs_timestamp'];

/** HubSpot's documented limit on `hs_note_body`. */
export const NOTE_BODY_MAX = 65_536;
/** HubSpot-defined association type "note to contact". */
export const NOTE_TO_CONTACT = 202;

/**
 * What HubSpot's note editor writes and its timeline shows: paragraphs, line breaks, bold, italic, underline,
 * lists and links. Headings and the rest are kept as their text.
 */
export const HUBSPOT_NOTE_HTML: NoteHtmlRules = {
  tags: ['p', 'br', 'strong', 'em', 'u', 'ul', 'ol', 'li', 'a'],
  rename: { b: 'strong', i: 'em' },
};

/**
 * `hs_note_body`: the note's HTML within HubSpot's 65,536 characters. A longer note keeps its title, as much of
 * its plain text as fits, and the reference marker, which must survive for the note to be found again.
 */
export function noteBody(draft: Pick<NoteDraft, 'title' | 'text' | 'html' | 'referenceMarker'>, max = NOTE_BODY_MAX): string {
  const full = noteHtml(draft, HUBSPOT_NOTE_HTML);
  if (full.length <= max) return full;
  const head = `<p><strong>${escapeHtml(draft.title.trim())}</strong></p><p>`;
  const tail = `…</p><p>${escapeHtml(draft.referenceMarker)}</p>`;
  const text = draft.text.replace(draft.referenceMarker, '').trim();
  let room = max - head.length - tail.length;
  let kept = '';
  // Escaping lengthens the text, so the cut is made on the text and checked on its escaped form.
  while (room > 0) {
    kept = escapeHtml(text.slice(0, room)).replace(/\r?\n/g, '<br>');
    if (kept.length <= max - head.length - tail.length) break;
    room -= kept.length - (max - head.length - tail.length);
  }
  return `${head}${room > 0 ? kept : ''}${tail}`;
}

export function noteCarries(note: HubSpotObject, marker: string): boolean {
  const body = note.properties?.hs_note_body;
  return !note.archived && typeof body === 'string' && containsText(body, marker);
}

export function toCreatedNote(note: HubSpotObject): CreatedNote {
  return { externalNoteId: String(note.id), visibility: 'public', authorId: note.properties?.hubspot_owner_id || null };
}

export function toCandidate(contact: HubSpotObject): AtsCandidate {
  const p = contact.properties ?? {};
  const firstName = clean(p.firstname);
  const lastName = clean(p.lastname);
  const modified = p.lastmodifieddate ?? contact.updatedAt ?? null;
  const updatedAt = modified ? new Date(modified) : null;
  return {
    externalId: String(contact.id),
    firstName,
    lastName,
    displayName: [firstName, lastName].filter(Boolean).join(' '),
    emails: distinct([p.email, ...(p.hs_additional_emails ?? '').split(';')]),
    phones: distinct([p.phone, p.mobilephone]),
    updatedAt: updatedAt && !Number.isNaN(updatedAt.getTime()) ? updatedAt : null,
  };
}

/** The national significant number of an E.164 number: the digits HubSpot's calculated phone properties hold. */
export function nationalDigits(e164: string): string | null {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? String(parsed.nationalNumber) : null;
}

/**
 * The filter groups (OR-ed) that find a phone number however it was typed: HubSpot keeps `phone` and
 * `mobilephone` as typed, and fills `hs_searchable_calculated_phone_number` / `..._mobile_number` with the
 * number's digits without its country code; the E.164 form is also tried as typed.
 */
export function phoneFilterGroups(e164: string): Array<{ filters: Array<{ propertyName: string; operator: string; value: string }> }> {
  const groups: Array<{ propertyName: string; value: string }> = [];
  const national = nationalDigits(e164);
  if (national) {
    groups.push({ propertyName: 'hs_searchable_calculated_phone_number', value: national });
    groups.push({ propertyName: 'hs_searchable_calculated_mobile_number', value: national });
  }
  groups.push({ propertyName: 'phone', value: e164 }, { propertyName: 'mobilephone', value: e164 });
  return groups.map((g) => ({ filters: [{ ...g, operator: 'EQ' }] }));
}

/**
 * A national number's digits match numbers of every country that shares them: each result is confirmed by
 * reading its numbers as Debrief does (E.164 in the connection's region) and keeping it only when one is `e164`.
 */
export function hasPhone(candidate: AtsCandidate, e164: string, defaultRegion: string): boolean {
  const region = (/^[A-Z]{2}$/.test(defaultRegion) ? defaultRegion : 'US') as CountryCode;
  return candidate.phones.some((raw) => {
    const parsed = parsePhoneNumberFromString(raw, region);
    return parsed?.isValid() === true && parsed.number === e164;
  });
}

/** Name filter groups: each way of splitting the name into first and last name (at most three). */
export function nameFilterGroups(name: string): Array<{ filters: Array<{ propertyName: string; operator: string; value: string }> }> {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length < 2) return [];
  const groups = [];
  for (let cut = 1; cut < words.length && groups.length < 3; cut++) {
    groups.push({
      filters: [
        { propertyName: 'firstname', operator: 'EQ', value: words.slice(0, cut).join(' ') },
        { propertyName: 'lastname', operator: 'EQ', value: words.slice(cut).join(' ') },
      ],
    });
  }
  return groups;
}

/**
 * Directory listing continuation. `list`: `GET /crm/v3/objects/contacts` with HubSpot's `after`. `search`:
 * contacts modified since `since` (epoch ms), ascending by `lastmodifieddate`; a search answers at most 10,000
 * results, so a long pass starts a new search from the last modification seen.
 */
export type HubSpotListCursor = { mode: 'list'; after: string } | { mode: 'search'; since: number; after: string | null };

export function encodeListCursor(cursor: HubSpotListCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeListCursor(value: string): HubSpotListCursor {
  try {
    const c = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (c.mode === 'list' && typeof c.after === 'string') return { mode: 'list', after: c.after };
    if (c.mode === 'search' && typeof c.since === 'number' && (c.after === null || typeof c.after === 'string')) {
      return { mode: 'search', since: c.since, after: c.after };
    }
  } catch {
    // fall through
  }
  throw new AtsError('INVALID_REQUEST', 'hubspot: unreadable listing cursor');
}

function clean(value: string | null | undefined): string | null {
  const v = value?.trim();
  return v ? v : null;
}

function distinct(values: Array<string | null | undefined>): string[] {
  return [...new Set(values.map((v) => v?.trim() ?? '').filter((v) => v !== ''))];
}
