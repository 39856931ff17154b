import { escapeHtml, safeHref } from './html-text';

describe('safeHref and escapeHtml', () => {
  it.each([
    ['https://a.example/x?y=1', 'https://a.example/x?y=1'],
    ['http://a.example', 'http://a.example/'],
    ['javascript:alert(1)', null],
    ['JAVASCRIPT:alert(1)', null],
    ['data:text/html,x', null],
    ['//a.example/x', null],
    ['ftp://a.example/x', null],
    ['not a url', null],
  ])('%s → %s', (input, expected) => expect(safeHref(input)).toBe(expected));

  it('escapes the five HTML-significant characters', () =>
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;'));

  it('escapes an ampersand once, so an existing reference stays visible text', () =>
    expect(escapeHtml('&amp; &href=x')).toBe('&amp;amp; &amp;href=x'));
});
