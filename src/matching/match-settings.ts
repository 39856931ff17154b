import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import { normalisePhone } from './identifier-normaliser';

export interface MatchSettings {
  /** Region national phone numbers are read in. */
  defaultRegion: CountryCode;
  /** The organisation's own numbers (E.164): never evidence, so the recruiter's line cannot match a candidate. */
  internalNumbers: string[];
  /** The organisation's own email domains (lower-case, subdomains included): never evidence either. */
  internalDomains: string[];
  /** Jaro-Winkler similarity from which two differently spelled names count as near. */
  nearNameThreshold: number;
  /** Whether a name alone may decide, when exactly one candidate carries it. */
  acceptNameOnly: boolean;
}

export const DEFAULT_MATCH_SETTINGS: MatchSettings = Object.freeze({
  defaultRegion: 'US',
  internalNumbers: [],
  internalDomains: [],
  nearNameThreshold: 0.92,
  acceptNameOnly: true,
}) as MatchSettings;

// Below this, names of different people (John / Joan Smith) start to count as near and so stop counting as a
// conflict; a configured value under it is treated as a mistake, not as a wish.
const LOWEST_NEAR_THRESHOLD = 0.85;
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A list may be stored as an array or as one comma-separated string; anything else is an empty list. */
function stringList(value: unknown): string[] {
  const items = typeof value === 'string' ? value.split(/[,;]/) : Array.isArray(value) ? value : [];
  return items.filter((item): item is string => typeof item === 'string').map((item) => item.trim());
}

function readRegion(value: unknown): CountryCode {
  const region = typeof value === 'string' ? value.trim().toUpperCase() : '';
  return isSupportedCountry(region) ? region : DEFAULT_MATCH_SETTINGS.defaultRegion;
}

function readDomain(value: string): string | null {
  const domain = value.toLowerCase().slice(value.lastIndexOf('@') + 1).replace(/\.$/, '');
  return DOMAIN.test(domain) ? domain : null;
}

/** Reads a nested `matching.x` value, or a flat `'matching.x'` key as some stores write it. */
function matchingOption(settings: Record<string, unknown>, name: string): unknown {
  const nested = settings.matching;
  if (isRecord(nested) && nested[name] !== undefined) return nested[name];
  return settings[`matching.${name}`];
}

/**
 * Matching settings from a connection's settings document. Every value is checked on its own and an invalid one
 * falls back to its default, so one bad entry cannot switch off the rest (an unreadable internal number is
 * dropped, the others still apply).
 */
export function readMatchSettings(settings: Record<string, unknown>): MatchSettings {
  const source = isRecord(settings) ? settings : {};
  const defaultRegion = readRegion(source.defaultRegion);
  const internalNumbers = stringList(source.internalNumbers)
    .map((number) => normalisePhone(number, defaultRegion))
    .filter((number): number is string => number !== null);
  const internalDomains = stringList(source.internalDomains)
    .map(readDomain)
    .filter((domain): domain is string => domain !== null);

  const threshold = matchingOption(source, 'nearNameThreshold');
  const nearNameThreshold =
    typeof threshold === 'number' && threshold >= LOWEST_NEAR_THRESHOLD && threshold <= 1
      ? threshold
      : DEFAULT_MATCH_SETTINGS.nearNameThreshold;
  const acceptNameOnly = matchingOption(source, 'acceptNameOnly');

  return {
    defaultRegion,
    internalNumbers: [...new Set(internalNumbers)],
    internalDomains: [...new Set(internalDomains)],
    nearNameThreshold,
    acceptNameOnly: typeof acceptNameOnly === 'boolean' ? acceptNameOnly : DEFAULT_MATCH_SETTINGS.acceptNameOnly,
  };
}
