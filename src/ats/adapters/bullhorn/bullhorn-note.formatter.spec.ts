import { buildBullhornComments, externalIdFor } from './bullhorn-note.formatter';

const draft = (html: string, text = '') => ({ title: 'Title', text, html, referenceMarker: 'ref-1' });

describe('buildBullhornComments', () => {
  it('keeps text with "=" and words starting with "on" as it is', () => {
    expect(buildBullhornComments(draft('<p>Interview loop: onsite = 3 hours, one = manager.</p><p>Title ref-1</p>'))).toBe(
      '<p>Interview loop: onsite = 3 hours, one = manager.</p><p>Title ref-1</p>',
    );
  });

  it('keeps a link whose query has &href=, quotes and angle brackets inside its one href', () => {
    const comments = buildBullhornComments(
      draft('<p><a href="https://t.example/x?a=1&amp;href=x&amp;b=%22q%22">Transcript</a></p><p>Title ref-1</p>'),
    );
    expect(comments).toBe('<p><a href="https://t.example/x?a=1&amp;href=x&amp;b=%22q%22">Transcript</a></p><p>Title ref-1</p>');
  });

  it('writes a text-only draft as paragraphs with its URLs linked, the title first and the marker last', () => {
    const comments = buildBullhornComments(draft('', 'Loop: onsite = 3\nhttps://t.example/x?a=1&href=x&b="q"'));
    expect(comments).toBe(
      // A quote ends a link written in text (as it would in a mail client); it stays visible after the link.
      '<p><strong>Title</strong></p>\n<p>Loop: onsite = 3<br /><a href="https://t.example/x?a=1&amp;href=x&amp;b=">' +
        'https://t.example/x?a=1&amp;href=x&amp;b=</a>"q"</p>\n<p>ref-1</p>',
    );
  });

  it('removes scripts, event handlers, frames and javascript: links, keeping formatting', () => {
    const comments = buildBullhornComments(
      draft('<h2>Title</h2><p onclick="x()">A <b>b</b></p><iframe src="https://e.example"></iframe><script>alert(1)</script>' +
        '<a href="javascript:alert(1)">j</a><p>ref-1</p>'),
    );
    expect(comments).toBe('<h2>Title</h2><p>A <b>b</b></p><a>j</a><p>ref-1</p>');
  });
});

describe('externalIdFor', () => {
  it('keeps a short key and digests a long one', () => {
    expect(externalIdFor('k')).toBe('k');
    expect(externalIdFor('k'.repeat(150))).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
