import { randomUUID } from 'node:crypto';
import { FakeHttpServer, FakeResponse, RecordedRequest } from './fake-http-server';

type Row = Record<string, unknown> & { Id: string };

const API = '/services/data/v62.0';

/** Key prefixes Salesforce gives each object's ids. */
const PREFIX: Record<string, string> = {
  Contact: '003',
  Lead: '00Q',
  User: '005',
  ContentNote: '069',
  ContentDocumentLink: '06A',
  Note: '002',
  Task: '00T',
};

class SfError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** One SOQL/SOSL token. */
type Token =
  | { t: 'word'; v: string }
  | { t: 'str'; v: string }
  | { t: 'op'; v: string }
  | { t: 'num'; v: number }
  | { t: 'punct'; v: string };

/**
 * Reads SOQL as Salesforce documents it: string literals in single quotes with only the documented escape
 * sequences (`\n \r \t \b \f \" \' \\`, `\uXXXX`); "a backslash in any other context is an error", answered as
 * MALFORMED_QUERY like Salesforce does.
 */
function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const c = soql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= soql.length) throw new SfError(400, 'MALFORMED_QUERY', 'unterminated string literal');
        const d = soql[i];
        if (d === '\\') {
          const e = soql[i + 1];
          const map: Record<string, string> = { n: '\n', N: '\n', r: '\r', R: '\r', t: '\t', T: '\t', b: '\b', B: '\b', f: '\f', F: '\f', '"': '"', "'": "'", '\\': '\\' };
          if (e in map) {
            v += map[e];
            i += 2;
          } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(soql.slice(i + 2, i + 6))) {
            v += String.fromCharCode(parseInt(soql.slice(i + 2, i + 6), 16));
            i += 6;
          } else {
            throw new SfError(400, 'MALFORMED_QUERY', 'invalid escape sequence in string literal');
          }
        } else if (d === "'") {
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      tokens.push({ t: 'str', v });
    } else if (/[=!<>]/.test(c)) {
      const two = soql.slice(i, i + 2);
      const op = ['!=', '>=', '<='].includes(two) ? two : c;
      tokens.push({ t: 'op', v: op });
      i += op.length;
    } else if (/[(),]/.test(c)) {
      tokens.push({ t: 'punct', v: c });
      i++;
    } else if (/[A-Za-z0-9_.:\-]/.test(c)) {
      let j = i;
      while (j < soql.length && /[A-Za-z0-9_.:\-]/.test(soql[j])) j++;
      const word = soql.slice(i, j);
      tokens.push(/^\d+$/.test(word) ? { t: 'num', v: Number(word) } : { t: 'word', v: word });
      i = j;
    } else {
      throw new SfError(400, 'MALFORMED_QUERY', `unexpected character ${JSON.stringify(c)}`);
    }
  }
  return tokens;
}

interface Condition {
  field: string;
  op: string;
  value: unknown;
}

interface Soql {
  fields: string[];
  object: string;
  where: Condition[];
  orderBy: string | null;
  limit: number | null;
}

/** SELECT f, … FROM Object [WHERE c AND c …] [ORDER BY f [DESC]] [LIMIT n]: the forms the adapter sends. */
function parseSoql(soql: string): Soql {
  const tokens = tokenize(soql);
  let i = 0;
  const word = (expected?: string) => {
    const tok = tokens[i++];
    if (!tok || tok.t !== 'word' || (expected && tok.v.toUpperCase() !== expected)) {
      throw new SfError(400, 'MALFORMED_QUERY', `expected ${expected ?? 'a name'}`);
    }
    return tok.v;
  };
  const peekWord = (v: string) => tokens[i]?.t === 'word' && (tokens[i] as { v: string }).v.toUpperCase() === v;
  word('SELECT');
  const fields = [word()];
  while (tokens[i]?.t === 'punct' && tokens[i].v === ',') {
    i++;
    fields.push(word());
  }
  word('FROM');
  const object = word();
  const where: Condition[] = [];
  if (peekWord('WHERE')) {
    i++;
    for (;;) {
      const field = word();
      const opTok = tokens[i++];
      let op: string;
      if (opTok?.t === 'op') op = opTok.v;
      else if (opTok?.t === 'word' && opTok.v.toUpperCase() === 'IN') op = 'IN';
      else throw new SfError(400, 'MALFORMED_QUERY', 'expected an operator');
      let value: unknown;
      if (op === 'IN') {
        if (tokens[i++]?.v !== '(') throw new SfError(400, 'MALFORMED_QUERY', 'expected (');
        const list: unknown[] = [];
        for (;;) {
          const tok = tokens[i++];
          if (tok?.t !== 'str') throw new SfError(400, 'MALFORMED_QUERY', 'expected a string');
          list.push(tok.v);
          const sep = tokens[i++];
          if (sep?.v === ')') break;
          if (sep?.v !== ',') throw new SfError(400, 'MALFORMED_QUERY', 'expected , or )');
        }
        value = list;
      } else {
        const tok = tokens[i++];
        if (!tok) throw new SfError(400, 'MALFORMED_QUERY', 'expected a value');
        if (tok.t === 'str' || tok.t === 'num') value = tok.v;
        else if (tok.t === 'word' && /^(true|false)$/i.test(tok.v)) value = tok.v.toLowerCase() === 'true';
        else if (tok.t === 'word' && tok.v.toLowerCase() === 'null') value = null;
        else if (tok.t === 'word' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(tok.v)) value = new Date(tok.v);
        else throw new SfError(400, 'MALFORMED_QUERY', 'unexpected value');
      }
      where.push({ field, op, value });
      if (peekWord('AND')) {
        i++;
        continue;
      }
      break;
    }
  }
  let orderBy: string | null = null;
  if (peekWord('ORDER')) {
    i++;
    word('BY');
    orderBy = word();
    if (peekWord('DESC') || peekWord('ASC')) orderBy += ` ${word().toUpperCase()}`;
  }
  let limit: number | null = null;
  if (peekWord('LIMIT')) {
    i++;
    const tok = tokens[i++];
    if (tok?.t !== 'num') throw new SfError(400, 'MALFORMED_QUERY', 'expected a number');
    limit = tok.v;
  }
  if (i !== tokens.length) throw new SfError(400, 'MALFORMED_QUERY', `unexpected token after the query`);
  return { fields, object, where, orderBy, limit };
}

function compare(actual: unknown, op: string, expected: unknown): boolean {
  if (op === 'IN') return (expected as unknown[]).some((v) => compare(actual, '=', v));
  if (expected instanceof Date) {
    const a = new Date(String(actual)).getTime();
    const b = expected.getTime();
    return op === '>=' ? a >= b : op === '<=' ? a <= b : op === '>' ? a > b : op === '<' ? a < b : op === '=' ? a === b : a !== b;
  }
  // Text comparisons in SOQL ignore case.
  const norm = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v ?? null);
  if (op === '=') return norm(actual) === norm(expected);
  if (op === '!=') return norm(actual) !== norm(expected);
  throw new SfError(400, 'MALFORMED_QUERY', `operator ${op} not supported here`);
}

export interface FakeSfUser {
  Id: string;
  Name: string;
  Email: string;
  IsActive: boolean;
}

/**
 * A local stand-in for a Salesforce org: the OAuth 2.0 client-credentials token on the My Domain (answering
 * `instance_url`), Bearer sessions that expire (401 `INVALID_SESSION_ID`), errors as `[{ message, errorCode }]`,
 * SOQL read with Salesforce's literal rules (a bad escape is MALFORMED_QUERY), query paging with
 * `nextRecordsUrl` (honouring `Sforce-Query-Options: batchSize`, which Salesforce may answer with fewer), SOSL
 * `FIND {…} IN PHONE FIELDS` over a search index that only catches up when told (`reindex()`), `composite`
 * with `allOrNone`, ContentNote (base64 Content, read back from `/Content`), Note, Task, `Sforce-Limit-Info:
 * api-usage=n/m` on every answer and REQUEST_LIMIT_EXCEEDED past the daily limit.
 */
export class SalesforceFakeServer {
  readonly http = new FakeHttpServer((req) => this.handle(req));
  readonly client = { id: 'sf-client-id', secret: 'sf-client-secret' };
  /** The org's daily allowance, and the calls counted so far. */
  apiLimit = 100_000;
  apiUsed = 0;
  /** Where the token answer says the org lives (defaults to this server). */
  instanceUrl: string | null = null;
  /** The most records one query page holds, whatever batch size was asked for. */
  batchCap = 2000;
  readonly records: Record<string, Row[]> = { Contact: [], Lead: [], User: [], ContentNote: [], ContentDocumentLink: [], Note: [], Task: [] };
  /** Ids the search index holds; a record written since is not found by SOSL until `reindex()`. */
  private readonly indexed = new Set<string>();
  private readonly tokens = new Set<string>();
  private readonly cursors = new Map<string, { rows: Row[]; fields: string[]; object: string }>();
  private counter = 1;

  get url(): string {
    return this.http.url;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  newId(object: string): string {
    const n = String(this.counter++);
    return `${PREFIX[object]}${'0'.repeat(12 - n.length)}${n}AAA`;
  }

  addUser(u: { name: string; email: string; active?: boolean; id?: string }): FakeSfUser {
    const user = { Id: u.id ?? this.newId('User'), Name: u.name, Email: u.email, IsActive: u.active ?? true };
    this.records.User.push(user);
    return user;
  }

  /** A contact or lead; searchable by SOSL only once indexed (default: at once, as an old record is). */
  addPerson(
    object: 'Contact' | 'Lead',
    p: { firstName: string; lastName: string; email?: string; phone?: string; mobile?: string; converted?: boolean; indexed?: boolean; modified?: string },
  ): Row {
    const row: Row = {
      Id: this.newId(object),
      FirstName: p.firstName,
      LastName: p.lastName,
      Name: `${p.firstName} ${p.lastName}`,
      Email: p.email ?? null,
      Phone: p.phone ?? null,
      MobilePhone: p.mobile ?? null,
      LastModifiedDate: p.modified ?? new Date().toISOString().replace('Z', '+0000'),
      ...(object === 'Lead' ? { IsConverted: p.converted ?? false } : { HomePhone: null, OtherPhone: null }),
    };
    this.records[object].push(row);
    if (p.indexed !== false) this.indexed.add(row.Id);
    return row;
  }

  /** The search index catches up with every write. */
  reindex(): void {
    for (const rows of Object.values(this.records)) for (const r of rows) this.indexed.add(r.Id);
  }

  /** Every access token stops working, as when a session times out or is revoked. */
  expireSessions(): void {
    this.tokens.clear();
  }

  /** Enhanced notes on a record, with their decoded content. */
  contentNotesOn(recordId: string): Row[] {
    const ids = new Set(this.records.ContentDocumentLink.filter((l) => l.LinkedEntityId === recordId).map((l) => l.ContentDocumentId));
    return this.records.ContentNote.filter((n) => ids.has(n.Id));
  }

  tokenRequests(): RecordedRequest[] {
    return this.http.received('POST', '/services/oauth2/token');
  }

  private handle(req: RecordedRequest): FakeResponse | Promise<FakeResponse> {
    try {
      if (req.path === '/services/oauth2/token') return this.token(req);
      if (!req.path.startsWith(`${API}/`)) throw new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');
      const auth = String(req.headers.authorization ?? '');
      if (!auth.startsWith('Bearer ') || !this.tokens.has(auth.slice(7))) {
        return { status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] };
      }
      if (this.apiUsed >= this.apiLimit) {
        return this.limited({ status: 403, body: [{ message: `TotalRequests Limit exceeded.`, errorCode: 'REQUEST_LIMIT_EXCEEDED' }] });
      }
      this.apiUsed += 1;
      return this.limited(this.rest(req, req.path.slice(API.length + 1)));
    } catch (err) {
      if (err instanceof SfError) return this.limited({ status: err.status, body: [{ message: err.message, errorCode: err.errorCode }] });
      throw err;
    }
  }

  private limited(response: FakeResponse): FakeResponse {
    return { ...response, headers: { ...(response.headers ?? {}), 'Sforce-Limit-Info': `api-usage=${this.apiUsed}/${this.apiLimit}` } };
  }

  private token(req: RecordedRequest): FakeResponse {
    const body = (req.body ?? {}) as Record<string, string>;
    if (!String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
      return { status: 400, body: { error: 'invalid_request', error_description: 'must be form encoded' } };
    }
    if (body.grant_type !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' } };
    if (body.client_id !== this.client.id || body.client_secret !== this.client.secret) {
      return { status: 400, body: { error: 'invalid_client', error_description: 'invalid client credentials' } };
    }
    const token = `00D000000000001!${randomUUID()}`;
    this.tokens.add(token);
    return {
      status: 200,
      body: {
        access_token: token,
        signature: 'fake',
        scope: 'api',
        instance_url: this.instanceUrl ?? this.url,
        id: `${this.url}/id/00D000000000001AAA/005000000000001AAA`,
        token_type: 'Bearer',
        issued_at: String(Date.now()),
      },
    };
  }

  private rest(req: RecordedRequest, path: string): FakeResponse {
    if (req.method === 'GET' && path === 'query') return this.query(req);
    const more = /^query\/([A-Za-z0-9]+)-(\d+)$/.exec(path);
    if (req.method === 'GET' && more) return this.page(more[1], Number(more[2]), this.batchOf(req));
    if (req.method === 'GET' && path === 'search') return this.search(req.query.get('q') ?? '');
    if (req.method === 'POST' && path === 'composite') return this.composite(req.body);
    const create = /^sobjects\/(\w+)$/.exec(path);
    if (req.method === 'POST' && create) {
      const id = this.create(create[1], req.body as Record<string, unknown>);
      return { status: 201, body: { id, success: true, errors: [] } };
    }
    const describe = /^sobjects\/(\w+)\/describe$/.exec(path);
    if (req.method === 'GET' && describe && describe[1] in PREFIX) return { status: 200, body: { name: describe[1], createable: true } };
    const content = /^sobjects\/ContentNote\/(\w+)\/Content$/.exec(path);
    if (req.method === 'GET' && content) {
      const note = this.records.ContentNote.find((n) => n.Id === content[1]);
      if (!note) throw new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');
      return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: String(note.Content) };
    }
    throw new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');
  }

  private batchOf(req: RecordedRequest): number {
    const m = /batchSize=(\d+)/.exec(String(req.headers['sforce-query-options'] ?? ''));
    return Math.min(m ? Number(m[1]) : 2000, this.batchCap);
  }

  private query(req: RecordedRequest): FakeResponse {
    const soql = parseSoql(req.query.get('q') ?? '');
    const rows = this.records[soql.object];
    if (!rows) throw new SfError(400, 'INVALID_TYPE', `sObject type '${soql.object}' is not supported.`);
    if (soql.object === 'ContentDocumentLink' && !soql.where.some((c) => c.field === 'LinkedEntityId' || c.field === 'ContentDocumentId' || c.field === 'Id')) {
      throw new SfError(400, 'MALFORMED_QUERY', 'Implementation restriction: ContentDocumentLink requires a filter by a single Id');
    }
    let matched = rows.filter((row) => soql.where.every((c) => compare(this.read(row, c.field), c.op, c.value)));
    if (soql.orderBy) {
      const [field, dir] = soql.orderBy.split(' ');
      matched = [...matched].sort((a, b) => String(this.read(a, field)).localeCompare(String(this.read(b, field))) * (dir === 'DESC' ? -1 : 1));
    }
    if (soql.limit !== null) matched = matched.slice(0, soql.limit);
    for (const f of soql.fields) {
      if (!f.includes('.') && rows.length > 0 && !(f in rows[0]) && f !== 'Id') throw new SfError(400, 'INVALID_FIELD', `No such column '${f}' on entity '${soql.object}'`);
    }
    const locator = `01g${randomUUID().replace(/-/g, '').slice(0, 15)}`;
    this.cursors.set(locator, { rows: matched, fields: soql.fields, object: soql.object });
    return this.page(locator, 0, this.batchOf(req));
  }

  private page(locator: string, offset: number, batch: number): FakeResponse {
    const cursor = this.cursors.get(locator);
    if (!cursor) throw new SfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    const slice = cursor.rows.slice(offset, offset + batch);
    const end = offset + slice.length;
    const done = end >= cursor.rows.length;
    return {
      status: 200,
      body: {
        totalSize: cursor.rows.length,
        done,
        ...(done ? {} : { nextRecordsUrl: `${API}/query/${locator}-${end}` }),
        records: slice.map((r) => this.project(cursor.object, r, cursor.fields)),
      },
    };
  }

  private project(object: string, row: Row, fields: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = { attributes: { type: object, url: `${API}/sobjects/${object}/${row.Id}` } };
    for (const f of fields) out[f] = this.read(row, f) ?? null;
    return out;
  }

  private read(row: Row, field: string): unknown {
    if (field.startsWith('ContentDocument.')) {
      const note = this.records.ContentNote.find((n) => n.Id === row.ContentDocumentId);
      const key = field.slice('ContentDocument.'.length);
      return key === 'FileType' ? 'SNOTE' : note?.[key];
    }
    return row[field];
  }

  /** FIND {term} IN PHONE FIELDS RETURNING Obj(fields [WHERE …] LIMIT n), …: digits match, index-lagged. */
  private search(sosl: string): FakeResponse {
    const m = /^FIND \{((?:\\.|[^\\}])*)\} IN PHONE FIELDS RETURNING (.+)$/.exec(sosl);
    if (!m) throw new SfError(400, 'MALFORMED_SEARCH', 'unsupported search');
    const term = m[1].replace(/\\(.)/g, '$1');
    const digits = term.replace(/\D/g, '');
    const out: Record<string, unknown>[] = [];
    for (const part of m[2].matchAll(/(\w+)\(([^)]*)\)/g)) {
      const object = part[1];
      const inner = part[2];
      const cut = inner.search(/ (WHERE|LIMIT) /);
      const fieldList = cut < 0 ? inner : inner.slice(0, cut);
      const rest = cut < 0 ? '' : inner.slice(cut);
      const fields = fieldList.split(',').map((f) => f.trim());
      const soql = parseSoql(`SELECT ${fields.join(', ')} FROM ${object}${rest}`);
      const rows = (this.records[object] ?? []).filter(
        (r) =>
          this.indexed.has(r.Id) &&
          soql.where.every((c) => compare(r[c.field], c.op, c.value)) &&
          ['Phone', 'MobilePhone', 'HomePhone', 'OtherPhone'].some((f) => typeof r[f] === 'string' && digits !== '' && (r[f] as string).replace(/\D/g, '').endsWith(digits)),
      );
      out.push(...rows.slice(0, soql.limit ?? 2000).map((r) => this.project(object, r, fields)));
    }
    return { status: 200, body: { searchRecords: out } };
  }

  /** Creates one record as Salesforce validates it; returns its id or throws a refusal. */
  private create(object: string, body: Record<string, unknown>): string {
    const owner = body.OwnerId;
    if (owner !== undefined && !this.records.User.some((u) => u.Id === owner && u.IsActive)) {
      throw new SfError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
    }
    const person = (id: unknown) => [...this.records.Contact, ...this.records.Lead].some((r) => r.Id === id);
    const now = new Date().toISOString().replace('Z', '+0000');
    let row: Row;
    switch (object) {
      case 'ContentNote': {
        const content = String(body.Content ?? '');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(content)) throw new SfError(400, 'INVALID_FIELD', 'Content must be base64');
        if (!body.Title) throw new SfError(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Title]');
        if (!['N', 'P', undefined].includes(body.SharingPrivacy as string)) throw new SfError(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'bad SharingPrivacy');
        row = { Id: this.newId('ContentNote'), Title: body.Title, Content: Buffer.from(content, 'base64').toString('utf8'), OwnerId: owner ?? this.records.User[0]?.Id, SharingPrivacy: body.SharingPrivacy ?? 'N', CreatedDate: now };
        break;
      }
      case 'ContentDocumentLink':
        if (!this.records.ContentNote.some((n) => n.Id === body.ContentDocumentId)) throw new SfError(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Document]');
        if (!person(body.LinkedEntityId)) throw new SfError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
        if (!['V', 'C', 'I'].includes(String(body.ShareType))) throw new SfError(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'bad ShareType');
        if (!['AllUsers', 'InternalUsers', 'SharedUsers'].includes(String(body.Visibility))) throw new SfError(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'bad Visibility');
        row = { Id: this.newId('ContentDocumentLink'), ContentDocumentId: body.ContentDocumentId, LinkedEntityId: body.LinkedEntityId, ShareType: body.ShareType, Visibility: body.Visibility, SystemModstamp: now };
        break;
      case 'Note':
        if (!person(body.ParentId)) throw new SfError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
        if (String(body.Title ?? '').length > 80 || String(body.Body ?? '').length > 32_000) throw new SfError(400, 'STRING_TOO_LONG', 'data value too large');
        row = { Id: this.newId('Note'), ParentId: body.ParentId, Title: body.Title, Body: body.Body, IsPrivate: body.IsPrivate === true, OwnerId: owner, CreatedDate: now };
        break;
      case 'Task':
        if (!person(body.WhoId)) throw new SfError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
        row = { Id: this.newId('Task'), WhoId: body.WhoId, Subject: body.Subject, Description: body.Description, Status: body.Status, ActivityDate: body.ActivityDate, OwnerId: owner, CreatedDate: now };
        break;
      default:
        throw new SfError(404, 'NOT_FOUND', `The requested resource does not exist`);
    }
    this.records[object].push(row);
    return row.Id;
  }

  /** `composite` with allOrNone: sub-requests in order, `@{ref.id}` resolved; one failure rolls all back. */
  private composite(body: unknown): FakeResponse {
    const request = body as { allOrNone?: boolean; compositeRequest?: Array<{ method: string; url: string; referenceId: string; body: Record<string, unknown> }> };
    const subs = request?.compositeRequest ?? [];
    const snapshot = Object.fromEntries(Object.entries(this.records).map(([k, v]) => [k, [...v]]));
    const ids: Record<string, string> = {};
    const answers: Array<{ body: unknown; httpHeaders: Record<string, string>; httpStatusCode: number; referenceId: string }> = [];
    let failed = false;
    for (const sub of subs) {
      if (failed) {
        answers.push({ body: [{ errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' }], httpHeaders: {}, httpStatusCode: 400, referenceId: sub.referenceId });
        continue;
      }
      const m = new RegExp(`^${API.replace(/\./g, '\\.')}/sobjects/(\\w+)$`).exec(sub.url);
      try {
        if (sub.method !== 'POST' || !m) throw new SfError(400, 'INVALID_URL', 'unsupported sub-request');
        const resolved = Object.fromEntries(
          Object.entries(sub.body ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/@\{(\w+)\.id\}/g, (_, ref: string) => ids[ref] ?? '') : v]),
        );
        const id = this.create(m[1], resolved);
        ids[sub.referenceId] = id;
        answers.push({ body: { id, success: true, errors: [] }, httpHeaders: { Location: `${API}/sobjects/${m[1]}/${id}` }, httpStatusCode: 201, referenceId: sub.referenceId });
      } catch (err) {
        if (!(err instanceof SfError)) throw err;
        failed = true;
        answers.push({ body: [{ errorCode: err.errorCode, message: err.message }], httpHeaders: {}, httpStatusCode: err.status, referenceId: sub.referenceId });
      }
    }
    if (failed && request.allOrNone) {
      for (const [k, v] of Object.entries(snapshot)) this.records[k] = v;
      for (const a of answers) {
        if (a.httpStatusCode < 400) Object.assign(a, { httpStatusCode: 400, body: [{ errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' }] });
      }
    }
    return { status: 200, body: { compositeResponse: answers } };
  }
}
