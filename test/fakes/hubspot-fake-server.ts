import { randomUUID } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { FakeHttpServer, FakeResponse, RecordedRequest } from './fake-http-server';

/**
 * A local stand-in for HubSpot's CRM API as documented: Bearer private-app tokens with scopes, errors as
 * `{status: "error", message, correlationId, category}`, CRM v3 objects with `properties` and `after` paging,
 * search with OR-ed filter groups (at most 5 of 6 filters, 200 a page, 10,000 results a query), owners, notes
 * created with their associations (type 202 to a contact), v4 association reads and batch reads.
 *
 * It fails as HubSpot does: a sliding ten-second window and a daily allowance (429 with `policyName`
 * `TEN_SECONDLY_ROLLING` / `DAILY`, and the `X-HubSpot-RateLimit-*` headers on ordinary answers), the search
 * endpoints' own per-second limit (their answers carry no rate-limit headers), and a search index that lags
 * behind writes: a record written through the API is searchable only after `indexPending()`.
 */
export interface HsObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface HsNote extends HsObject {
  contactIds: string[];
}

export interface HsOwner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

export const HUBSPOT_SCOPES = ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.owners.read'];

const NOTE_BODY_MAX = 65_536;

export class HubSpotFakeServer {
  readonly http = new FakeHttpServer((req) => this.handle(req));
  readonly contacts: HsObject[] = [];
  readonly owners: HsOwner[] = [];
  readonly notes: HsNote[] = [];
  scopes = new Set(HUBSPOT_SCOPES);
  /** Requests per sliding ten seconds (190: Professional and Enterprise private apps). */
  tenSecondLimit = 190;
  /** Search requests per sliding second. */
  searchPerSecond = 5;
  dailyLimit = 250_000;
  dailyUsed = 0;

  private readonly indexed = new Set<string>();
  private readonly recent: number[] = [];
  private readonly recentSearches: number[] = [];
  private nextId = 9_000_001;

  constructor(readonly accessToken = `pat-na1-${randomUUID()}`) {}

  get url(): string {
    return this.http.url;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** A contact as typed into HubSpot; searchable at once unless `indexed: false`. */
  addContact(c: { id: string; firstname?: string; lastname?: string; email?: string; phone?: string; mobilephone?: string; modifiedAt?: string; indexed?: boolean }): HsObject {
    const at = c.modifiedAt ?? new Date().toISOString();
    const properties: Record<string, string | null> = {
      hs_object_id: c.id,
      firstname: c.firstname ?? null,
      lastname: c.lastname ?? null,
      email: c.email ?? null,
      hs_additional_emails: null,
      phone: c.phone ?? null,
      mobilephone: c.mobilephone ?? null,
      createdate: at,
      lastmodifieddate: at,
    };
    const contact: HsObject = { id: c.id, properties: withCalculatedPhones(properties), createdAt: at, updatedAt: at, archived: false };
    this.contacts.push(contact);
    if (c.indexed !== false) this.indexed.add(key('contacts', c.id));
    return contact;
  }

  addOwner(o: { id: string; email: string; firstName: string; lastName: string; archived?: boolean }): void {
    const at = '2026-01-01T00:00:00Z';
    this.owners.push({ ...o, userId: Number(o.id) + 1_000_000, archived: o.archived ?? false, createdAt: at, updatedAt: at });
  }

  /** The search index catches up with every write so far. */
  indexPending(): void {
    for (const c of this.contacts) this.indexed.add(key('contacts', c.id));
    for (const n of this.notes) this.indexed.add(key('notes', n.id));
  }

  notesOn(contactId: string): HsNote[] {
    return this.notes.filter((n) => n.contactIds.includes(contactId));
  }

  private handle(req: RecordedRequest): FakeResponse {
    if (!this.authorised(req)) {
      return error(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication.');
    }
    const p = req.path;
    const search = req.method === 'POST' && /^\/crm\/v3\/objects\/[^/]+\/search$/.test(p);
    const limited = this.limit(search);
    if (limited) return limited;
    const answer = this.route(req, p);
    if (search) return answer;
    return {
      ...answer,
      headers: {
        ...(answer.headers ?? {}),
        'X-HubSpot-RateLimit-Daily': String(this.dailyLimit),
        'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(this.dailyLimit - this.dailyUsed, 0)),
        'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
        'X-HubSpot-RateLimit-Max': String(this.tenSecondLimit),
        'X-HubSpot-RateLimit-Remaining': String(Math.max(this.tenSecondLimit - this.recent.length, 0)),
      },
    };
  }

  private route(req: RecordedRequest, p: string): FakeResponse {
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && p === '/crm/v3/objects/contacts') return this.scoped('crm.objects.contacts.read', () => this.list(req, this.contacts));
    if (req.method === 'POST' && p === '/crm/v3/objects/contacts/search') {
      return this.scoped('crm.objects.contacts.read', () => this.search(req, 'contacts', this.contacts));
    }
    if (req.method === 'GET' && p === '/crm/v3/objects/notes') return this.scoped('crm.objects.contacts.read', () => this.list(req, this.notes));
    if (req.method === 'POST' && p === '/crm/v3/objects/notes/search') {
      return this.scoped('crm.objects.contacts.read', () => this.search(req, 'notes', this.notes));
    }
    if (req.method === 'POST' && p === '/crm/v3/objects/notes') return this.scoped('crm.objects.contacts.write', () => this.createNote(req));
    if (req.method === 'POST' && p === '/crm/v3/objects/notes/batch/read') return this.scoped('crm.objects.contacts.read', () => this.batchRead(req));
    if (req.method === 'GET' && (m = /^\/crm\/v4\/objects\/contacts\/([^/]+)\/associations\/notes$/.exec(p))) {
      const id = decodeURIComponent(m[1]);
      return this.scoped('crm.objects.contacts.read', () => this.noteAssociations(req, id));
    }
    if (req.method === 'GET' && p === '/crm/v3/owners') return this.scoped('crm.objects.owners.read', () => this.listOwners(req));
    if (req.method === 'GET' && (m = /^\/crm\/v3\/owners\/([^/]+)$/.exec(p))) {
      const id = decodeURIComponent(m[1]);
      return this.scoped('crm.objects.owners.read', () => {
        const owner = this.owners.find((o) => o.id === id && (req.query.get('archived') === 'true' || !o.archived));
        return owner ? { status: 200, body: owner } : error(404, 'OBJECT_NOT_FOUND', `Owner ${id} not found`);
      });
    }
    return error(404, 'OBJECT_NOT_FOUND', `No route ${req.method} ${p}`);
  }

  private authorised(req: RecordedRequest): boolean {
    return String(req.headers.authorization ?? '') === `Bearer ${this.accessToken}`;
  }

  /** Counts the request against the day, the ten seconds and (for search) the second. */
  private limit(search: boolean): FakeResponse | null {
    const now = Date.now();
    if (this.dailyUsed >= this.dailyLimit) return rateLimited('DAILY', 'You have reached your daily limit.');
    prune(this.recent, now - 10_000);
    if (this.recent.length >= this.tenSecondLimit) return rateLimited('TEN_SECONDLY_ROLLING', 'You have reached your ten_secondly_rolling limit.');
    if (search) {
      prune(this.recentSearches, now - 1000);
      if (this.recentSearches.length >= this.searchPerSecond) return rateLimited('SECONDLY', 'You have reached your secondly limit.');
      this.recentSearches.push(now);
    }
    this.recent.push(now);
    this.dailyUsed += 1;
    return null;
  }

  private scoped(scope: string, run: () => FakeResponse): FakeResponse {
    if (this.scopes.has(scope)) return run();
    return {
      status: 403,
      body: {
        status: 'error',
        message: 'This app hasn\'t been granted all required scopes to make this call.',
        correlationId: randomUUID(),
        category: 'MISSING_SCOPES',
        errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [scope] } }],
      },
    };
  }

  private list(req: RecordedRequest, items: HsObject[]): FakeResponse {
    const limit = Number(req.query.get('limit') ?? '10');
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return error(400, 'VALIDATION_ERROR', 'limit must be between 1 and 100');
    const live = items.filter((o) => !o.archived).sort((a, b) => Number(a.id) - Number(b.id));
    const after = req.query.get('after');
    const start = after === null ? 0 : live.findIndex((o) => Number(o.id) >= Number(after));
    if (after !== null && !/^\d+$/.test(after)) return error(400, 'VALIDATION_ERROR', 'after must be a cursor');
    const from = start < 0 ? live.length : start;
    const page = live.slice(from, from + limit);
    const rest = live[from + limit];
    const props = (req.query.get('properties') ?? '').split(',').filter(Boolean);
    return {
      status: 200,
      body: { results: page.map((o) => view(o, props)), ...(rest ? { paging: { next: { after: rest.id, link: `?after=${rest.id}` } } } : {}) },
    };
  }

  private search(req: RecordedRequest, type: string, items: HsObject[]): FakeResponse {
    const b = (req.body ?? {}) as { filterGroups?: unknown; sorts?: unknown; properties?: unknown; limit?: unknown; after?: unknown };
    const groups = Array.isArray(b.filterGroups) ? (b.filterGroups as Array<{ filters?: Filter[] }>) : [];
    const filterCount = groups.reduce((n, g) => n + (g.filters?.length ?? 0), 0);
    if (groups.length > 5 || groups.some((g) => (g.filters?.length ?? 0) > 6) || filterCount > 18) {
      return error(400, 'VALIDATION_ERROR', 'Too many filter groups or filters');
    }
    const limit = b.limit === undefined ? 10 : Number(b.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) return error(400, 'VALIDATION_ERROR', 'limit must be between 1 and 200');
    const offset = b.after === undefined || b.after === null ? 0 : Number(b.after);
    if (!Number.isInteger(offset) || offset < 0) return error(400, 'VALIDATION_ERROR', 'after must be a number');
    if (offset + limit > 10_000) return error(400, 'VALIDATION_ERROR', 'Search results are limited to 10,000 records');
    let found = items.filter((o) => !o.archived && this.indexed.has(key(type, o.id)));
    if (groups.length > 0) found = found.filter((o) => groups.some((g) => (g.filters ?? []).every((f) => matches(o, f))));
    const sort = Array.isArray(b.sorts) ? (b.sorts[0] as { propertyName?: string; direction?: string } | undefined) : undefined;
    found.sort((x, y) => Number(x.id) - Number(y.id));
    if (sort?.propertyName) {
      const dir = sort.direction === 'DESCENDING' ? -1 : 1;
      found.sort((x, y) => dir * compare(x.properties[sort.propertyName!] ?? '', y.properties[sort.propertyName!] ?? ''));
    }
    const page = found.slice(offset, offset + limit);
    const props = Array.isArray(b.properties) ? (b.properties as string[]) : [];
    const more = found.length > offset + limit;
    return {
      status: 200,
      body: {
        total: found.length,
        results: page.map((o) => view(o, props)),
        ...(more ? { paging: { next: { after: String(offset + limit) } } } : {}),
      },
    };
  }

  private createNote(req: RecordedRequest): FakeResponse {
    if (!String(req.headers['content-type'] ?? '').includes('application/json')) return error(415, 'VALIDATION_ERROR', 'Unsupported media type');
    const b = (req.body ?? {}) as { properties?: Record<string, unknown>; associations?: unknown };
    const props = b.properties ?? {};
    const invalid: string[] = [];
    const timestamp = props.hs_timestamp;
    if (typeof timestamp !== 'string' || Number.isNaN(Date.parse(timestamp))) invalid.push('hs_timestamp is required (ISO 8601 or epoch milliseconds)');
    const body = props.hs_note_body;
    if (body !== undefined && (typeof body !== 'string' || body.length > NOTE_BODY_MAX)) invalid.push(`hs_note_body must be a string of at most ${NOTE_BODY_MAX} characters`);
    const owner = props.hubspot_owner_id;
    if (owner !== undefined && !this.owners.some((o) => o.id === owner && !o.archived)) invalid.push(`${String(owner)} is not a valid owner id`);
    const contactIds: string[] = [];
    for (const a of Array.isArray(b.associations) ? (b.associations as Array<{ to?: { id?: unknown }; types?: Array<Record<string, unknown>> }>) : []) {
      const to = String(a.to?.id ?? '');
      const type = a.types?.[0];
      if (!this.contacts.some((c) => c.id === to)) invalid.push(`association target ${to} not found`);
      else if (type?.associationCategory !== 'HUBSPOT_DEFINED' || type?.associationTypeId !== 202) invalid.push('association type is not note to contact');
      else contactIds.push(to);
    }
    if (invalid.length > 0) return error(400, 'VALIDATION_ERROR', `Property values were not valid: ${invalid.join('; ')}`);
    const at = new Date().toISOString();
    const id = String(this.nextId++);
    const note: HsNote = {
      id,
      properties: {
        hs_object_id: id,
        hs_timestamp: new Date(timestamp as string).toISOString(),
        hs_note_body: (body as string | undefined) ?? null,
        hubspot_owner_id: (owner as string | undefined) ?? null,
        hs_createdate: at,
        hs_lastmodifieddate: at,
      },
      createdAt: at,
      updatedAt: at,
      archived: false,
      contactIds,
    };
    this.notes.push(note);
    return { status: 201, body: view(note, ['hs_note_body', 'hs_timestamp', 'hubspot_owner_id']) };
  }

  private batchRead(req: RecordedRequest): FakeResponse {
    const b = (req.body ?? {}) as { inputs?: Array<{ id?: unknown }>; properties?: string[] };
    const inputs = b.inputs ?? [];
    if (inputs.length > 100) return error(400, 'VALIDATION_ERROR', 'Batch input limited to 100');
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of inputs) {
      const note = this.notes.find((n) => n.id === String(input.id) && !n.archived);
      if (note) results.push(view(note, b.properties ?? []));
      else missing.push(String(input.id));
    }
    const at = new Date().toISOString();
    const body = { status: 'COMPLETE', results, startedAt: at, completedAt: at };
    if (missing.length === 0) return { status: 200, body };
    return {
      status: 207,
      body: { ...body, numErrors: 1, errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some NOTE objects', context: { ids: missing } }] },
    };
  }

  private noteAssociations(req: RecordedRequest, contactId: string): FakeResponse {
    const limit = Number(req.query.get('limit') ?? '500');
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return error(400, 'VALIDATION_ERROR', 'limit must be between 1 and 500');
    const rows = this.notesOn(contactId).filter((n) => !n.archived);
    const after = Number(req.query.get('after') ?? '0');
    const page = rows.slice(after, after + limit);
    return {
      status: 200,
      body: {
        results: page.map((n) => ({ toObjectId: Number(n.id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 202, label: null }] })),
        ...(rows.length > after + limit ? { paging: { next: { after: String(after + limit) } } } : {}),
      },
    };
  }

  private listOwners(req: RecordedRequest): FakeResponse {
    const limit = Number(req.query.get('limit') ?? '100');
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return error(400, 'VALIDATION_ERROR', 'limit must be between 1 and 500');
    let owners = this.owners.filter((o) => (req.query.get('archived') === 'true' ? o.archived : !o.archived));
    const email = req.query.get('email');
    if (email) owners = owners.filter((o) => o.email.toLowerCase() === email.toLowerCase());
    const after = Number(req.query.get('after') ?? '0');
    const page = owners.slice(after, after + limit);
    return {
      status: 200,
      body: { results: page, ...(owners.length > after + limit ? { paging: { next: { after: String(after + limit) } } } : {}) },
    };
  }
}

interface Filter {
  propertyName?: string;
  operator?: string;
  value?: string;
}

function matches(o: HsObject, f: Filter): boolean {
  const actual = o.properties[f.propertyName ?? ''];
  const value = String(f.value ?? '');
  switch (f.operator) {
    case 'EQ':
      return actual !== null && actual !== undefined && actual.toLowerCase() === value.toLowerCase();
    case 'GTE':
      return actual !== null && actual !== undefined && toNumber(actual) >= toNumber(value);
    case 'CONTAINS_TOKEN':
      return (actual ?? '').toLowerCase().split(/[;\s]+/).includes(value.toLowerCase());
    default:
      return false;
  }
}

/** Dates compare as instants (HubSpot takes epoch ms or ISO 8601 in filters). */
function toNumber(value: string): number {
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

function compare(a: string, b: string): number {
  const x = toNumber(a);
  const y = toNumber(b);
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** HubSpot's calculated phone properties: the typed number's digits without formatting or country code. */
function withCalculatedPhones(p: Record<string, string | null>): Record<string, string | null> {
  const calc = (raw: string | null): string | null => {
    if (!raw) return null;
    const parsed = parsePhoneNumberFromString(raw, 'US');
    return parsed ? String(parsed.nationalNumber) : raw.replace(/\D/g, '') || null;
  };
  return { ...p, hs_searchable_calculated_phone_number: calc(p.phone), hs_searchable_calculated_mobile_number: calc(p.mobilephone) };
}

/** An object as HubSpot answers it: the asked-for properties (and the defaults), never the rest. */
function view(o: HsObject, props: string[]): Record<string, unknown> {
  const wanted = new Set(['hs_object_id', 'createdate', 'lastmodifieddate', ...props]);
  const properties = Object.fromEntries(Object.entries(o.properties).filter(([k]) => wanted.has(k)));
  return { id: o.id, properties, createdAt: o.createdAt, updatedAt: o.updatedAt, archived: o.archived };
}

function key(type: string, id: string): string {
  return `${type}:${id}`;
}

function prune(times: number[], before: number): void {
  while (times.length > 0 && times[0] <= before) times.shift();
}

function error(status: number, category: string, message: string): FakeResponse {
  return { status, body: { status: 'error', message, correlationId: randomUUID(), category } };
}

function rateLimited(policyName: string, message: string): FakeResponse {
  return {
    status: 429,
    body: { status: 'error', message, errorType: 'RATE_LIMIT', correlationId: randomUUID(), policyName, groupName: 'api-calls' },
  };
}
