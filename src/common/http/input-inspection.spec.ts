import { findInputProblem, textProblem, TRUNCATED, truncateDepth } from './input-inspection';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

describe('findInputProblem', () => {
  const rules = { maxDepth: 4, text: true };

  it('accepts ordinary values, and nesting up to the bound', () => {
    expect(findInputProblem({ name: 'Acme', tags: ['a', 'b'], n: 1, ok: true, none: null }, rules)).toBeNull();
    expect(findInputProblem(nested(4), rules)).toBeNull();
  });

  it('names the first container beyond the bound', () => {
    expect(findInputProblem(nested(5), rules)).toEqual({ path: '$.a.a.a.a', message: 'nested deeper than 4 levels' });
    expect(findInputProblem({ list: [[[['x']]]] }, rules)).toEqual({ path: '$.list[0][0][0]', message: 'nested deeper than 4 levels' });
  });

  it('measures 100,000 levels without overflowing the stack', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(findInputProblem(deep, { maxDepth: 64, text: false })?.message).toBe('nested deeper than 64 levels');
  });

  it('names NUL characters and lone surrogates in values and keys', () => {
    expect(findInputProblem({ settings: { userId: 'a\u0000' } }, rules)).toEqual({ path: '$.settings.userId', message: 'must not contain a NUL character' });
    expect(findInputProblem({ list: ['ok', 'x\ud800'] }, rules)?.path).toBe('$.list[1]');
    expect(findInputProblem({ ['k\udfff']: 1 }, rules)?.message).toMatch(/^key must not contain a lone/);
    expect(findInputProblem('\u0000', rules, ['id'])).toEqual({ path: '$.id', message: 'must not contain a NUL character' });
  });

  it('leaves text alone when told to, and accepts whole surrogate pairs', () => {
    expect(findInputProblem({ note: 'a\u0000b\ud800' }, { maxDepth: 4, text: false })).toBeNull();
    expect(textProblem('emoji 👩🏽‍💻')).toBeNull();
  });
});

describe('truncateDepth', () => {
  it('returns the value itself when nothing is too deep', () => {
    const value = { a: [1, 2] };
    expect(truncateDepth(value, 4)).toBe(value);
  });

  it('cuts what lies beyond the bound and keeps the rest', () => {
    expect(truncateDepth({ id: 'x', deep: nested(5) }, 3)).toEqual({ id: 'x', deep: { a: { a: TRUNCATED } } });
    expect(truncateDepth([[[[1]]], 2], 2)).toEqual([[TRUNCATED], 2]);
  });

  it('cuts a value 100,000 deep that JSON.stringify could not serialise', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(() => JSON.stringify(truncateDepth({ deep }, 1000))).not.toThrow();
  });
});
