import type { NoteDraft } from '../../ats-adapter.port';

/** The only tags Ashby keeps in a `text/html` note; anything else must not be sent. */
export const ASHBY_ALLOWED_TAGS = ['b', 'i', 'u', 'a', 'ul', 'ol', 'li', 'code', 'pre'] as const;

const ALLOWED = new Set<string>(ASHBY_ALLOWED_TAGS);
/** Tags whose meaning survives as an allowed tag. */
const RENAMED: Record<string, string> = { strong: 'b', em: 'i', ins: 'u' };
/** Block-level tags: Ashby has no paragraph tag, so their boundaries become line breaks. */
const BLOCK = new Set([
  'p', 'div', 'br', 'hr', 'tr', 'table', 'thead', 'tbody', 'blockquote', 'section', 'article', 'header', 'footer',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'dl', 'dt', 'dd', 'figure', 'figcaption', 'main', 'aside', 'nav',
]);
const HEADING = /^h[1-6]$/;
/** Tags whose content is never text the reader should see. */
const DROP_WITH_CONTENT = /<(script|style|head|title|template|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Reduces arbitrary HTML to Ashby's allowed tags: strong/em become b/i, headings become bold lines, other
 * blocks become line breaks, links keep only an http(s)/mailto href, every other tag is removed and its text kept.
 */
export function sanitizeAshbyHtml(html: string): string {
  const source = html.replace(/<!--[\s\S]*?-->/g, '').replace(DROP_WITH_CONTENT, '');
  const out: string[] = [];
  const open: Array<{ tag: string; emitted: boolean }> = [];
  const newline = () => {
    const last = out.length > 0 ? out[out.length - 1] : '';
    if (last !== '' && !last.endsWith('\n')) out.push('\n');
  };
  const token = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(source)) !== null) {
    if (m[4] !== undefined) {
      out.push(m[4]);
      continue;
    }
    if (m[5] !== undefined) {
      out.push('&lt;');
      continue;
    }
    const closing = m[1] === '/';
    const raw = m[2].toLowerCase();
    const attrs = m[3] ?? '';
    const tag = HEADING.test(raw) ? 'b' : (RENAMED[raw] ?? raw);
    if (HEADING.test(raw)) {
      if (!closing) newline();
    } else if (BLOCK.has(raw)) {
      if (raw === 'br' || raw === 'hr' || closing) out.push('\n');
      else newline();
      continue;
    }
    if (!ALLOWED.has(tag)) continue;
    if (!closing) {
      if (attrs.trim().endsWith('/')) continue;
      if (tag === 'a') {
        const href = readHref(attrs);
        open.push({ tag, emitted: href !== null });
        if (href !== null) out.push(`<a href="${escapeHtml(href)}">`);
      } else {
        open.push({ tag, emitted: true });
        out.push(`<${tag}>`);
      }
    } else {
      const index = findLastIndex(open, (o) => o.tag === tag);
      if (index < 0) continue;
      while (open.length > index) {
        const o = open.pop()!;
        if (o.emitted) out.push(`</${o.tag}>`);
      }
    }
    if (HEADING.test(raw) && closing) out.push('\n');
  }
  while (open.length > 0) {
    const o = open.pop()!;
    if (o.emitted) out.push(`</${o.tag}>`);
  }
  return out
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Plain text as Ashby HTML: escaped, with URLs as links (the reader can click the recording and transcript). */
export function textToAshbyHtml(text: string): string {
  return escapeHtml(text.trim()).replace(/https?:\/\/[^\s<>"]+/g, (url) => `<a href="${url}">${url}</a>`);
}

/**
 * The note body Ashby receives: the draft's HTML reduced to the allowed tags (or its text when there is no
 * HTML), with the title as a bold first line and the reference marker guaranteed to be in the body.
 */
export function buildAshbyNoteHtml(draft: Pick<NoteDraft, 'title' | 'text' | 'html' | 'referenceMarker'>): string {
  let body = draft.html && draft.html.trim() !== '' ? sanitizeAshbyHtml(draft.html) : textToAshbyHtml(draft.text);
  const title = draft.title.trim();
  if (title !== '' && !containsText(body, title)) body = `<b>${escapeHtml(title)}</b>\n\n${body}`;
  if (!containsText(body, draft.referenceMarker)) body = `${body}\n\n${escapeHtml(draft.referenceMarker)}`;
  return body;
}

/** True when the body carries the value, whether stored raw or HTML-escaped. */
export function containsText(body: string, value: string): boolean {
  return value !== '' && (body.includes(value) || body.includes(escapeHtml(value)));
}

function readHref(attrs: string): string | null {
  const m = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attrs);
  if (!m) return null;
  const href = decodeBasicEntities((m[1] ?? m[2] ?? m[3] ?? '').trim());
  return /^(https?:|mailto:)/i.test(href) ? href : null;
}

function decodeBasicEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function findLastIndex<T>(items: T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return i;
  return -1;
}
