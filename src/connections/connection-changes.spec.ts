import { announcesChange, ConnectionShape } from './connection-changes';

const base: ConnectionShape = { provider: 'sandbox', enabled: true, settings: { a: 1 }, credentials: null };

describe('announcesChange', () => {
  it('announces a connection created enabled, not one created disabled', () => {
    expect(announcesChange(null, base)).toBe(true);
    expect(announcesChange(null, { ...base, enabled: false })).toBe(false);
  });

  it('announces enabling, a new provider, new credentials and changed settings', () => {
    expect(announcesChange({ ...base, enabled: false }, base)).toBe(true);
    expect(announcesChange(base, { ...base, provider: 'lever' })).toBe(true);
    expect(announcesChange(base, { ...base, credentials: 'v1:new' })).toBe(true);
    expect(announcesChange(base, { ...base, settings: { a: 2 } })).toBe(true);
  });

  it('stays quiet for a rename, the same settings again, or a change to a disabled connection', () => {
    expect(announcesChange(base, { ...base })).toBe(false);
    expect(announcesChange(base, { ...base, settings: { a: 1 } })).toBe(false);
    expect(announcesChange({ ...base, enabled: false }, { ...base, enabled: false, settings: { a: 2 } })).toBe(false);
  });
});
