import type { NoteDraft } from '../../ats-adapter.port';
import { NoteHtmlRules, noteHtml } from '../../kit/note-html';

export { containsText } from '../../kit/note-html';

/**
 * Ashby's candidate.createNote reference (developers.ashbyhq.com/docs/candidatecreatenote): a `text/html` note
 * keeps b, i, u, a, ul, ol, li, code and pre, and anything else is stripped. Ashby has no paragraph tag, so
 * lines become newlines; `<a>` keeps only `href`, so no `data-mention-id` mention can be made from note text.
 */
export const ASHBY_NOTE_HTML: NoteHtmlRules = {
  tags: ['b', 'i', 'u', 'a', 'ul', 'ol', 'li', 'code', 'pre'],
  rename: { strong: 'b', em: 'i', ins: 'u' },
  linesAsNewlines: true,
};

/** The note body Ashby receives (title and reference marker always in it). */
export function buildAshbyNoteHtml(draft: Pick<NoteDraft, 'title' | 'text' | 'html' | 'referenceMarker'>): string {
  return noteHtml(draft, ASHBY_NOTE_HTML);
}
