import sanitizeHtml from 'sanitize-html';
import { escapeHtml, safeHref } from '../../common/html-text';
import type { NoteDraft } from '../ats-adapter.port';

/**
 * What one ATS keeps of a rich-text note. An adapter declares this and nothing else about HTML: the note
 * body is always Debrief's own HTML (the renderer's, escaped once), reduced to these rules by the sanitiser.
 */
export interface NoteHtmlRules {
  /** Tags the ATS keeps. Any other tag is removed and its text kept; script-like content goes entirely. */
  tags: readonly string[];
  /** Tags written as another the ATS has, e.g. `strong` as `b`. */
  rename?: Readonly<Record<string, string>>;
  /**
   * For an ATS without paragraph and line-break tags: paragraphs, line breaks and headings become newlines
   * (a heading also bold when `b` is kept), so the note keeps its lines.
   */
  linesAsNewlines?: boolean;
}

/** Links keep only their target, and only to these schemes; no other attribute survives on any tag. */
const LINK_SCHEMES = ['http', 'https', 'mailto'];
/** Elements whose content is never text a reader should see. */
const DROPPED_WITH_CONTENT = ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'title', 'head', 'iframe', 'object'];
const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
const LINE_TAGS = ['p', 'br', ...HEADINGS];
const BLOCKS_AS_PARAGRAPHS: Record<string, string> = { div: 'p', section: 'p', article: 'p', blockquote: 'p' };

/**
 * The body an ATS receives for a draft: the draft's HTML (or its text written as HTML when there is none),
 * with the title as a first bold line and the reference marker when the body lacks them, reduced to the
 * ATS's rules.
 */
export function noteHtml(draft: Pick<NoteDraft, 'title' | 'text' | 'html' | 'referenceMarker'>, rules: NoteHtmlRules): string {
  const body = draft.html && draft.html.trim() !== '' ? draft.html.trim() : textAsHtml(draft.text);
  const parts: string[] = [];
  const title = draft.title.trim();
  if (title !== '' && !containsText(body, title)) parts.push(`<p><strong>${escapeHtml(title)}</strong></p>`);
  parts.push(body);
  if (!containsText(body, draft.referenceMarker)) parts.push(`<p>${escapeHtml(draft.referenceMarker)}</p>`);
  return applyNoteHtmlRules(parts.join('\n'), rules);
}

/** HTML reduced to what the ATS keeps, by the sanitiser's allow-list: tags, `a[href]` with safe schemes, nothing else. */
export function applyNoteHtmlRules(html: string, rules: NoteHtmlRules): string {
  const kept = new Set(rules.tags);
  const lines = rules.linesAsNewlines === true;
  const allowedTags = lines ? [...new Set([...kept, ...LINE_TAGS])] : [...kept];
  const transformTags: Record<string, string> = { ...BLOCKS_AS_PARAGRAPHS, ...(rules.rename ?? {}) };
  const sanitized = sanitizeHtml(html, {
    allowedTags,
    allowedAttributes: kept.has('a') ? { a: ['href'] } : {},
    allowedSchemes: LINK_SCHEMES,
    allowedSchemesAppliedToAttributes: ['href'],
    allowProtocolRelative: false,
    nonTextTags: DROPPED_WITH_CONTENT,
    transformTags,
  });
  return lines ? linesFromBlocks(sanitized, kept.has('b')) : sanitized.trim();
}

/**
 * The sanitiser's output is well formed and every `<` in its text is `&lt;`, and the line tags carry no
 * attributes, so these exact tags can only be tags: replacing them cannot touch the note's text.
 */
function linesFromBlocks(html: string, bold: boolean): string {
  return html
    .replace(/<h[1-6]>/g, bold ? '\n<b>' : '\n')
    .replace(/<\/h[1-6]>/g, bold ? '</b>\n' : '\n')
    .replace(/<p>/g, '\n')
    .replace(/<\/p>/g, '\n')
    .replace(/<br \/>/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Plain text as Debrief HTML: escaped, paragraphs kept, http(s) URLs as links to their normalised form. */
export function textAsHtml(text: string): string {
  return text
    .trim()
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.split('\n').map(lineAsHtml).join('<br>')}</p>`)
    .join('\n');
}

function lineAsHtml(line: string): string {
  // Links are found in the raw text and each piece escaped once, so an `&` or a quote in a URL stays the URL's.
  const out: string[] = [];
  let last = 0;
  for (const match of line.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    const index = match.index ?? 0;
    out.push(escapeHtml(line.slice(last, index)));
    const href = safeHref(match[0]);
    out.push(href === null ? escapeHtml(match[0]) : `<a href="${escapeHtml(href)}">${escapeHtml(match[0])}</a>`);
    last = index + match[0].length;
  }
  out.push(escapeHtml(line.slice(last)));
  return out.join('');
}

/**
 * True when an HTML body carries the value as text: as written, escaped by Debrief, or as the sanitiser (and
 * so an ATS storing what it was sent) writes text.
 */
export function containsText(body: string, value: string): boolean {
  if (value === '') return false;
  return body.includes(value) || body.includes(escapeHtml(value)) || body.includes(sanitizedText(value));
}

function sanitizedText(value: string): string {
  return sanitizeHtml(escapeHtml(value), { allowedTags: [], allowedAttributes: {} });
}
