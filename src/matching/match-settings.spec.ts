import { DEFAULT_MATCH_SETTINGS, readMatchSettings } from './match-settings';

describe('readMatchSettings', () => {
  it('gives the defaults for an empty settings document', () => {
    expect(readMatchSettings({})).toEqual(DEFAULT_MATCH_SETTINGS);
    expect(DEFAULT_MATCH_SETTINGS).toEqual({
      defaultRegion: 'US',
      internalNumbers: [],
      internalDomains: [],
      nearNameThreshold: 0.92,
      acceptNameOnly: true,
    });
  });

  it('reads every key of a valid document', () => {
    const settings = readMatchSettings({
      defaultRegion: 'gb',
      internalNumbers: ['020 7946 0958', '+1 415 555 2671'],
      internalDomains: ['Acme.co.uk', '@acme-recruiting.com'],
      matching: { nearNameThreshold: 0.95, acceptNameOnly: false },
    });
    expect(settings).toEqual({
      defaultRegion: 'GB',
      internalNumbers: ['+442079460958', '+14155552671'],
      internalDomains: ['acme.co.uk', 'acme-recruiting.com'],
      nearNameThreshold: 0.95,
      acceptNameOnly: false,
    });
  });

  it('reads internal numbers in the configured region', () => {
    expect(readMatchSettings({ defaultRegion: 'DE', internalNumbers: ['030 901820'] }).internalNumbers).toEqual([
      '+4930901820',
    ]);
  });

  it('accepts flat "matching.x" keys and comma-separated lists', () => {
    const settings = readMatchSettings({
      'matching.acceptNameOnly': false,
      internalNumbers: '+1 415 555 2671, +1 212 555 0143',
      internalDomains: 'acme.com;acme.io',
    });
    expect(settings.acceptNameOnly).toBe(false);
    expect(settings.internalNumbers).toEqual(['+14155552671', '+12125550143']);
    expect(settings.internalDomains).toEqual(['acme.com', 'acme.io']);
  });

  it('drops only the invalid entries of a list', () => {
    const settings = readMatchSettings({
      internalNumbers: ['+1 415 555 2671', 'not a number', 42, null],
      internalDomains: ['acme.com', 'not a domain', '', 7],
    });
    expect(settings.internalNumbers).toEqual(['+14155552671']);
    expect(settings.internalDomains).toEqual(['acme.com']);
  });

  it.each([
    [{ defaultRegion: 'XX' }],
    [{ defaultRegion: 44 }],
    [{ matching: { nearNameThreshold: 0.5 } }],
    [{ matching: { nearNameThreshold: 1.5 } }],
    [{ matching: { nearNameThreshold: '0.95' } }],
    [{ matching: { acceptNameOnly: 'yes' } }],
    [{ matching: 'strict' }],
    [{ internalNumbers: { main: '+14155552671' } }],
  ])('falls back to the defaults for %j', (document) => {
    expect(readMatchSettings(document)).toEqual(DEFAULT_MATCH_SETTINGS);
  });

  it('survives a settings value that is not an object at all', () => {
    expect(readMatchSettings(null as unknown as Record<string, unknown>)).toEqual(DEFAULT_MATCH_SETTINGS);
  });
});
