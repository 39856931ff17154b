import { createHash } from 'node:crypto';
import type { NoteDraft } from '../../ats-adapter.port';
import { NoteHtmlRules, noteHtml } from '../../kit/note-html';

/** Bullhorn's Note.externalID is a String(100). */
const EXTERNAL_ID_MAX = 100;

/**
 * Bullhorn's Note reference (rest-api-docs entityref/_note.md) types `comments` as a long string, "Text of this
 * Note", and names no tags; Bullhorn shows it as HTML in its own pages. So Debrief keeps to plain formatting
 * that its note editor writes — paragraphs, line breaks, emphasis, headings, lists and http(s)/mailto links —
 * and nothing that could run there (no scripts, frames, attributes other than `href`).
 */
export const BULLHORN_NOTE_HTML: NoteHtmlRules = {
  tags: ['p', 'br', 'strong', 'b', 'em', 'i', 'u', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6'],
};

/** The note's `comments` (title and reference marker always in it). */
export function buildBullhornComments(draft: Pick<NoteDraft, 'title' | 'text' | 'html' | 'referenceMarker'>): string {
  return noteHtml(draft, BULLHORN_NOTE_HTML);
}

/** The idempotency key as Bullhorn can store it: itself when it fits, else a stable digest. */
export function externalIdFor(idempotencyKey: string): string {
  if (idempotencyKey.length <= EXTERNAL_ID_MAX) return idempotencyKey;
  return `sha256:${createHash('sha256').update(idempotencyKey).digest('hex')}`;
}
