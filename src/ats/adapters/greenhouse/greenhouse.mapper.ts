import type { AxiosResponse } from 'axios';
import type { AtsCandidate, CreatedNote, NoteDraft, NoteVisibility } from '../../ats-adapter.port';
import { AtsError } from '../../ats-error';
import { httpStatusError } from '../../http/ats-http.client';

/** Harvest v3 candidate, as far as Debrief reads it. */
export interface GreenhouseCandidate {
  id: number;
  first_name?: string | null;
  last_name?: string | null;
  email_addresses?: Array<{ value?: string | null; type?: string | null }> | null;
  phone_numbers?: Array<{ value?: string | null; type?: string | null }> | null;
  application_ids?: number[] | null;
  updated_at?: string | null;
}

export interface GreenhouseUser {
  id: number;
  name?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  primary_email?: string | null;
  /** v1 field names, read too in case a tenant still answers with them. */
  primary_email_address?: string | null;
  emails?: string[] | null;
  deactivated?: boolean | null;
  disabled?: boolean | null;
}

export interface GreenhouseNote {
  id: number;
  candidate_id?: number | null;
  user_id?: number | null;
  user?: { id?: number | null } | null;
  body?: string | null;
  visibility?: string | null;
  type?: string | null;
}

export type GreenhouseVisibility = 'private' | 'public';

export function greenhouseVisibility(visibility: NoteVisibility): GreenhouseVisibility {
  return visibility === 'private' ? 'private' : 'public';
}

export function toAtsCandidate(c: GreenhouseCandidate): AtsCandidate {
  const firstName = c.first_name?.trim() || null;
  const lastName = c.last_name?.trim() || null;
  return {
    externalId: String(c.id),
    firstName,
    lastName,
    displayName: [firstName, lastName].filter(Boolean).join(' '),
    emails: values(c.email_addresses),
    phones: values(c.phone_numbers),
    updatedAt: parseDate(c.updated_at),
    meta: c.application_ids?.length ? { applicationIds: c.application_ids } : undefined,
  };
}

/**
 * Reads the `cursor` of the `rel="next"` entry of an RFC 8288 `Link` header. Only the cursor is kept:
 * v3 requires it to be the sole query parameter, and rebuilding the URL on the configured base keeps
 * the bearer token from ever following a link to another host.
 */
export function nextCursorFromLink(link: unknown): string | null {
  if (typeof link !== 'string' || link === '') return null;
  for (const match of link.matchAll(/<([^>]*)>([^,]*)/g)) {
    const rels = /rel\s*=\s*"?([^";]+)"?/i.exec(match[2])?.[1]?.split(/\s+/) ?? [];
    if (!rels.includes('next')) continue;
    try {
      return new URL(match[1], 'http://link.invalid').searchParams.get('cursor');
    } catch {
      return null;
    }
  }
  return null;
}

/** Plain text: the title as the first line, then the body; the reference marker is always present. */
export function noteBody(draft: NoteDraft): string {
  const text = draft.text.trim();
  let body = draft.title && !text.startsWith(draft.title) ? `${draft.title}\n\n${text}` : text;
  if (!body.includes(draft.referenceMarker)) body = `${body}\n\n${draft.referenceMarker}`;
  return body;
}

export function noteAuthorId(note: GreenhouseNote): string | null {
  const id = note.user_id ?? note.user?.id ?? null;
  return id === null || id === undefined ? null : String(id);
}

export function toCreatedNote(note: GreenhouseNote, fallbackVisibility: string): CreatedNote {
  return {
    externalNoteId: String(note.id),
    visibility: note.visibility ?? fallbackVisibility,
    authorId: noteAuthorId(note),
  };
}

export function userEmails(user: GreenhouseUser): string[] {
  return [user.primary_email, user.primary_email_address, ...(user.emails ?? [])]
    .filter((e): e is string => typeof e === 'string' && e !== '')
    .map((e) => e.toLowerCase());
}

export function userName(user: GreenhouseUser): string {
  return (user.name ?? [user.first_name, user.last_name].filter(Boolean).join(' ')).trim();
}

export function isActiveUser(user: GreenhouseUser): boolean {
  return user.deactivated !== true && user.disabled !== true;
}

/**
 * Token expiry in epoch ms. Greenhouse's token endpoint answers `expires_at` (ISO 8601) rather than the
 * usual `expires_in`; both are read. Unknown expiry gets a short life so a stale token is not kept.
 */
export function tokenExpiry(data: Record<string, unknown>, now: number): number {
  if (typeof data.expires_at === 'string') {
    const at = Date.parse(data.expires_at);
    if (!Number.isNaN(at)) return at;
  }
  const expiresIn = Number(data.expires_in);
  if (Number.isFinite(expiresIn) && expiresIn > 0) return now + expiresIn * 1000;
  return now + 5 * 60_000;
}

const OAUTH_PERMISSION_ERRORS = new Set(['unauthorized_client', 'invalid_scope', 'access_denied']);

/**
 * Greenhouse answers in two shapes: the token endpoint's OAuth `{error, error_description}`, and Harvest's
 * `{message, errors: [{message, field}]}` (sometimes `errors` without a top-level `message`).
 */
export function readGreenhouseError(response: AxiosResponse): AtsError | null {
  const data = response.data;
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  if (typeof d.error === 'string') {
    const message = `${d.error}${typeof d.error_description === 'string' ? `: ${d.error_description}` : ''}`;
    if (d.error === 'invalid_client') return authError(response, message);
    if (OAUTH_PERMISSION_ERRORS.has(d.error)) {
      return new AtsError('PERMISSION_DENIED', `greenhouse: HTTP ${response.status}: ${message}`, {
        status: response.status,
      });
    }
    return httpStatusError('greenhouse', response, message);
  }
  const parts: string[] = [];
  if (typeof d.message === 'string') parts.push(d.message);
  if (Array.isArray(d.errors)) {
    for (const e of d.errors) {
      if (e && typeof e === 'object') {
        const { message, field } = e as Record<string, unknown>;
        parts.push(field ? `${String(field)}: ${String(message)}` : String(message));
      } else if (typeof e === 'string') {
        parts.push(e);
      }
    }
  }
  if (parts.length === 0) return null;
  return httpStatusError('greenhouse', response, parts.join('; '));
}

function authError(response: AxiosResponse, message: string): AtsError {
  return new AtsError('AUTH_FAILED', `greenhouse: HTTP ${response.status}: ${message}`, { status: response.status });
}

function values(list: Array<{ value?: string | null }> | null | undefined): string[] {
  return (list ?? []).map((v) => v.value?.trim() ?? '').filter((v) => v !== '');
}

function parseDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
