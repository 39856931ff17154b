import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { BoundedCache } from '../common/bounded-cache';

export type ParticipantIdentifier =
  | { kind: 'phone'; value: string }
  | { kind: 'email'; value: string }
  | { kind: 'other'; value: string };

// libphonenumber also digs numbers out of free text ("call 415…"); a participant is a phone only when it is
// nothing but a number, optionally with an extension.
const PHONE_LIKE = /^\+?[\d\s().\-/]{4,}(?:\s*(?:ext\.?|extension|x|#)\s*\d{1,6})?$/i;
const TEL_PREFIX = /^tel:/i;
const MAILTO_PREFIX = /^mailto:/i;
const ANGLE_ADDRESS = /<([^<>]+)>\s*$/;
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[a-z0-9-]{2,}$/;

/**
 * E.164 form of a phone number (extension dropped), or null when the value is not a valid number.
 * National numbers are read in `defaultRegion`; a leading 00 is taken as the international prefix even where
 * the region dials abroad differently (the US uses 011), because that is how people outside it write numbers.
 */
export function normalisePhone(raw: string, defaultRegion: CountryCode = 'US'): string | null {
  if (typeof raw !== 'string') return null;
  // Parsing costs tens of microseconds and the same numbers come back (a directory's namesakes, a recruiter's
  // line): remember the latest answers.
  return phoneCache.getOrCompute(`${defaultRegion}\u0000${raw}`, () => parsePhone(raw, defaultRegion));
}

const phoneCache = new BoundedCache<string, string | null>(20_000);

function parsePhone(raw: string, defaultRegion: CountryCode): string | null {
  const text = raw.trim().replace(TEL_PREFIX, '').trim();
  if (!PHONE_LIKE.test(text)) return null;
  const parsed = parsePhoneNumberFromString(text, defaultRegion);
  if (parsed?.isValid()) return parsed.number;
  if (text.startsWith('00')) {
    const international = parsePhoneNumberFromString(`+${text.slice(2)}`);
    if (international?.isValid()) return international.number;
  }
  return null;
}

/** Trimmed, lower-cased address, or null when the value is not an email address. */
export function normaliseEmail(raw: string): string | null {
  if (typeof raw !== 'string') return null;
  let text = raw.trim();
  const angled = ANGLE_ADDRESS.exec(text);
  if (angled) text = angled[1]!.trim();
  text = text.replace(MAILTO_PREFIX, '').trim().toLowerCase();
  return EMAIL.test(text) ? text : null;
}

/**
 * The mailbox a normalised address delivers to: its sub-address tag (`+jobs`) dropped. The address as written
 * stays the stronger evidence; the mailbox links the tagged and untagged forms of one person's address.
 */
export function mailboxOf(email: string): string {
  const plus = email.indexOf('+');
  const at = email.lastIndexOf('@');
  return plus > 0 && plus < at ? email.slice(0, plus) + email.slice(at) : email;
}

/** The domain part of a normalised address. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/** A participant is a phone number, an email address, or some other identifier the recorder used. */
export function classifyParticipant(raw: string, defaultRegion: CountryCode = 'US'): ParticipantIdentifier {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text.includes('@')) {
    const email = normaliseEmail(text);
    if (email !== null) return { kind: 'email', value: email };
  } else {
    const phone = normalisePhone(text, defaultRegion);
    if (phone !== null) return { kind: 'phone', value: phone };
  }
  return { kind: 'other', value: text };
}
