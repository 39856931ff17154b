import { createHash } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import { classifyParticipant, normaliseEmail, normalisePhone } from '../matching/identifier-normaliser';
import { nameKeyOf, parseName } from '../matching/name-normaliser';

/** Who an erasure is about, as an operator wrote it. */
export interface PersonRequest {
  email?: string | null;
  phone?: string | null;
  name?: string | null;
  atsCandidateId?: string | null;
}

/** The person's identifiers in the forms matching stores and compares (E.164, lower-cased email, name key). */
export interface PersonKeys {
  emails: string[];
  phones: string[];
  nameKey: string | null;
  atsCandidateId: string | null;
}

export type PersonKeysResult = { ok: true; keys: PersonKeys } | { ok: false; path: string; message: string };

/**
 * Normalises a request with the normalisers matching uses, so that the person is found wherever matching would
 * have found them. A value that does not normalise is refused rather than ignored: an erasure that silently
 * looks for nobody would report success.
 */
export function personKeys(person: PersonRequest, defaultRegion: CountryCode = 'US'): PersonKeysResult {
  const keys: PersonKeys = { emails: [], phones: [], nameKey: null, atsCandidateId: null };
  if (person.email != null) {
    const email = normaliseEmail(person.email);
    if (email === null) return { ok: false, path: '$.person.email', message: 'not an email address' };
    keys.emails.push(email);
  }
  if (person.phone != null) {
    const phone = normalisePhone(person.phone, defaultRegion);
    if (phone === null) return { ok: false, path: '$.person.phone', message: 'not a valid phone number (write it in E.164, e.g. +14155550123)' };
    keys.phones.push(phone);
  }
  if (person.name != null) {
    const parsed = parseName(person.name);
    const key = parsed === null ? '' : nameKeyOf(parsed);
    if (key === '') return { ok: false, path: '$.person.name', message: 'no name to look for' };
    keys.nameKey = key;
  }
  if (person.atsCandidateId != null) {
    const id = person.atsCandidateId.trim();
    if (id === '') return { ok: false, path: '$.person.atsCandidateId', message: 'must not be blank' };
    keys.atsCandidateId = id;
  }
  if (keys.emails.length === 0 && keys.phones.length === 0 && keys.nameKey === null && keys.atsCandidateId === null) {
    return { ok: false, path: '$.person', message: 'name at least one of email, phone, name or atsCandidateId' };
  }
  return { ok: true, keys };
}

const nameKeyOfText = (text: string): string | null => {
  const parsed = parseName(text);
  return parsed === null ? null : nameKeyOf(parsed);
};

/** Whether one written identifier (a participant, a name, an address) is one of the person's. */
export function identifierIsPerson(value: string, keys: PersonKeys, defaultRegion: CountryCode = 'US'): boolean {
  if (keys.emails.length > 0 || keys.phones.length > 0) {
    const id = classifyParticipant(value, defaultRegion);
    if (id.kind === 'email' && keys.emails.includes(id.value)) return true;
    if (id.kind === 'phone' && keys.phones.includes(id.value)) return true;
  }
  return keys.nameKey !== null && value.length <= 500 && nameKeyOfText(value) === keys.nameKey;
}

/**
 * Whether a stored `meeting.completed` body is about the person: one of its participants is their phone or
 * email, or its `atsRecordName` is their exact name. A body that is not JSON concerns nobody we can tell.
 */
export function payloadConcerns(rawBody: string, keys: PersonKeys, defaultRegion: CountryCode = 'US'): boolean {
  let body: any;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return false;
  }
  const meeting = body?.data?.meeting;
  if (meeting === null || typeof meeting !== 'object') return false;
  const participants: unknown[] = Array.isArray(meeting.participants) ? meeting.participants : [];
  if (participants.some((p) => typeof p === 'string' && identifierIsPerson(p, keys, defaultRegion))) return true;
  return typeof meeting.atsRecordName === 'string' && keys.nameKey !== null && nameKeyOfText(meeting.atsRecordName) === keys.nameKey;
}

/**
 * Whether a sync's match record (evidence, alternatives, the meeting's keys) names the person anywhere: every
 * string in it is read as a phone, an email and a name. Evidence is small (a few candidates), so a full walk
 * is cheap and leaves no field unread.
 */
export function matchMentions(match: unknown, keys: PersonKeys, defaultRegion: CountryCode = 'US', depth = 0): boolean {
  if (depth > 20 || match === null || match === undefined) return false;
  if (typeof match === 'string') return identifierIsPerson(match, keys, defaultRegion);
  if (Array.isArray(match)) return match.some((m) => matchMentions(m, keys, defaultRegion, depth + 1));
  if (typeof match === 'object') return Object.values(match).some((m) => matchMentions(m, keys, defaultRegion, depth + 1));
  return false;
}

/**
 * What the audit log keeps instead of the identifiers: a salted SHA-256 of them. It lets an operator who is
 * given the same identifiers again confirm that an erasure was for them, and reveals nothing to anyone without
 * the salt.
 */
export function identifierHash(salt: string, keys: PersonKeys): string {
  const canonical = JSON.stringify([
    [...keys.emails].sort(),
    [...keys.phones].sort(),
    keys.nameKey,
    keys.atsCandidateId,
  ]);
  return createHash('sha256').update(salt).update('\u0000').update(canonical).digest('hex');
}

/** Which kinds of identifier a request named, for reports and the audit log (kinds, never values). */
export function identifierKinds(keys: PersonKeys): string[] {
  return [
    ...(keys.emails.length ? ['email'] : []),
    ...(keys.phones.length ? ['phone'] : []),
    ...(keys.nameKey !== null ? ['name'] : []),
    ...(keys.atsCandidateId !== null ? ['atsCandidateId'] : []),
  ];
}
