import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** The Candidate fields every search and listing asks for. */
export const BULLHORN_CANDIDATE_FIELDS =
  'id,firstName,lastName,name,email,email2,email3,phone,mobile,phone2,phone3,workPhone,dateLastModified';

export const BULLHORN_PHONE_FIELDS = ['phone', 'mobile', 'phone2', 'phone3', 'workPhone'] as const;
export const BULLHORN_EMAIL_FIELDS = ['email', 'email2', 'email3'] as const;

/** Deleted candidates stay in the index; every query excludes them. */
export const NOT_DELETED = 'isDeleted:false';

/** A Lucene phrase: quoted, with backslashes and quotes escaped. */
export function luceneQuote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A JPQL string literal for `query/{Entity}?where=`. */
export function jpqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * JPQL for the CorporateUsers who may carry a meeting owner's name (a `query/CorporateUser` where clause;
 * CorporateUser is not in the search index). The owner's name is one string while Bullhorn keeps first and last
 * names apart, so every split into first and last name is asked for ("Mary Ann Smith" may be Mary Ann + Smith or
 * Mary + Ann Smith); a one-word name may be either. The caller still compares whole names: this only narrows
 * what Bullhorn sends back. Only users who may log in and are not deleted can author a note.
 */
export function corporateUserNameWhere(name: string): string | null {
  const words = name.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return null;
  const alternatives =
    words.length === 1
      ? [`firstName=${jpqlString(words[0])}`, `lastName=${jpqlString(words[0])}`]
      : words.slice(1).map((_, i) => {
          const first = words.slice(0, i + 1).join(' ');
          const last = words.slice(i + 1).join(' ');
          return `(firstName=${jpqlString(first)} AND lastName=${jpqlString(last)})`;
        });
  return `(${alternatives.join(' OR ')}) AND enabled=true AND isDeleted=false`;
}

export function nameQuery(name: string): string {
  return `name:${luceneQuote(name.trim().replace(/\s+/g, ' '))} AND ${NOT_DELETED}`;
}

export function emailQuery(email: string): string {
  const quoted = luceneQuote(email.trim());
  return `(${BULLHORN_EMAIL_FIELDS.map((f) => `${f}:${quoted}`).join(' OR ')}) AND ${NOT_DELETED}`;
}

/**
 * The ways a number may have been typed into Bullhorn, which stores phones as entered: the national
 * significant number (digits only, as the RingCentral adapter searches), the national format and its dashed
 * and digits-only forms, and E.164 and international forms.
 */
export function phoneVariants(e164: string): string[] {
  const parsed = parsePhoneNumberFromString(e164.trim());
  const variants: string[] = [];
  if (parsed) {
    const national = parsed.formatNational();
    variants.push(
      String(parsed.nationalNumber),
      national,
      national.replace(/[()]/g, '').trim().replace(/[\s.]+/g, '-'),
      national.replace(/\D/g, ''),
      parsed.number,
      parsed.formatInternational(),
    );
  } else {
    const digits = e164.replace(/\D/g, '');
    if (digits.length >= 6) variants.push(digits);
  }
  return [...new Set(variants.map((v) => v.trim()).filter((v) => v !== ''))];
}

export function phoneQuery(e164: string): string | null {
  const variants = phoneVariants(e164);
  if (variants.length === 0) return null;
  const clauses = BULLHORN_PHONE_FIELDS.flatMap((field) => variants.map((v) => `${field}:${luceneQuote(v)}`));
  return `(${clauses.join(' OR ')}) AND ${NOT_DELETED}`;
}

/** Bullhorn's search index writes dates as `yyyyMMddHHmmss`. */
export function luceneDate(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    p(date.getUTCFullYear(), 4) +
    p(date.getUTCMonth() + 1) +
    p(date.getUTCDate()) +
    p(date.getUTCHours()) +
    p(date.getUTCMinutes()) +
    p(date.getUTCSeconds())
  );
}

export function listingQuery(since: string | null): string {
  return since ? `${NOT_DELETED} AND dateLastModified:[${since} TO *]` : NOT_DELETED;
}
