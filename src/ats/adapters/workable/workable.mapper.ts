import type { AxiosResponse } from 'axios';
import type { AtsCandidate, NoteDraft, NoteVisibility } from '../../ats-adapter.port';
import { AtsError } from '../../ats-error';
import { httpStatusError } from '../../http/ats-http.client';

/** A Workable candidate record. Workable keeps one record per job, so one person may have several. */
export interface WorkableCandidate {
  id: string;
  name?: string | null;
  firstname?: string | null;
  lastname?: string | null;
  email?: string | null;
  phone?: string | null;
  job?: { shortcode?: string | null; title?: string | null } | null;
  created_at?: string | null;
  updated_at?: string | null;
}

export interface WorkableMember {
  id: string;
  name?: string | null;
  email?: string | null;
  role?: string | null;
  active?: boolean | null;
}

export interface WorkableActivity {
  id: string;
  action?: string | null;
  body?: string | null;
  member?: { id?: string | null; name?: string | null } | null;
  created_at?: string | null;
}

export interface WorkablePaging {
  next?: string | null;
}

/** Comment visibility: admins always see a comment, so `["admin"]` restricts it to them; no policy means everyone. */
export function workablePolicy(visibility: NoteVisibility): string[] | undefined {
  return visibility === 'private' ? ['admin'] : undefined;
}

export function policyLabel(policy: string[] | undefined): string {
  return policy ? JSON.stringify(policy) : 'public';
}

/**
 * One candidate per person: records sharing an e-mail are the same person applying to several jobs, and the
 * most recently updated record (the live application) represents them. Records without e-mail stand alone.
 */
export function candidatesByPerson(records: WorkableCandidate[]): AtsCandidate[] {
  const groups = new Map<string, WorkableCandidate[]>();
  for (const r of records) {
    const key = r.email?.trim().toLowerCase() || `id:${r.id}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((group) => {
    const latest = group.reduce((a, b) => (timestamp(b) > timestamp(a) ? b : a));
    return toAtsCandidate(latest, group);
  });
}

function toAtsCandidate(c: WorkableCandidate, group: WorkableCandidate[]): AtsCandidate {
  const firstName = c.firstname?.trim() || null;
  const lastName = c.lastname?.trim() || null;
  return {
    externalId: c.id,
    firstName,
    lastName,
    displayName: c.name?.trim() || [firstName, lastName].filter(Boolean).join(' '),
    emails: unique(group.map((g) => g.email ?? '')),
    phones: unique(group.map((g) => g.phone ?? '')),
    updatedAt: parseDate(c.updated_at),
    meta: { jobShortcode: c.job?.shortcode ?? null, recordIds: group.map((g) => g.id) },
  };
}

/**
 * The listing cursor is the query of Workable's `paging.next` URL. Keeping only the query and replaying it on the
 * configured base means the bearer token never follows a link to another host.
 */
export function cursorFromPaging(paging: WorkablePaging | null | undefined, updatedAfter: string | null): string | null {
  const next = paging?.next;
  if (typeof next !== 'string' || next === '') return null;
  let query: URLSearchParams;
  try {
    query = new URL(next, 'http://next.invalid').searchParams;
  } catch {
    return null;
  }
  // Later pages must keep the incremental filter even if the link left it out.
  if (updatedAfter && !query.has('updated_after')) query.set('updated_after', updatedAfter);
  return query.toString();
}

/** Plain text: the title as the first line, then the body; the reference marker is always present. */
export function commentBody(draft: NoteDraft): string {
  const text = draft.text.trim();
  let body = draft.title && !text.startsWith(draft.title) ? `${draft.title}\n\n${text}` : text;
  if (!body.includes(draft.referenceMarker)) body = `${body}\n\n${draft.referenceMarker}`;
  return body;
}

export function isActiveMember(member: WorkableMember): boolean {
  return member.active !== false;
}

/** Workable error bodies vary: `{error}`, `{message}`, `{errors: […]}`, or `{error, validation_errors: {field: [msg]}}`. */
export function readWorkableError(response: AxiosResponse): AtsError | null {
  const data = response.data;
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of ['error', 'message']) if (typeof d[key] === 'string') parts.push(d[key] as string);
  if (Array.isArray(d.errors)) parts.push(...d.errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))));
  if (d.validation_errors && typeof d.validation_errors === 'object') {
    for (const [field, messages] of Object.entries(d.validation_errors as Record<string, unknown>)) {
      parts.push(`${field}: ${Array.isArray(messages) ? messages.join(', ') : String(messages)}`);
    }
  }
  if (parts.length === 0) return null;
  return httpStatusError('workable', response, parts.join('; '));
}

function timestamp(c: WorkableCandidate): number {
  return Date.parse(c.updated_at ?? '') || Date.parse(c.created_at ?? '') || 0;
}

function unique(values: string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
}

function parseDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
