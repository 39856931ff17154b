import { buildAshbyNoteHtml, sanitizeAshbyHtml } from './ashby-note.formatter';

describe('sanitizeAshbyHtml', () => {
  it('keeps allowed tags and turns strong/em into b/i', () => {
    expect(sanitizeAshbyHtml('<b>a</b> <strong>b</strong> <em>c</em> <u>d</u> <code>e</code>')).toBe(
      '<b>a</b> <b>b</b> <i>c</i> <u>d</u> <code>e</code>',
    );
  });

  it('turns headings into bold lines and blocks into line breaks', () => {
    expect(sanitizeAshbyHtml('<h1>Title</h1><p>One</p><p>Two<br>Three</p>')).toBe('<b>Title</b>\nOne\nTwo\nThree');
  });

  it('drops scripts, styles, comments, attributes and unsafe links', () => {
    const out = sanitizeAshbyHtml(
      '<script>x()</script><style>p{}</style><!-- c --><a href="https://ok.example/?a=1&amp;b=2" onclick="x()">ok</a>' +
        '<a href="javascript:x()">bad</a><span class="x">text</span>',
    );
    expect(out).toBe('<a href="https://ok.example/?a=1&amp;b=2">ok</a>badtext');
  });

  it('closes what the input left open and ignores stray closers', () => {
    expect(sanitizeAshbyHtml('<ul><li>one<li>two</ul></b>')).toBe('<ul><li>one<li>two</li></li></ul>');
    expect(sanitizeAshbyHtml('<b>open')).toBe('<b>open</b>');
  });

  it('escapes a lone angle bracket', () => {
    expect(sanitizeAshbyHtml('a < b')).toBe('a &lt; b');
  });
});

describe('buildAshbyNoteHtml', () => {
  const base = { title: 'Call with Jo', text: 'See https://x.example/r?a=1&b=2', html: '', referenceMarker: 'ref:<1>' };

  it('builds from text with links, a bold title and the escaped marker', () => {
    expect(buildAshbyNoteHtml(base)).toBe(
      '<b>Call with Jo</b>\n\nSee <a href="https://x.example/r?a=1&amp;b=2">https://x.example/r?a=1&amp;b=2</a>\n\nref:&lt;1&gt;',
    );
  });

  it('does not repeat a title or marker the HTML already has', () => {
    const html = buildAshbyNoteHtml({ ...base, html: '<h2>Call with Jo</h2><p>ref:&lt;1&gt;</p>' });
    expect(html).toBe('<b>Call with Jo</b>\nref:&lt;1&gt;');
  });
});
