import type { AtsCandidate, NoteDraft } from '../../ats-adapter.port';
import { noteHtml, type NoteHtmlRules } from '../../kit/note-html';
import type { SalesforceObject } from './salesforce-query.builder';

export interface SalesforceRecord {
  attributes?: { type?: string; url?: string };
  Id?: string;
  FirstName?: string | null;
  LastName?: string | null;
  Name?: string | null;
  Email?: string | null;
  Phone?: string | null;
  MobilePhone?: string | null;
  HomePhone?: string | null;
  OtherPhone?: string | null;
  LastModifiedDate?: string | null;
}

export function toCandidate(raw: SalesforceRecord, object: SalesforceObject): AtsCandidate {
  const first = raw.FirstName?.trim() || null;
  const last = raw.LastName?.trim() || null;
  const modified = raw.LastModifiedDate ? new Date(raw.LastModifiedDate) : null;
  return {
    externalId: String(raw.Id),
    firstName: first,
    lastName: last,
    displayName: raw.Name?.trim() || [first, last].filter(Boolean).join(' ') || String(raw.Id),
    emails: distinct([raw.Email]),
    phones: distinct([raw.Phone, raw.MobilePhone, raw.HomePhone, raw.OtherPhone]),
    updatedAt: modified && !Number.isNaN(modified.getTime()) ? modified : null,
    meta: { object },
  };
}

function distinct(values: Array<string | null | undefined>): string[] {
  return [...new Set(values.map((v) => (typeof v === 'string' ? v.trim() : '')).filter((v) => v !== ''))];
}

/**
 * What the enhanced note editor keeps: paragraphs, bold, italic, underline, lists and links. Headings become
 * paragraphs (their text stays), `strong`/`em` the editor's `b`/`i`.
 */
export const CONTENT_NOTE_HTML: NoteHtmlRules = {
  tags: ['p', 'br', 'b', 'i', 'u', 'ul', 'ol', 'li', 'a'],
  rename: { strong: 'b', em: 'i', h1: 'p', h2: 'p', h3: 'p', h4: 'p', h5: 'p', h6: 'p' },
};

/**
 * ContentNote `Content`: "properly formatted HTML or plain text", base64 encoded, special characters in the text
 * escaped (as Apex `escapeHtml4` does), and new lines stripped by Salesforce (ContentNote, Object Reference). The
 * HTML is Debrief's own, its text already escaped once by the renderer and the sanitiser; new lines between tags
 * are dropped here so Salesforce has nothing to strip, and the UTF-8 bytes are encoded.
 */
export function contentNoteBody(draft: NoteDraft): { html: string; base64: string } {
  const html = noteHtml(draft, CONTENT_NOTE_HTML).replace(/\s*\n\s*/g, ' ').trim();
  return { html, base64: Buffer.from(html, 'utf8').toString('base64') };
}

/** Legacy Note Body and Task Description are plain text (32,000 characters); the marker must survive a cut. */
export const PLAIN_BODY_MAX = 32_000;

export function plainBody(draft: NoteDraft): string {
  const text = draft.text.includes(draft.referenceMarker) ? draft.text : `${draft.text}\n\n${draft.referenceMarker}`;
  if (text.length <= PLAIN_BODY_MAX) return text;
  const tail = `\n…\n${draft.referenceMarker}`;
  return text.slice(0, PLAIN_BODY_MAX - tail.length) + tail;
}

export function clip(value: string, max: number): string {
  const v = value.trim();
  return v.length <= max ? v : `${v.slice(0, max - 1)}…`;
}
