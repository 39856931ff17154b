import { applyNoteHtmlRules, containsText, noteHtml, textAsHtml } from './note-html';

describe('applyNoteHtmlRules', () => {
  const plain = { tags: ['p', 'br', 'strong', 'ul', 'li', 'a'] };

  it('keeps the allowed tags, only href on links, and re-escapes text', () => {
    expect(applyNoteHtmlRules('<p class="x" onclick="y()">a &amp; b &lt;c&gt; "d"</p><a href="https://e.example/?f=1&amp;g=2" title="t">e</a>', plain)).toBe(
      '<p>a &amp; b &lt;c&gt; "d"</p><a href="https://e.example/?f=1&amp;g=2">e</a>',
    );
  });

  it('drops script-like elements with their content and other tags without it', () => {
    expect(applyNoteHtmlRules('<p>a<script>x()</script><style>p{}</style><iframe>f</iframe><span>b</span><img src="https://i.example/x.png"></p>', plain)).toBe(
      '<p>ab</p>',
    );
  });

  it('keeps only http(s) and mailto link targets, never protocol-relative ones', () => {
    const out = applyNoteHtmlRules(
      '<a href="javascript:alert(1)">j</a><a href="data:text/html,x">d</a><a href="//evil.example">p</a><a href="mailto:a@b.example">m</a>',
      plain,
    );
    expect(out).toBe('<a>j</a><a>d</a><a>p</a><a href="mailto:a@b.example">m</a>');
  });

  it('renames tags and writes lines as newlines for an ATS without paragraphs', () => {
    const rules = { tags: ['b', 'ul', 'li'], rename: { strong: 'b' }, linesAsNewlines: true };
    expect(applyNoteHtmlRules('<p><strong>T</strong></p>\n<p>one<br>two</p>\n<ul><li>x</li></ul>', rules)).toBe('<b>T</b>\n\none\ntwo\n\n<ul><li>x</li></ul>');
  });
});

describe('noteHtml', () => {
  const rules = { tags: ['p', 'br', 'strong', 'a'] };

  it('adds the title and the marker when the body lacks them, escaped once', () => {
    expect(noteHtml({ title: 'A & B', text: '', html: '<p>body</p>', referenceMarker: 'ref<1>' }, rules)).toBe(
      '<p><strong>A &amp; B</strong></p>\n<p>body</p>\n<p>ref&lt;1&gt;</p>',
    );
  });

  it('uses the text when there is no HTML', () => {
    expect(noteHtml({ title: '', text: 'x = 1', html: ' ', referenceMarker: 'x = 1' }, rules)).toBe('<p>x = 1</p>');
  });
});

describe('textAsHtml', () => {
  it('links URLs found in the raw text and escapes every piece once', () => {
    expect(textAsHtml('a < b\n\nsee https://t.example/?a=1&href=x then')).toBe(
      '<p>a &lt; b</p>\n<p>see <a href="https://t.example/?a=1&amp;href=x">https://t.example/?a=1&amp;href=x</a> then</p>',
    );
  });
});

describe('containsText', () => {
  it('finds a value written raw, escaped by Debrief, or as the sanitiser writes text', () => {
    expect(containsText('<p>say "hi" & go</p>', 'say "hi" & go')).toBe(true);
    expect(containsText('<p>say &quot;hi&quot; &amp; go</p>', 'say "hi" & go')).toBe(true);
    expect(containsText('<p>say "hi" &amp; go</p>', 'say "hi" & go')).toBe(true);
    expect(containsText('<p>say hi</p>', 'say "hi"')).toBe(false);
    expect(containsText('<p>x</p>', '')).toBe(false);
  });
});
