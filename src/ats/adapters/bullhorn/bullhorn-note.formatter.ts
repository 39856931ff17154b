import { createHash } from 'node:crypto';
import type { NoteDraft } from '../../ats-adapter.port';

/** Bullhorn's Note.externalID is a String(100). */
const EXTERNAL_ID_MAX = 100;

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Bullhorn shows `comments` as HTML inside its own pages, so anything that could run there goes: scripts,
 * frames, event handlers and `javascript:` links. Layout and formatting stay.
 */
export function stripActiveContent(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|iframe|object|embed|template|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<(script|style|iframe|object|embed|link|meta|base)\b[^>]*\/?>/gi, '')
    .replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/(href|src)\s*=\s*("\s*javascript:[^"]*"|'\s*javascript:[^']*'|javascript:[^\s>]+)/gi, '$1="#"');
}

export function textToHtml(text: string): string {
  return escapeHtml(text.trim())
    .replace(/https?:\/\/[^\s<>"]+/g, (url) => `<a href="${url}">${url}</a>`)
    .replace(/\r?\n/g, '<br>');
}

/** True when the body carries the value, whether stored raw or HTML-escaped. */
export function containsText(body: string, value: string): boolean {
  return value !== '' && (body.includes(value) || body.includes(escapeHtml(value)));
}

/** The note's `comments`: the draft's HTML (or its text as HTML), with the title first and the marker in it. */
export function buildBullhornComments(draft: Pick<NoteDraft, 'title' | 'text' | 'html' | 'referenceMarker'>): string {
  let body = draft.html && draft.html.trim() !== '' ? stripActiveContent(draft.html).trim() : textToHtml(draft.text);
  const title = draft.title.trim();
  if (title !== '' && !containsText(body, title)) body = `<b>${escapeHtml(title)}</b><br>${body}`;
  if (!containsText(body, draft.referenceMarker)) body = `${body}<br>${escapeHtml(draft.referenceMarker)}`;
  return body;
}

/** The idempotency key as Bullhorn can store it: itself when it fits, else a stable digest. */
export function externalIdFor(idempotencyKey: string): string {
  if (idempotencyKey.length <= EXTERNAL_ID_MAX) return idempotencyKey;
  return `sha256:${createHash('sha256').update(idempotencyKey).digest('hex')}`;
}
