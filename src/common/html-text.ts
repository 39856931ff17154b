/**
 * What may go into HTML that Debrief writes itself: text escaped once, and links only to absolute http(s) URLs.
 * Every HTML body (the note renderer, the adapter kit's text fallback) escapes through here: one rule for it.
 */

/** Text as HTML text or attribute value: the five HTML-significant characters become references. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The normalised URL when it is an absolute http(s) URL, else null. */
export function safeHref(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}
