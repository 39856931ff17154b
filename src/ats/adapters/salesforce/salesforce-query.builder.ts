import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * SOQL and SOSL text for the Salesforce adapter. Every value from outside Debrief (names, e-mails, phone numbers,
 * record ids, dates) enters a query only through one of the functions here, so no value can end a literal early.
 *
 * - SOQL string literals (Salesforce "Quoted String Escape Sequences"): inside single quotes, `\` introduces an
 *   escape; `\'`, `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f` are the documented sequences and "a backslash in any
 *   other context is an error". So backslash and both quotes are escaped, control characters written as their
 *   sequences (or dropped, for the other control characters, which have none).
 * - SOSL search terms (Salesforce "FIND": reserved characters `? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -` must be
 *   escaped with a backslash): the phone search sends digits only, and the term is still escaped.
 * - Record ids are checked against the 15/18-character id form and dates are written by Debrief as ISO instants,
 *   so neither is ever quoted user text.
 */

export type SalesforceObject = 'Contact' | 'Lead';

export const CONTACT_FIELDS = ['Id', 'FirstName', 'LastName', 'Name', 'Email', 'Phone', 'MobilePhone', 'HomePhone', 'OtherPhone', 'LastModifiedDate'];
export const LEAD_FIELDS = ['Id', 'FirstName', 'LastName', 'Name', 'Email', 'Phone', 'MobilePhone', 'LastModifiedDate'];

export function fieldsOf(object: SalesforceObject): string[] {
  return object === 'Contact' ? CONTACT_FIELDS : LEAD_FIELDS;
}

/** A converted lead has become a contact (which the search also covers): notes belong on the contact. */
function liveFilter(object: SalesforceObject): string | null {
  return object === 'Lead' ? 'IsConverted = false' : null;
}

const SOQL_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A SOQL string literal, quotes included. */
export function soqlString(value: string): string {
  const escaped = value
    .replace(/[\\'"\n\r\t\b\f]/g, (c) => SOQL_ESCAPES[c])
    // Other control characters have no escape sequence and are never part of a name or address.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '');
  return `'${escaped}'`;
}

const SOSL_RESERVED = /[?&|!{}[\]()^~*:\\"'+\-]/g;

/** A SOSL search term inside FIND {…}, braces included. */
export function soslTerm(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return `{${clean.replace(SOSL_RESERVED, (c) => `\\${c}`)}}`;
}

/** A Salesforce record id (15 or 18 characters, letters and digits), or null. */
export function salesforceId(value: string | null | undefined): string | null {
  const v = value?.trim() ?? '';
  return /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(v) ? v : null;
}

/** A SOQL dateTime literal (unquoted, as SOQL writes them), whole seconds in UTC. */
export function soqlDateTime(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new Error('invalid date');
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function where(...clauses: Array<string | null>): string {
  const kept = clauses.filter((c): c is string => c !== null && c !== '');
  return kept.length === 0 ? '' : ` WHERE ${kept.join(' AND ')}`;
}

export function emailSoql(object: SalesforceObject, email: string, limit: number): string {
  return `SELECT ${fieldsOf(object).join(', ')} FROM ${object}${where(`Email = ${soqlString(email.trim())}`, liveFilter(object))} LIMIT ${limit}`;
}

export function nameSoql(object: SalesforceObject, name: string, limit: number): string {
  const clean = name.trim().replace(/\s+/g, ' ');
  return `SELECT ${fieldsOf(object).join(', ')} FROM ${object}${where(`Name = ${soqlString(clean)}`, liveFilter(object))} LIMIT ${limit}`;
}

/**
 * The phone search: SOSL `IN PHONE FIELDS` over every object searched. The term is the number's national
 * significant digits, which `(234) 567-8900` and `+1 234 567 8900` both carry: the SOSL guide describes phone
 * search as matching the digits whatever punctuation was typed (not checked against a live org). The caller
 * confirms every record by normalising its phones, so a looser index answer never decides a match.
 */
export function phoneSosl(objects: readonly SalesforceObject[], e164: string, limit: number): string | null {
  const parsed = parsePhoneNumberFromString(e164.trim());
  const digits = parsed?.nationalNumber ?? e164.replace(/\D/g, '');
  if (!/^\d{4,}$/.test(digits)) return null;
  const returning = objects
    .map((object) => `${object}(${fieldsOf(object).join(', ')}${where(liveFilter(object))} LIMIT ${limit})`)
    .join(', ');
  return `FIND ${soslTerm(digits)} IN PHONE FIELDS RETURNING ${returning}`;
}

/** One object's listing, oldest change first within the bound; Salesforce pages it with nextRecordsUrl. */
export function listingSoql(object: SalesforceObject, since: Date | null): string {
  const bound = since ? `LastModifiedDate >= ${soqlDateTime(since)}` : null;
  return `SELECT ${fieldsOf(object).join(', ')} FROM ${object}${where(bound, liveFilter(object))} ORDER BY Id`;
}

export function userByEmailSoql(email: string): string {
  return `SELECT Id, Name, Email, IsActive FROM User WHERE Email = ${soqlString(email.trim())} AND IsActive = true LIMIT 5`;
}

export function userByNameSoql(name: string): string {
  return `SELECT Id, Name, Email, IsActive FROM User WHERE Name = ${soqlString(name.trim().replace(/\s+/g, ' '))} AND IsActive = true LIMIT 5`;
}

export function userByIdSoql(id: string): string | null {
  const checked = salesforceId(id);
  return checked ? `SELECT Id, Name, Email, IsActive FROM User WHERE Id = ${soqlString(checked)} LIMIT 1` : null;
}

/** The enhanced notes linked to a record (ContentDocumentLink is read from the database, not the search index). */
export function noteLinksSoql(recordId: string, since: Date | null): string {
  const id = requireId(recordId);
  const bound = since ? `ContentDocument.CreatedDate >= ${soqlDateTime(since)}` : null;
  return `SELECT ContentDocumentId FROM ContentDocumentLink${where(`LinkedEntityId = ${soqlString(id)}`, `ContentDocument.FileType = 'SNOTE'`, bound)} ORDER BY SystemModstamp DESC LIMIT 50`;
}

export function contentNotesSoql(ids: readonly string[]): string {
  const list = ids.map((id) => soqlString(requireId(id))).join(', ');
  return `SELECT Id, Title, OwnerId, SharingPrivacy, CreatedDate FROM ContentNote WHERE Id IN (${list})`;
}

export function legacyNotesSoql(recordId: string, since: Date | null): string {
  const bound = since ? `CreatedDate >= ${soqlDateTime(since)}` : null;
  return `SELECT Id, Body, OwnerId, IsPrivate, CreatedDate FROM Note${where(`ParentId = ${soqlString(requireId(recordId))}`, bound)} ORDER BY CreatedDate DESC LIMIT 50`;
}

export function tasksSoql(recordId: string, since: Date | null): string {
  const bound = since ? `CreatedDate >= ${soqlDateTime(since)}` : null;
  return `SELECT Id, Description, OwnerId, CreatedDate FROM Task${where(`WhoId = ${soqlString(requireId(recordId))}`, bound)} ORDER BY CreatedDate DESC LIMIT 50`;
}

function requireId(value: string): string {
  const id = salesforceId(value);
  if (!id) throw new Error(`not a Salesforce record id`);
  return id;
}
