import { decodeSequenceCursor, decodeTimeCursor, encodeSequenceCursor, encodeTimeCursor } from './list-cursor';

describe('list cursors', () => {
  const id = '0b5c3a52-8f0e-4c55-9d1e-2f6a4f1b9c10';

  it('round-trips a microsecond timestamp and id', () => {
    const cursor = encodeTimeCursor('2025-10-10T10:23:27.123456Z', id);
    expect(decodeTimeCursor(cursor)).toEqual({ timestamp: '2025-10-10T10:23:27.123456Z', id });
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['a millisecond timestamp', encodeTimeCursor('2025-10-10T10:23:27.123Z', id)],
    ['a bad id', encodeTimeCursor('2025-10-10T10:23:27.123456Z', 'x')],
    ['an audit cursor', encodeSequenceCursor('12')],
    ['month 13, day 45, hour 99', encodeTimeCursor('2025-13-45T99:99:99.000000Z', id)],
    ['the 30th of February', encodeTimeCursor('2025-02-30T00:00:00.000000Z', id)],
    ['year zero, which Postgres does not have', encodeTimeCursor('0000-01-01T00:00:00.000000Z', id)],
  ])('refuses %s as a 400 naming $.cursor', (_what, cursor) => {
    expect(() => decodeTimeCursor(cursor)).toThrow(expect.objectContaining({ status: 400 }));
    try {
      decodeTimeCursor(cursor);
    } catch (err) {
      expect((err as { getResponse(): unknown }).getResponse()).toMatchObject({ code: 'INVALID_REQUEST', details: [{ path: '$.cursor' }] });
    }
  });

  it('round-trips a sequence cursor and refuses anything else', () => {
    expect(decodeSequenceCursor(encodeSequenceCursor('9007199254740993'))).toBe('9007199254740993');
    expect(() => decodeSequenceCursor(encodeSequenceCursor('1; DROP TABLE x'))).toThrow();
    expect(() => decodeSequenceCursor(encodeTimeCursor('2025-10-10T10:23:27.123456Z', id))).toThrow();
    expect(decodeSequenceCursor(encodeSequenceCursor('9223372036854775807'))).toBe('9223372036854775807');
    expect(() => decodeSequenceCursor(encodeSequenceCursor('9223372036854775808'))).toThrow();
    expect(() => decodeSequenceCursor(encodeSequenceCursor('9999999999999999999'))).toThrow();
  });
});
