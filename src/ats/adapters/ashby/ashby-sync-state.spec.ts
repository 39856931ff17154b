import { decodeAshbySyncState, encodeAshbySyncState, SYNC_TOKEN_TOLERANCE_MS, syncTokenFor } from './ashby-sync-state';

const PASS_START = new Date('2026-09-01T10:00:00.000Z');
const kept = { token: 'st_42', passStartedAt: PASS_START };

describe('Ashby sync state', () => {
  it('reads back what it wrote', () => {
    const encoded = encodeAshbySyncState(kept);
    expect(JSON.parse(encoded)).toEqual({ token: 'st_42', passStartedAt: '2026-09-01T10:00:00.000Z' });
    expect(decodeAshbySyncState(encoded)).toEqual(kept);
  });

  it('treats a missing or foreign value as nothing kept', () => {
    for (const value of [null, undefined, '', 'st_42', '{', '[]', '{"token":"st_1"}', '{"token":"","passStartedAt":"2026-09-01T10:00:00Z"}',
      '{"token":"st_1","passStartedAt":"yesterday"}', '{"token":7,"passStartedAt":"2026-09-01T10:00:00Z"}']) {
      expect(decodeAshbySyncState(value)).toBeNull();
    }
  });

  it('serves a caller asking from no earlier than the pass start less the tolerance', () => {
    expect(syncTokenFor(kept, new Date(PASS_START.getTime() + 60_000))).toBe('st_42');
    expect(syncTokenFor(kept, new Date(PASS_START.getTime() - 5 * 60_000))).toBe('st_42');
    expect(syncTokenFor(kept, new Date(PASS_START.getTime() - SYNC_TOKEN_TOLERANCE_MS))).toBe('st_42');
  });

  it('does not serve a caller asking from earlier: the token would miss what changed before its pass', () => {
    expect(syncTokenFor(kept, new Date(PASS_START.getTime() - SYNC_TOKEN_TOLERANCE_MS - 1))).toBeNull();
  });

  it('runs a full listing, or a pass with nothing kept, without a token', () => {
    expect(syncTokenFor(kept, null)).toBeNull();
    expect(syncTokenFor(null, new Date(PASS_START.getTime() + 60_000))).toBeNull();
  });
});
