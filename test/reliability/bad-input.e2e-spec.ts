import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain } from '../support/fixtures';
import { samplePayload, TEST_SECRET } from '../support/sign';

type Payload = Record<string, any>;

/** Standard Webhooks headers over raw bytes (the shared helper signs strings; some bodies here are not UTF-8). */
function signBytes(body: Buffer, options: { id?: string; timestamp?: number | string; secret?: string } = {}): Record<string, string> {
  const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const secret = options.secret ?? TEST_SECRET;
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret);
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

const JSON_TYPE = { 'content-type': 'application/json' };

interface Case {
  name: string;
  /** The body as sent (a string is sent as its UTF-8 bytes). */
  body: string | Buffer;
  /** Replaces the valid signature headers; the content type is added unless `contentType` says otherwise. */
  headers?: (body: Buffer) => Record<string, string>;
  contentType?: string | null;
  method?: 'post' | 'put' | 'get' | 'delete' | 'patch';
  status: number;
  /** The `status` field of a 200 answer. */
  outcome?: 'accepted' | 'duplicate' | 'ignored';
  /** The event id the body carries, when it should (or should not) end up stored. */
  eventId?: string;
}

const payload = (id: string, change: (p: Payload) => void = () => {}) =>
  samplePayload((p) => {
    p.id = id;
    change(p);
  });
const json = (id: string, change: (p: Payload) => void = () => {}) => JSON.stringify(payload(id, change));
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A valid body with a raw fragment spliced in place of the meeting name (for bytes JSON.stringify cannot produce). */
const withRawName = (id: string, rawName: Buffer) => {
  const [before, after] = json(id, (p) => (p.data.meeting.name = '@@NAME@@')).split('@@NAME@@');
  return Buffer.concat([Buffer.from(before), rawName, Buffer.from(after)]);
};

const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const cases: Case[] = [
  // Signatures: every one of these is refused before the body is even parsed.
  { name: 'no signature headers', body: json('evt_bad_nosig'), headers: () => ({}), status: 401, eventId: 'evt_bad_nosig' },
  { name: 'signed with another secret', body: json('evt_bad_secret'), headers: (b) => signBytes(b, { secret: 'whsec_' + Buffer.alloc(24, 7).toString('base64') }), status: 401, eventId: 'evt_bad_secret' },
  { name: 'signed with the secret string instead of its key bytes', body: json('evt_bad_rawkey'), headers: (b) => signBytes(b, { secret: TEST_SECRET.slice(6) }), status: 401, eventId: 'evt_bad_rawkey' },
  { name: 'stale timestamp (an hour old)', body: json('evt_bad_stale'), headers: (b) => signBytes(b, { timestamp: nowSeconds() - 3600 }), status: 401, eventId: 'evt_bad_stale' },
  { name: 'timestamp an hour in the future', body: json('evt_bad_future'), headers: (b) => signBytes(b, { timestamp: nowSeconds() + 3600 }), status: 401, eventId: 'evt_bad_future' },
  { name: 'timestamp in milliseconds', body: json('evt_bad_ms'), headers: (b) => signBytes(b, { timestamp: Date.now() }), status: 401, eventId: 'evt_bad_ms' },
  { name: 'timestamp not a number', body: json('evt_bad_tsword'), headers: (b) => signBytes(b, { timestamp: 'yesterday' }), status: 401, eventId: 'evt_bad_tsword' },
  { name: 'negative timestamp', body: json('evt_bad_tsneg'), headers: (b) => signBytes(b, { timestamp: '-5' }), status: 401, eventId: 'evt_bad_tsneg' },
  { name: 'fractional timestamp', body: json('evt_bad_tsfrac'), headers: (b) => signBytes(b, { timestamp: `${nowSeconds()}.5` }), status: 401, eventId: 'evt_bad_tsfrac' },
  {
    name: 'body changed after signing',
    body: json('evt_bad_tamper'),
    headers: () => signBytes(Buffer.from(json('evt_bad_tamper', (p) => (p.data.meeting.name = 'original')))),
    status: 401,
    eventId: 'evt_bad_tamper',
  },
  {
    name: 'webhook-id swapped after signing',
    body: json('evt_bad_idswap'),
    headers: (b) => ({ ...signBytes(b, { id: 'msg_signed' }), 'webhook-id': 'msg_other' }),
    status: 401,
    eventId: 'evt_bad_idswap',
  },
  {
    name: 'webhook-timestamp changed after signing',
    body: json('evt_bad_tsswap'),
    headers: (b) => {
      const h = signBytes(b);
      return { ...h, 'webhook-timestamp': String(Number(h['webhook-timestamp']) - 1) };
    },
    status: 401,
    eventId: 'evt_bad_tsswap',
  },
  { name: 'v2 signature only', body: json('evt_bad_v2'), headers: (b) => ({ ...signBytes(b), 'webhook-signature': signBytes(b)['webhook-signature'].replace('v1,', 'v2,') }), status: 401, eventId: 'evt_bad_v2' },
  { name: 'signature is not base64', body: json('evt_bad_b64'), headers: (b) => ({ ...signBytes(b), 'webhook-signature': 'v1,!!!not base64!!!' }), status: 401, eventId: 'evt_bad_b64' },
  { name: 'the right signature followed by junk', body: json('evt_bad_sigjunk'), headers: (b) => ({ ...signBytes(b), 'webhook-signature': `${signBytes(b)['webhook-signature']}AAAA!!` }), status: 401, eventId: 'evt_bad_sigjunk' },
  {
    name: 'the right signature in the url-safe alphabet, unpadded',
    body: json('evt_bad_sigurl'),
    headers: (b) => {
      const h = signBytes(b, { id: 'msg_urlsafe' });
      return { ...h, 'webhook-signature': h['webhook-signature'].replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') };
    },
    status: 401,
    eventId: 'evt_bad_sigurl',
  },
  { name: 'empty signature header', body: json('evt_bad_emptysig'), headers: (b) => ({ ...signBytes(b), 'webhook-signature': '' }), status: 401, eventId: 'evt_bad_emptysig' },
  { name: 'only a webhook-id header', body: json('evt_bad_idonly'), headers: () => ({ 'webhook-id': 'msg_1' }), status: 401, eventId: 'evt_bad_idonly' },
  {
    name: 'eight kilobytes of wrong signatures',
    body: json('evt_bad_manysig'),
    headers: (b) => ({ ...signBytes(b), 'webhook-signature': Array.from({ length: 180 }, () => `v1,${Buffer.alloc(32, 1).toString('base64')}`).join(' ') }),
    status: 401,
    eventId: 'evt_bad_manysig',
  },
  {
    name: 'svix headers with a wrong signature',
    body: json('evt_bad_svix'),
    headers: (b) => {
      const h = signBytes(b);
      return { 'svix-id': h['webhook-id'], 'svix-timestamp': h['webhook-timestamp'], 'svix-signature': 'v1,' + Buffer.alloc(32).toString('base64') };
    },
    status: 401,
    eventId: 'evt_bad_svix',
  },

  // Bodies that are not JSON (correctly signed): 400.
  { name: 'truncated JSON', body: '{"id":"evt_bad_trunc","eventType":"meeting.completed",', status: 400, eventId: 'evt_bad_trunc' },
  { name: 'trailing garbage after the object', body: json('evt_bad_trailing') + 'xyz', status: 400, eventId: 'evt_bad_trailing' },
  { name: 'two objects back to back', body: json('evt_bad_two') + json('evt_bad_two2'), status: 400, eventId: 'evt_bad_two' },
  { name: 'single-quoted JSON', body: json('evt_bad_quotes').replace(/"/g, "'"), status: 400, eventId: 'evt_bad_quotes' },
  { name: 'NaN literal', body: json('evt_bad_nan').replace(/"createdAt":\d+/, '"createdAt":NaN'), status: 400, eventId: 'evt_bad_nan' },
  { name: 'comments in JSON', body: '/* hi */' + json('evt_bad_comment'), status: 400, eventId: 'evt_bad_comment' },
  { name: 'empty body', body: '', status: 400 },
  { name: 'whitespace only', body: '   \n\t ', status: 400 },
  { name: 'raw NUL byte inside a string', body: withRawName('evt_bad_rawnul', Buffer.from([0x61, 0x00, 0x62])), status: 400, eventId: 'evt_bad_rawnul' },
  { name: 'raw control character inside a string', body: withRawName('evt_bad_ctrl', Buffer.from([0x61, 0x07, 0x62])), status: 400, eventId: 'evt_bad_ctrl' },
  { name: 'invalid UTF-8 sequence', body: withRawName('evt_bad_utf8', Buffer.from([0x61, 0xc3, 0x28, 0x62])), status: 400, eventId: 'evt_bad_utf8' },
  { name: 'overlong UTF-8 encoding', body: withRawName('evt_bad_overlong', Buffer.from([0xc0, 0xaf])), status: 400, eventId: 'evt_bad_overlong' },
  { name: 'UTF-8 encoded surrogate', body: withRawName('evt_bad_cesu', Buffer.from([0xed, 0xa0, 0x80])), status: 400, eventId: 'evt_bad_cesu' },
  { name: 'UTF-16 body', body: Buffer.from('\ufeff' + json('evt_bad_utf16'), 'utf16le'), status: 400, eventId: 'evt_bad_utf16' },
  { name: 'number overflowing to Infinity', body: json('evt_bad_inf').replace(/"createdAt":\d+/, '"createdAt":1e400'), status: 400, eventId: 'evt_bad_inf' },

  // JSON of the wrong shape: 400 with the path.
  { name: 'an empty array', body: '[]', status: 400 },
  { name: 'an array holding the payload', body: `[${json('evt_bad_inarray')}]`, status: 400, eventId: 'evt_bad_inarray' },
  { name: 'a JSON string', body: '"meeting.completed"', status: 400 },
  { name: 'a JSON number', body: '42', status: 400 },
  { name: 'JSON null', body: 'null', status: 400 },
  { name: 'JSON true', body: 'true', status: 400 },
  { name: 'an empty object', body: '{}', status: 400 },
  { name: 'id missing', body: JSON.stringify((({ id: _id, ...rest }) => rest)(payload('x'))), status: 400 },
  { name: 'id as a number', body: json('x', (p) => (p.id = 12345)), status: 400 },
  { name: 'id as an object', body: json('x', (p) => (p.id = { $ne: null })), status: 400 },
  { name: 'id as an array', body: json('x', (p) => (p.id = ['evt_a', 'evt_b'])), status: 400 },
  { name: 'id empty', body: json(''), status: 400, eventId: '' },
  { name: 'id longer than 255 characters', body: json('e'.repeat(300)), status: 400, eventId: 'e'.repeat(300) },
  { name: 'id holding an escaped NUL', body: json('evt_bad_idnul\u0000x'), status: 400, eventId: 'evt_bad_idnul\u0000x' },
  { name: 'id holding a lone surrogate', body: json('evt_bad_idsur\ud800'), status: 400, eventId: 'evt_bad_idsur\ud800' },
  { name: 'eventType missing', body: json('evt_bad_notype', (p) => delete p.eventType), status: 400, eventId: 'evt_bad_notype' },
  { name: 'eventType as a number', body: json('evt_bad_typenum', (p) => (p.eventType = 7)), status: 400, eventId: 'evt_bad_typenum' },
  { name: 'createdAt as a string', body: json('evt_bad_datestr', (p) => (p.createdAt = '2025-01-01')), status: 400, eventId: 'evt_bad_datestr' },
  { name: 'createdAt negative', body: json('evt_bad_dateneg', (p) => (p.createdAt = -1)), status: 400, eventId: 'evt_bad_dateneg' },
  { name: 'createdAt beyond the last representable date', body: json('evt_bad_datebig', (p) => (p.createdAt = 1e20)), status: 400, eventId: 'evt_bad_datebig' },
  { name: 'data missing', body: json('evt_bad_nodata', (p) => delete p.data), status: 400, eventId: 'evt_bad_nodata' },
  { name: 'data as an array', body: json('evt_bad_dataarr', (p) => (p.data = [p.data])), status: 400, eventId: 'evt_bad_dataarr' },
  { name: 'data as a string', body: json('evt_bad_datastr', (p) => (p.data = JSON.stringify(p.data))), status: 400, eventId: 'evt_bad_datastr' },
  { name: 'meeting missing', body: json('evt_bad_nomeeting', (p) => delete p.data.meeting), status: 400, eventId: 'evt_bad_nomeeting' },
  { name: 'meeting id missing', body: json('evt_bad_nomid', (p) => delete p.data.meeting.id), status: 400, eventId: 'evt_bad_nomid' },
  { name: 'organization missing', body: json('evt_bad_noorg', (p) => delete p.data.organization), status: 400, eventId: 'evt_bad_noorg' },
  { name: 'accountId as a number', body: json('evt_bad_accnum', (p) => (p.data.organization.accountId = 554433)), status: 400, eventId: 'evt_bad_accnum' },
  { name: 'accountId empty', body: json('evt_bad_accempty', (p) => (p.data.organization.accountId = '')), status: 400, eventId: 'evt_bad_accempty' },
  { name: 'participants as a string', body: json('evt_bad_partstr', (p) => (p.data.meeting.participants = '+12345678900')), status: 400, eventId: 'evt_bad_partstr' },
  { name: 'participants holding numbers', body: json('evt_bad_partnum', (p) => (p.data.meeting.participants = [12345678900])), status: 400, eventId: 'evt_bad_partnum' },
  { name: 'more than 1000 participants', body: json('evt_bad_partmany', (p) => (p.data.meeting.participants = Array.from({ length: 1001 }, (_, i) => `+1415555${String(i).padStart(4, '0')}`))), status: 400, eventId: 'evt_bad_partmany' },
  { name: 'participants nested in arrays', body: json('evt_bad_partdeep', (p) => (p.data.meeting.participants = [[['+12345678900']]])), status: 400, eventId: 'evt_bad_partdeep' },
  { name: 'startTime not a date', body: json('evt_bad_start', (p) => (p.data.meeting.startTime = 'next tuesday')), status: 400, eventId: 'evt_bad_start' },
  { name: 'isPrivate as a string', body: json('evt_bad_private', (p) => (p.data.meeting.isPrivate = 'yes')), status: 400, eventId: 'evt_bad_private' },
  { name: 'databaseNotes as an object', body: json('evt_bad_notesobj', (p) => (p.assets.databaseNotes = { note: 'x' })), status: 400, eventId: 'evt_bad_notesobj' },
  { name: 'meeting name over 1000 characters', body: json('evt_bad_longname', (p) => (p.data.meeting.name = 'n'.repeat(1001))), status: 400, eventId: 'evt_bad_longname' },
  { name: 'a note over 200,000 characters', body: json('evt_bad_longnote', (p) => (p.assets.databaseNotes[0].note = 'x'.repeat(200_001))), status: 400, eventId: 'evt_bad_longnote' },

  // Size and nesting.
  { name: 'body over the 1 MB limit', body: json('evt_bad_huge', (p) => (p.padding = 'x'.repeat(1024 * 1024))), status: 413, eventId: 'evt_bad_huge' },
  { name: 'body far over the limit (8 MB)', body: Buffer.alloc(8 * 1024 * 1024, 0x20), status: 413 },
  { name: 'an array nested 100,000 deep', body: deepArray(100_000), status: 400 },
  { name: 'an object nested 50,000 deep', body: '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000), status: 400 },
  // Intake keeps nothing nested deeper than JSON_MAX_DEPTH (64): such a body is refused with the path, so every
  // stored event can be read back.
  { name: 'valid payload carrying an unknown field nested 50,000 deep', body: json('evt_bad_deep50k', (p) => (p.extra = '@@DEEP@@')).replace('"@@DEEP@@"', deepArray(50_000)), status: 400, eventId: 'evt_bad_deep50k' },
  { name: 'valid payload carrying an unknown field nested 10,000 deep', body: json('evt_bad_deep10k', (p) => (p.extra = '@@DEEP@@')).replace('"@@DEEP@@"', deepArray(10_000)), status: 400, eventId: 'evt_bad_deep10k' },
  { name: 'valid payload carrying objects nested 65 deep under the meeting', body: json('evt_bad_deep65', (p) => (p.data.meeting.extra = '@@DEEP@@')).replace('"@@DEEP@@"', '{"a":'.repeat(62) + '1' + '}'.repeat(62)), status: 400, eventId: 'evt_bad_deep65' },
  { name: 'valid payload nested exactly 64 deep', body: json('evt_ok_deep64', (p) => (p.data.meeting.extra = '@@DEEP@@')).replace('"@@DEEP@@"', '{"a":'.repeat(61) + '1' + '}'.repeat(61)), status: 200, outcome: 'accepted', eventId: 'evt_ok_deep64' },
  { name: 'valid payload of 1000 long participants (about 500 KB)', body: json('evt_ok_big', (p) => (p.data.meeting.participants = ['+12345678900', ...Array.from({ length: 999 }, (_, i) => `guest${i}@`.padEnd(480, 'x') + '.example')])), status: 200, outcome: 'accepted', eventId: 'evt_ok_big' },

  // Content types and methods.
  { name: 'text/plain content type', body: json('evt_bad_textplain'), contentType: 'text/plain', status: 415, eventId: 'evt_bad_textplain' },
  { name: 'form-encoded content type', body: 'id=evt_bad_form&eventType=meeting.completed', contentType: 'application/x-www-form-urlencoded', status: 415, eventId: 'evt_bad_form' },
  { name: 'multipart content type', body: '--x\r\n\r\n' + json('evt_bad_multipart') + '\r\n--x--', contentType: 'multipart/form-data; boundary=x', status: 415, eventId: 'evt_bad_multipart' },
  { name: 'application/xml', body: '<id>evt_bad_xml</id>', contentType: 'application/xml', status: 415, eventId: 'evt_bad_xml' },
  { name: 'no content type', body: json('evt_bad_notype_ct'), contentType: null, status: 415, eventId: 'evt_bad_notype_ct' },
  { name: 'GET on the webhook route', body: '', method: 'get', status: 404 },
  { name: 'PUT on the webhook route', body: json('evt_bad_put'), method: 'put', status: 404, eventId: 'evt_bad_put' },
  { name: 'JSON with a charset parameter', body: json('evt_ok_charset'), contentType: 'application/json; charset=utf-8', status: 200, outcome: 'accepted', eventId: 'evt_ok_charset' },
  { name: 'a +json media type', body: json('evt_ok_plusjson'), contentType: 'application/vnd.provider+json', status: 200, outcome: 'accepted', eventId: 'evt_ok_plusjson' },

  // Hostile but valid content: accepted and stored verbatim, nothing else happens.
  { name: 'SQL in the event id', body: json("evt_sql'); DROP TABLE webhook_events;--"), status: 200, outcome: 'accepted', eventId: "evt_sql'); DROP TABLE webhook_events;--" },
  { name: 'SQL in the candidate name', body: json('evt_ok_sqlname', (p) => (p.data.meeting.atsRecordName = "Robert'); DROP TABLE syncs;--")), status: 200, outcome: 'accepted', eventId: 'evt_ok_sqlname' },
  { name: 'script tags in the meeting name', body: json('evt_ok_xss', (p) => (p.data.meeting.name = '<script>alert(1)</script><img src=x onerror=alert(2)>')), status: 200, outcome: 'accepted', eventId: 'evt_ok_xss' },
  { name: 'template syntax in the notes', body: json('evt_ok_tpl', (p) => (p.assets.databaseNotes[0].note = '${process.exit(1)} {{constructor.constructor("return process")()}} %s%n')), status: 200, outcome: 'accepted', eventId: 'evt_ok_tpl' },
  { name: 'CRLF header injection in the owner name', body: json('evt_ok_crlf', (p) => (p.data.meeting.ownerName = 'Alex\r\nSet-Cookie: admin=1')), status: 200, outcome: 'accepted', eventId: 'evt_ok_crlf' },
  { name: 'prototype pollution keys', body: json('evt_ok_proto').replace('{', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},'), status: 200, outcome: 'accepted', eventId: 'evt_ok_proto' },
  { name: 'right-to-left override and emoji in the name', body: json('evt_ok_rtl', (p) => (p.data.meeting.atsRecordName = 'First \u202eLast\u202c 👩🏽‍💻')), status: 200, outcome: 'accepted', eventId: 'evt_ok_rtl' },
  { name: 'escaped NUL in the meeting name', body: json('evt_ok_nulname', (p) => (p.data.meeting.name = 'before\u0000after')), status: 200, outcome: 'accepted', eventId: 'evt_ok_nulname' },
  { name: 'lone surrogate in the notes', body: json('evt_ok_surrogate', (p) => (p.assets.databaseNotes[0].note = 'broken \ud83d pair')), status: 200, outcome: 'accepted', eventId: 'evt_ok_surrogate' },
  { name: 'a path traversal string as the meeting id', body: json('evt_ok_traversal', (p) => (p.data.meeting.id = '../../../../etc/passwd')), status: 200, outcome: 'accepted', eventId: 'evt_ok_traversal' },
  { name: 'another event type', body: json('evt_ok_other', (p) => (p.eventType = 'meeting.started')), status: 200, outcome: 'ignored', eventId: 'evt_ok_other' },
  { name: 'an unknown account (stored, routed nowhere)', body: json('evt_ok_noroute', (p) => (p.data.organization.accountId = 'acc_unknown')), status: 200, outcome: 'accepted', eventId: 'evt_ok_noroute' },
];


// ---------------------------------------------------------------------------------------------------------------
// The admin API: every hostile value in a query, a path or a body is a 400 in the common shape, never a 500.

interface AdminCase {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  /** The request target as sent, byte for byte; `:conn` and `:sync` are replaced with real ids. */
  path: string;
  /** A JSON value (serialised with JSON.stringify, which writes lone surrogates as `\udXXX` escapes) or raw text. */
  body?: unknown;
  rawBody?: string;
  status: number;
}

const NUL = '\u0000';
const LONE_HIGH = '\ud800';
const LONE_LOW = '\udfff';
/** `body` as JSON text with the string "@@DEEP@@" replaced by objects nested `depth` deep (too deep for JSON.stringify here). */
const withDeep = (body: unknown, depth: number): string =>
  JSON.stringify(body).replace('"@@DEEP@@"', '{"nested":'.repeat(depth) + '"bottom"' + '}'.repeat(depth));
const cursorOf = (text: string) => Buffer.from(text).toString('base64url');
const SOME_UUID = '0b6f2a3c-1d4e-4f50-9a6b-7c8d9e0f1a2b';
const connection = (change: Record<string, unknown>) => ({ name: 'Hostile', provider: 'sandbox', accountId: 'acc_hostile', ...change });
const mapping = (change: Record<string, unknown>) => ({ sections: ['details', 'notes'], ...change });

/** The same hostile text in each place an admin route reads text from. */
const textPlaces = (label: string, text: string, encoded: string): AdminCase[] => [
  { name: `${label} in /admin/syncs?eventId=`, method: 'GET', path: `/admin/syncs?eventId=${encoded}`, status: 400 },
  { name: `${label} in /admin/syncs?connectionId=`, method: 'GET', path: `/admin/syncs?connectionId=${encoded}`, status: 400 },
  { name: `${label} in /admin/connections?accountId=`, method: 'GET', path: `/admin/connections?accountId=${encoded}`, status: 400 },
  { name: `${label} in /admin/connections?provider=`, method: 'GET', path: `/admin/connections?provider=${encoded}`, status: 400 },
  { name: `${label} in /admin/connections?teamId=`, method: 'GET', path: `/admin/connections?teamId=${encoded}`, status: 400 },
  { name: `${label} in /admin/audit?actor=`, method: 'GET', path: `/admin/audit?actor=${encoded}`, status: 400 },
  { name: `${label} in /admin/audit?targetId=`, method: 'GET', path: `/admin/audit?targetId=${encoded}`, status: 400 },
  { name: `${label} in /admin/audit?action=`, method: 'GET', path: `/admin/audit?action=${encoded}`, status: 400 },
  { name: `${label} in a query parameter's name`, method: 'GET', path: `/admin/syncs?${encoded}=1`, status: 400 },
  { name: `${label} as the event id of GET /admin/events/:id`, method: 'GET', path: `/admin/events/${encoded}`, status: 400 },
  { name: `${label} as the event id of POST /admin/events/:id/replay`, method: 'POST', path: `/admin/events/${encoded}/replay`, status: 400 },
  { name: `${label} as the sync id of GET /admin/syncs/:id`, method: 'GET', path: `/admin/syncs/${encoded}`, status: 400 },
  { name: `${label} as the connection id of GET /admin/connections/:id/mapping`, method: 'GET', path: `/admin/connections/${encoded}/mapping`, status: 400 },
  { name: `${label} as the job name of POST /admin/jobs/:name/run`, method: 'POST', path: `/admin/jobs/${encoded}/run`, status: 400 },
  { name: `${label} in a new connection's name`, method: 'POST', path: '/admin/connections', body: connection({ name: `a${text}b` }), status: 400 },
  { name: `${label} in a new connection's accountId`, method: 'POST', path: '/admin/connections', body: connection({ accountId: `acc${text}` }), status: 400 },
  { name: `${label} in a new connection's teamId`, method: 'POST', path: '/admin/connections', body: connection({ teamId: `team${text}` }), status: 400 },
  { name: `${label} in a new connection's settings value`, method: 'POST', path: '/admin/connections', body: connection({ settings: { userId: `u${text}` } }), status: 400 },
  { name: `${label} in a new connection's settings key`, method: 'POST', path: '/admin/connections', body: connection({ settings: { [`k${text}`]: 'v' } }), status: 400 },
  { name: `${label} deep in a new connection's settings`, method: 'POST', path: '/admin/connections', body: connection({ settings: { candidates: [{ id: 'c1', firstName: `F${text}`, lastName: 'L' }] } }), status: 400 },
  { name: `${label} in a connection's credentials`, method: 'POST', path: '/admin/connections', body: connection({ credentials: { apiKey: `key${text}` } }), status: 400 },
  { name: `${label} in PATCH name`, method: 'PATCH', path: '/admin/connections/:conn', body: { name: `n${text}` }, status: 400 },
  { name: `${label} in PATCH settings`, method: 'PATCH', path: '/admin/connections/:conn', body: { settings: { userId: text } }, status: 400 },
  { name: `${label} in a mapping section label`, method: 'PUT', path: '/admin/connections/:conn/mapping', body: mapping({ links: { title: `Links${text}` } }), status: 400 },
  { name: `${label} in a mapping databaseNotes key`, method: 'PUT', path: '/admin/connections/:conn/mapping', body: mapping({ databaseNotes: { fields: { [`Summary${text}`]: 'Summary' } } }), status: 400 },
  { name: `${label} in a mapping databaseNotes title`, method: 'PUT', path: '/admin/connections/:conn/mapping', body: mapping({ databaseNotes: { fields: { Summary: `S${text}` } } }), status: 400 },
  { name: `${label} in a mapping title template`, method: 'PUT', path: '/admin/connections/:conn/mapping', body: mapping({ titleTemplate: `{{meeting.name}}${text}` }), status: 400 },
  { name: `${label} as resolve's candidateId`, method: 'POST', path: '/admin/syncs/:sync/resolve', body: { candidateId: text }, status: 400 },
  { name: `${label} inside resolve's candidateId`, method: 'POST', path: '/admin/syncs/:sync/resolve', body: { candidateId: `cand${text}1` }, status: 400 },
  { name: `${label} as a preview's eventId`, method: 'POST', path: '/admin/connections/:conn/preview', body: { eventId: `evt${text}` }, status: 400 },
];

const adminCases: AdminCase[] = [
  ...textPlaces('NUL', NUL, '%00'),
  ...textPlaces('lone high surrogate', LONE_HIGH, '%ED%A0%80'),
  ...textPlaces('lone low surrogate', LONE_LOW, '%ED%BF%BF'),

  // Cursors that decode to the right shape but name an impossible key.
  { name: 'syncs cursor with month 13, day 45 and hour 99', method: 'GET', path: `/admin/syncs?cursor=${cursorOf(`2025-13-45T99:99:99.000000Z|${SOME_UUID}`)}`, status: 400 },
  { name: 'syncs cursor on the 30th of February', method: 'GET', path: `/admin/syncs?cursor=${cursorOf(`2025-02-30T00:00:00.000000Z|${SOME_UUID}`)}`, status: 400 },
  { name: 'syncs cursor at 24:00', method: 'GET', path: `/admin/syncs?cursor=${cursorOf(`2025-01-01T24:00:00.000000Z|${SOME_UUID}`)}`, status: 400 },
  { name: 'syncs cursor in year zero', method: 'GET', path: `/admin/syncs?cursor=${cursorOf(`0000-01-01T00:00:00.000000Z|${SOME_UUID}`)}`, status: 400 },
  { name: 'connections cursor with month 13', method: 'GET', path: `/admin/connections?cursor=${cursorOf(`2025-13-45T99:99:99.000000Z|${SOME_UUID}`)}`, status: 400 },
  { name: 'connections cursor on the 31st of April', method: 'GET', path: `/admin/connections?cursor=${cursorOf(`2025-04-31T10:00:00.000000Z|${SOME_UUID}`)}`, status: 400 },
  { name: 'audit cursor past the largest bigint', method: 'GET', path: `/admin/audit?cursor=${cursorOf('seq|9999999999999999999')}`, status: 400 },
  { name: 'audit cursor one past the largest bigint', method: 'GET', path: `/admin/audit?cursor=${cursorOf('seq|9223372036854775808')}`, status: 400 },
  { name: 'cursor made of a NUL byte', method: 'GET', path: `/admin/syncs?cursor=${cursorOf(`${NUL}|${NUL}`)}`, status: 400 },

  // Dates Postgres cannot hold.
  { name: 'syncs from the 30th of February', method: 'GET', path: '/admin/syncs?from=2025-02-30T00:00:00Z', status: 400 },
  { name: 'syncs to the 31st of April', method: 'GET', path: '/admin/syncs?to=2025-04-31T00:00:00Z', status: 400 },
  { name: 'resync to the 31st of June', method: 'POST', path: '/admin/resync', body: { dryRun: true, to: '2025-06-31T00:00:00Z' }, status: 400 },

  // Nesting.
  { name: 'connection settings nested 5,000 deep', method: 'POST', path: '/admin/connections', rawBody: withDeep(connection({ settings: { deep: '@@DEEP@@' } }), 5000), status: 400 },
  { name: 'connection settings nested 50,000 deep', method: 'POST', path: '/admin/connections', rawBody: withDeep(connection({ settings: '@@DEEP@@' }), 50_000), status: 400 },
  { name: 'PATCH settings nested 5,000 deep', method: 'PATCH', path: '/admin/connections/:conn', rawBody: withDeep({ settings: { deep: '@@DEEP@@' } }, 5000), status: 400 },
  { name: 'credentials nested 5,000 deep', method: 'POST', path: '/admin/connections', rawBody: withDeep(connection({ credentials: { deep: '@@DEEP@@' } }), 5000), status: 400 },
  { name: 'a mapping nested 5,000 deep', method: 'PUT', path: '/admin/connections/:conn/mapping', rawBody: withDeep(mapping({ databaseNotes: '@@DEEP@@' }), 5000), status: 400 },
  { name: 'a preview payload nested 5,000 deep', method: 'POST', path: '/admin/connections/:conn/preview', rawBody: withDeep({ payload: '@@DEEP@@' }, 5000), status: 400 },
  { name: 'a resync body of arrays nested 5,000 deep', method: 'POST', path: '/admin/resync', rawBody: `{"statuses":${deepArray(5000)}}`, status: 400 },
];

describe('hostile and malformed webhooks', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    await createSandboxConnection(app);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  /** Sends the exact bytes (supertest would re-encode a Buffer body), as a provider's HTTP client does. */
  const send = (c: Pick<Case, 'body' | 'headers' | 'contentType' | 'method'>): Promise<{ status: number; body: any }> => {
    const bytes = Buffer.isBuffer(c.body) ? c.body : Buffer.from(c.body, 'utf8');
    const headers: Record<string, string | number> = { ...(c.headers ? c.headers(bytes) : signBytes(bytes)), 'content-length': bytes.length };
    if (c.contentType !== null) headers['content-type'] = c.contentType ?? JSON_TYPE['content-type'];
    const { port } = app.getHttpServer().address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/webhooks/meetings', method: (c.method ?? 'post').toUpperCase(), headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      // The server may answer (413) and close before reading a huge body.
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
      req.end(bytes);
    });
  };

  it('has at least 60 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const res = await send(c);
    expect({ status: res.status, outcome: res.body?.status }).toEqual({ status: c.status, outcome: c.status === 200 ? c.outcome : undefined });
    if (res.status >= 400) {
      // Every refusal has the common error shape.
      expect(res.body).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
    }
  });

  it('answers a replay of an accepted event as a duplicate and keeps the first body', async () => {
    const first = json('evt_replay', (p) => (p.data.meeting.name = 'first'));
    const headers = signBytes(Buffer.from(first), { id: 'msg_replay' });
    expect((await send({ body: first, headers: () => headers })).body).toEqual({ status: 'accepted' });
    expect((await send({ body: first, headers: () => headers })).body).toEqual({ status: 'duplicate' });
    // Same event id, another body, freshly and correctly signed: still the same event.
    expect((await send({ body: json('evt_replay', (p) => (p.data.meeting.name = 'second')) })).body).toEqual({ status: 'duplicate' });
    const rows = await db.dataSource.query(`SELECT raw_body FROM webhook_events WHERE id = 'evt_replay'`);
    expect(rows).toEqual([{ raw_body: first }]);
  });

  it('refuses a captured delivery replayed after the tolerance window', async () => {
    const body = json('evt_replay_late');
    const res = await send({ body, headers: (b) => signBytes(b, { id: 'msg_late', timestamp: nowSeconds() - 301 }) });
    expect(res.status).toBe(401);
  });

  it('stores one event and one set of syncs when the same event arrives twenty times at once', async () => {
    const body = json('evt_race');
    const answers = await Promise.all(Array.from({ length: 20 }, () => send({ body })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(answers.filter((a) => a.body.status === 'accepted')).toHaveLength(1);
    const [row] = await db.dataSource.query(`SELECT count(*)::int AS n FROM syncs WHERE event_id = 'evt_race'`);
    expect(row.n).toBe(1);
  });


  /** An admin request sent byte for byte (no client re-encodes the target or the body). */
  const sendAdmin = (c: AdminCase): Promise<{ status: number; body: any }> => {
    const target = c.path.replace(':conn', adminTargets.connectionId).replace(':sync', adminTargets.syncId);
    const text = c.rawBody ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
    const bytes = text === undefined ? undefined : Buffer.from(text, 'utf8');
    const headers: Record<string, string | number> = { ...adminHeaders() };
    if (bytes) Object.assign(headers, JSON_TYPE, { 'content-length': bytes.length });
    const { port } = app.getHttpServer().address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: target, method: c.method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let body: unknown = raw;
          try {
            body = JSON.parse(raw);
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', reject);
      req.end(bytes);
    });
  };
  const adminTargets = { connectionId: '', syncId: '' };

  it('counts at least 120 distinct hostile requests', () => {
    const webhookRequests = new Set(cases.map((c) => c.name));
    const adminRequests = new Set(adminCases.map((c) => `${c.method} ${c.path} ${c.rawBody ?? JSON.stringify(c.body)}`));
    expect(webhookRequests.size).toBe(cases.length);
    expect(adminRequests.size).toBe(adminCases.length);
    expect(new Set(adminCases.map((c) => c.name)).size).toBe(adminCases.length);
    expect(webhookRequests.size + adminRequests.size).toBeGreaterThanOrEqual(120);
  });

  describe('admin API', () => {
    beforeAll(async () => {
      const target = await createSandboxConnection(app, { accountId: 'acc_admin_target' });
      adminTargets.connectionId = target.id;
      expect((await send({ body: json('evt_admin_target', (p) => (p.data.organization.accountId = 'acc_admin_target')) })).status).toBe(200);
      const [sync] = await db.dataSource.query(`SELECT id FROM syncs WHERE event_id = 'evt_admin_target'`);
      adminTargets.syncId = sync.id;
      // An operator resolves syncs waiting for review: that is where resolve reaches the database.
      await db.dataSource.query(`UPDATE syncs SET status = 'needs_review' WHERE id = $1`, [sync.id]);
    });

    it.each(adminCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const res = await sendAdmin(c);
      expect(res.status).toBe(c.status);
      expect(res.body).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String), details: expect.any(Array) }));
      expect(typeof res.body.details[0]?.path).toBe('string');
    });

    it('changed nothing: no connection, mapping or audit entry came from a refused request', async () => {
      const [row] = await db.dataSource.query(`SELECT count(*)::int AS n FROM connections WHERE account_id = 'acc_hostile'`);
      expect(row.n).toBe(0);
      const [mappings] = await db.dataSource.query(`SELECT count(*)::int AS n FROM field_mappings`);
      expect(mappings.n).toBe(0);
      const [sync] = await db.dataSource.query(`SELECT status FROM syncs WHERE id = $1`, [adminTargets.syncId]);
      expect(sync.status).toBe('needs_review');
    });
  });

  it('reads back every stored event, also one stored before intake bounded nesting', async () => {
    await db.dataSource.query(
      `INSERT INTO webhook_events (id, event_type, account_id, team_id, provider_created_at, status, signature_scheme, raw_body)
       VALUES ('evt_legacy_deep', 'meeting.completed', 'acc_unknown', NULL, now(), 'accepted', 'standard-webhooks', $1)`,
      [json('evt_legacy_deep', (p) => (p.extra = '@@DEEP@@')).replace('"@@DEEP@@"', deepArray(10_000))],
    );
    const legacy = await http(app).get('/admin/events/evt_legacy_deep').set(adminHeaders());
    expect(legacy.status).toBe(200);
    expect(legacy.body.payload.id).toBe('evt_legacy_deep');
    expect(legacy.body.payload.data.meeting.id).toBe(payload('x').data.meeting.id);
    await db.dataSource.query(`DELETE FROM webhook_events WHERE id = 'evt_legacy_deep'`);

    const ids: Array<{ id: string }> = await db.dataSource.query(`SELECT id FROM webhook_events`);
    for (const { id } of ids) {
      const res = await http(app).get(`/admin/events/${encodeURIComponent(id)}`).set(adminHeaders());
      expect({ id, status: res.status }).toEqual({ id, status: 200 });
    }
  });

  it('stays up, stores nothing it refused, and never half-stores an accepted event', async () => {
    expect((await http(app).get('/health')).status).toBe(200);
    expect((await http(app).get('/health/ready')).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const stored: Array<{ id: string; status: string; syncs: number }> = await db.dataSource.query(
      `SELECT e.id, e.status, (SELECT count(*) FROM syncs s WHERE s.event_id = e.id)::int AS syncs FROM webhook_events e`,
    );
    const expected = new Set([
      ...cases.filter((c) => c.status === 200 && c.eventId !== undefined).map((c) => c.eventId!),
      'evt_replay',
      'evt_race',
      'evt_admin_target',
    ]);
    expect(stored.map((r) => r.id).sort()).toEqual([...expected].sort());
    for (const row of stored) {
      const routed = row.status === 'accepted' && row.id !== 'evt_ok_noroute';
      expect({ id: row.id, syncs: row.syncs }).toEqual({ id: row.id, syncs: routed ? 1 : 0 });
    }
  });

  it('delivers every accepted event to a final state: no hostile payload wedges the worker', async () => {
    await drain(app);
    const syncs: Array<{ event_id: string; status: string }> = await db.dataSource.query(`SELECT event_id, status FROM syncs ORDER BY event_id`);
    for (const s of syncs) expect({ event: s.event_id, status: s.status }).toEqual({ event: s.event_id, status: expect.stringMatching(/^(synced|unmatched|needs_review|skipped)$/) });
    const list = await http(app).get('/admin/syncs?status=processing,pending').set(adminHeaders());
    expect(list.body.items).toEqual([]);
  });
});
