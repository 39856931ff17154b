import { buildAshbyNoteHtml, containsText } from './ashby-note.formatter';

const note = (html: string, overrides: Record<string, string> = {}) =>
  buildAshbyNoteHtml({ title: '', text: '', html, referenceMarker: 'ref-1', ...overrides });

describe('buildAshbyNoteHtml', () => {
  it("keeps Ashby's tags and writes strong/em as b/i", () => {
    expect(note('<b>a</b> <strong>b</strong> <em>c</em> <u>d</u> <code>e</code> ref-1')).toBe(
      '<b>a</b> <b>b</b> <i>c</i> <u>d</u> <code>e</code> ref-1',
    );
  });

  it('turns headings into bold lines and paragraphs and line breaks into newlines', () => {
    expect(note('<h1>Title</h1><p>One</p><p>Two<br>Three</p><p>ref-1</p>')).toBe('<b>Title</b>\n\nOne\n\nTwo\nThree\n\nref-1');
  });

  it('drops scripts, styles, comments, attributes, mentions and unsafe links, keeping the text', () => {
    const out = note(
      '<script>x()</script><style>p{}</style><!-- c --><a href="https://ok.example/?a=1&amp;b=2" onclick="x()">ok</a>' +
        '<a href="javascript:x()">bad</a><a data-mention-id="u1">@who</a><span class="x">text</span> ref-1',
    );
    expect(out).toBe('<a href="https://ok.example/?a=1&amp;b=2">ok</a><a>bad</a><a>@who</a>text ref-1');
  });

  it('keeps "=" and "on…" words in text as text', () => {
    expect(note('<p>Interview loop: onsite = 3 hours, one = manager.</p><p>ref-1</p>')).toBe(
      'Interview loop: onsite = 3 hours, one = manager.\n\nref-1',
    );
  });

  it('closes what the input left open and escapes a lone angle bracket', () => {
    expect(note('<ul><li>one<li>two</ul></b> a < b ref-1')).toBe('<ul><li>one</li><li>two</li></ul> a &lt; b ref-1');
  });

  it('builds from text with links, a bold title and the marker', () => {
    const html = buildAshbyNoteHtml({
      title: 'Call with Jo',
      text: 'See https://x.example/r?a=1&href=x&b=2',
      html: '',
      referenceMarker: 'ref:<1>',
    });
    expect(html).toBe(
      '<b>Call with Jo</b>\n\nSee <a href="https://x.example/r?a=1&amp;href=x&amp;b=2">https://x.example/r?a=1&amp;href=x&amp;b=2</a>\n\nref:&lt;1&gt;',
    );
  });

  it('does not repeat a title or marker the HTML already has', () => {
    const html = buildAshbyNoteHtml({ title: 'Call with Jo', text: '', html: '<h2>Call with Jo</h2><p>ref:&lt;1&gt;</p>', referenceMarker: 'ref:<1>' });
    expect(html).toBe('<b>Call with Jo</b>\n\nref:&lt;1&gt;');
    expect(containsText(html, 'ref:<1>')).toBe(true);
  });
});
