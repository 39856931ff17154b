import { storableJson, storableText } from './storable-values';

describe('storable values', () => {
  it('removes NUL and replaces lone surrogates in text, keeping pairs', () => {
    expect(storableText('a\u0000b')).toBe('ab');
    expect(storableText('broken \ud83d pair')).toBe('broken \ufffd pair');
    expect(storableText('lone low \ude00 end')).toBe('lone low \ufffd end');
    expect(storableText('emoji 😀 kept')).toBe('emoji 😀 kept');
  });

  it('writes JSON Postgres accepts, in keys and values, and leaves everything else as JSON.stringify does', () => {
    const value = { note: 'a\u0000b \ud800 c', ['k\u0000']: ['\udfff'], fine: 'é 😀 \\u0000 \\\\ "q"' };
    const text = storableJson(value);
    expect(text).not.toMatch(/(?<!\\)(?:\\\\)*\\u(0000|d[89a-f])/i);
    expect(JSON.parse(text)).toEqual({ note: 'a\ufffdb \ufffd c', ['k\ufffd']: ['\ufffd'], fine: 'é 😀 \\u0000 \\\\ "q"' });
    expect(storableJson({ plain: [1, true, null, 'x'] })).toBe(JSON.stringify({ plain: [1, true, null, 'x'] }));
  });
});
