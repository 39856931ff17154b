import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AtsAdapter, AtsCandidate, AtsContext, NoteDraft, NoteVisibility } from '../../src/ats/ats-adapter.port';
import { AtsAdapterRegistry } from '../../src/ats/ats-adapter.registry';
import { AtsError } from '../../src/ats/ats-error';
import { ALL_ASHBY_PERMISSIONS, AshbyFakeServer } from '../fakes/ashby-fake-server';
import { BullhornFakeServer } from '../fakes/bullhorn-fake-server';
import type { FaultRule } from '../fakes/fake-http-server';
import { GreenhouseFakeServer } from '../fakes/greenhouse-fake-server';
import { HubSpotFakeServer } from '../fakes/hubspot-fake-server';
import { LeverFakeServer } from '../fakes/lever-fake-server';
import { WorkableFakeServer } from '../fakes/workable-fake-server';
import { TestDatabase } from '../support/database';
import { createConnection } from '../ats-e2e/support';
import { SalesforceFakeServer } from '../fakes/salesforce-fake-server';

/** A note as the ATS stores it, in the terms every adapter's contract is checked in. */
export interface StoredNote {
  /** What `CreatedNote.externalNoteId` must say for this note. */
  id: string;
  /** The ATS user the note is authored as (the sandbox: the name it records). */
  authorId: string | null;
  /** The ATS's own visibility value. */
  visibility: string;
}

/**
 * How the ATS loses a write, played on the note's post only. The first three store the note and then lose the
 * answer; a 429 refuses it (nothing stored), once for every in-place retry the HTTP client allows, so the attempt
 * ends RATE_LIMITED.
 */
export type PostFault =
  | { kind: 'status-after-storing'; status: 502 | 504 }
  | { kind: 'drop-after-storing' }
  | { kind: 'hang-after-storing' }
  | { kind: 'rate-limited'; retryAfterSeconds: number | null };

export interface ContractEnv {
  app: NestFastifyApplication;
  db: TestDatabase;
}

/** One registered adapter with its fake ATS, set up the same way for every scenario of the contract. */
export interface ContractSubject {
  adapter: AtsAdapter;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A working connection's context; a fresh connection id each time unless the ATS keeps its own. */
  ctx(settings?: Record<string, unknown>): AtsContext;
  /** Credentials the ATS refuses (the sandbox takes none: settings it cannot read). */
  refusedCtx(): AtsContext;
  /** The code the failed check of `refusedCtx` carries (null: the check names no ATS error). */
  refusedCode: string | null;
  /** The candidate notes go on. */
  candidate: AtsCandidate;
  /** A meeting owner the ATS knows, and the user id the note must carry for them. */
  owner: NoteDraft['author'];
  ownerId: string;
  /** An owner the ATS cannot resolve, and settings.userId, who authors their notes. */
  unknownOwner: NoteDraft['author'];
  fallbackId: string;
  /** The ATS's visibility values; `private: null` where the ATS has no private notes (the draft is refused). */
  visibility: Record<NoteVisibility, string | null>;
  /** Every stored note carrying the marker. */
  notesWith(marker: string): Promise<StoredNote[]>;
  injectOnPost(fault: PostFault): void;
  clearFaults(): void;
  /** Listing every candidate page by page, this many a page, must return these ids. */
  listing: { pageSize: number; ids: string[] };
}

export interface ContractEntry {
  provider: string;
  create(env: ContractEnv): ContractSubject;
}

/** Fast enough that a lost answer costs a second, far above a local answer even on a busy machine. */
const TIMING = { timeoutMs: 1000, rateLimit: { limit: 500, intervalMs: 1000 } };

export const OWNER = { name: 'Alex Rivers', email: 'alex.rivers@acme.test' } as const;
export const UNKNOWN_OWNER = { name: 'Pat Outsider', email: 'pat@elsewhere.test' } as const;

/** A draft as the pipeline renders it, with a marker and idempotency key of its own. */
export function contractDraft(author: NoteDraft['author'], visibility: NoteVisibility = 'public'): NoteDraft {
  const marker = `debrief:evt_contract_${randomUUID().slice(0, 8)}:${randomUUID().slice(0, 8)}`;
  return {
    title: 'Project Sync: Q4 Roadmap',
    text: `Project Sync: Q4 Roadmap\n\nDiscussed budget and timeline.\n\nDebrief ref: ${marker}`,
    html: `<p>Project Sync: Q4 Roadmap</p><p>Discussed budget and timeline.</p><p>Debrief ref: ${marker}</p>`,
    visibility,
    referenceMarker: marker,
    idempotencyKey: `debrief-${randomUUID()}`,
    author,
    meetingStartedAt: new Date(),
  };
}

function person(externalId: string, displayName: string, email: string): AtsCandidate {
  const [firstName, lastName] = displayName.split(' ');
  return { externalId, firstName, lastName, displayName, emails: [email], phones: [], updatedAt: null };
}

/** Fault rules on the fake's note-posting route. */
function httpFaults(method: string, path: string | RegExp, fault: PostFault): FaultRule {
  switch (fault.kind) {
    case 'status-after-storing':
      return { method, path, afterHandling: true, fault: { kind: 'respond', response: { status: fault.status, body: 'upstream gave up' } } };
    case 'drop-after-storing':
      return { method, path, afterHandling: true, fault: { kind: 'drop' } };
    case 'hang-after-storing':
      return { method, path, afterHandling: true, fault: { kind: 'hang' } };
    case 'rate-limited':
      return {
        method,
        path,
        // The shared client absorbs two 429s in place; the third ends the attempt.
        times: 3,
        fault: {
          kind: 'respond',
          response: {
            status: 429,
            headers: fault.retryAfterSeconds === null ? {} : { 'Retry-After': String(fault.retryAfterSeconds) },
            body: { message: 'Too many requests' },
          },
        },
      };
  }
}

const greenhouse: ContractEntry = {
  provider: 'greenhouse',
  create: ({ app }) => {
    const fake = new GreenhouseFakeServer();
    const candidate = (id: number, first: string, last: string, email: string) => ({
      id,
      first_name: first,
      last_name: last,
      email_addresses: [{ value: email, type: 'personal' }],
      phone_numbers: [],
      application_ids: [],
      updated_at: '2026-09-01T09:00:00Z',
    });
    const ctx = (settings: Record<string, unknown> = {}, credentials = { clientId: fake.clientId, clientSecret: fake.clientSecret }) => ({
      connectionId: randomUUID(),
      credentials,
      settings: { baseUrl: fake.baseUrl, authUrl: fake.url, userId: '101', ...TIMING, ...settings },
    });
    return {
      adapter: app.get(AtsAdapterRegistry).get('greenhouse'),
      start: async () => {
        fake.users.push(
          { id: 101, name: 'Debrief Bot', first_name: 'Debrief', last_name: 'Bot', primary_email: 'debrief@acme.test', deactivated: false },
          { id: 202, name: OWNER.name, first_name: 'Alex', last_name: 'Rivers', primary_email: OWNER.email, deactivated: false },
        );
        fake.candidates.push(
          candidate(5001, 'First', 'Last', 'first.last@example.com'),
          candidate(5002, 'Jane', 'Roe', 'jane@example.com'),
          candidate(5003, 'John', 'Doe', 'john@example.com'),
        );
        await fake.start();
      },
      stop: () => fake.stop(),
      ctx,
      refusedCtx: () => ctx({}, { clientId: fake.clientId, clientSecret: 'not-the-secret' }),
      refusedCode: 'AUTH_FAILED',
      candidate: person('5001', 'First Last', 'first.last@example.com'),
      owner: OWNER,
      ownerId: '202',
      unknownOwner: UNKNOWN_OWNER,
      fallbackId: '101',
      visibility: { public: 'public', private: 'private' },
      notesWith: async (marker) =>
        fake.notes.filter((n) => n.body.includes(marker)).map((n) => ({ id: String(n.id), authorId: String(n.user_id), visibility: n.visibility })),
      injectOnPost: (fault) => fake.http.inject(httpFaults('POST', '/v3/notes', fault)),
      clearFaults: () => fake.http.clearFaults(),
      listing: { pageSize: 2, ids: ['5001', '5002', '5003'] },
    };
  },
};

const lever: ContractEntry = {
  provider: 'lever',
  create: ({ app }) => {
    const fake = new LeverFakeServer();
    const opportunity = (id: string, contact: string, name: string, email: string) => ({
      id,
      name,
      contact,
      emails: [email],
      phones: [],
      createdAt: Date.parse('2026-01-05T09:00:00Z'),
      updatedAt: Date.parse('2026-01-06T09:00:00Z'),
      archived: null,
    });
    const ctx = (settings: Record<string, unknown> = {}, apiKey = fake.apiKey) => ({
      connectionId: randomUUID(),
      credentials: { apiKey },
      settings: { baseUrl: fake.baseUrl, userId: 'user-debrief', ...TIMING, ...settings },
    });
    return {
      adapter: app.get(AtsAdapterRegistry).get('lever'),
      start: async () => {
        fake.users.push(
          { id: 'user-debrief', name: 'Debrief Bot', email: 'debrief@acme.test', accessRole: 'admin', deactivatedAt: null },
          { id: 'user-alex', name: OWNER.name, email: OWNER.email, accessRole: 'team member', deactivatedAt: null },
        );
        fake.opportunities.push(
          opportunity('opp-first-last', 'contact-first-last', 'First Last', 'first.last@example.com'),
          opportunity('opp-jane', 'contact-jane', 'Jane Roe', 'jane@example.com'),
          opportunity('opp-john', 'contact-john', 'John Doe', 'john@example.com'),
        );
        await fake.start();
      },
      stop: () => fake.stop(),
      ctx,
      refusedCtx: () => ctx({}, 'not-the-key'),
      refusedCode: 'AUTH_FAILED',
      candidate: person('contact-first-last', 'First Last', 'first.last@example.com'),
      owner: OWNER,
      ownerId: 'user-alex',
      unknownOwner: UNKNOWN_OWNER,
      fallbackId: 'user-debrief',
      visibility: { public: 'public', private: 'secret' },
      notesWith: async (marker) =>
        fake.notes.filter((n) => n.text.includes(marker)).map((n) => ({ id: n.id, authorId: n.user, visibility: n.secret ? 'secret' : 'public' })),
      injectOnPost: (fault) => fake.http.inject(httpFaults('POST', /^\/v1\/opportunities\/[^/]+\/notes$/, fault)),
      clearFaults: () => fake.http.clearFaults(),
      listing: { pageSize: 2, ids: ['contact-first-last', 'contact-jane', 'contact-john'] },
    };
  },
};

const workable: ContractEntry = {
  provider: 'workable',
  create: ({ app }) => {
    const fake = new WorkableFakeServer();
    const record = (id: string, name: string, email: string) => {
      const [firstname, lastname] = name.split(' ');
      return {
        id,
        name,
        firstname,
        lastname,
        email,
        phone: '',
        job: { shortcode: 'ENG01', title: 'Engineer' },
        stage: 'Interview',
        created_at: '2026-08-01T00:00:00Z',
        updated_at: '2026-09-01T00:00:00Z',
      };
    };
    const ctx = (settings: Record<string, unknown> = {}, token = fake.token) => ({
      connectionId: randomUUID(),
      credentials: { token },
      settings: { baseUrl: fake.baseUrl, userId: 'm-debrief', ...TIMING, ...settings },
    });
    return {
      adapter: app.get(AtsAdapterRegistry).get('workable'),
      start: async () => {
        fake.members.push(
          { id: 'm-debrief', name: 'Debrief Bot', email: 'debrief@acme.test', role: 'admin', active: true },
          { id: 'm-alex', name: OWNER.name, email: OWNER.email, role: 'recruiter', active: true },
        );
        fake.candidates.push(
          record('c-first-last', 'First Last', 'first.last@example.com'),
          record('c-jane', 'Jane Roe', 'jane@example.com'),
          record('c-john', 'John Doe', 'john@example.com'),
        );
        await fake.start();
      },
      stop: () => fake.stop(),
      ctx,
      refusedCtx: () => ctx({}, 'not-the-token'),
      refusedCode: 'AUTH_FAILED',
      candidate: person('c-first-last', 'First Last', 'first.last@example.com'),
      owner: OWNER,
      ownerId: 'm-alex',
      unknownOwner: UNKNOWN_OWNER,
      fallbackId: 'm-debrief',
      visibility: { public: 'public', private: '["admin"]' },
      // Workable names no comment: the adapter names it by its reference marker.
      notesWith: async (marker) =>
        fake.comments
          .filter((c) => c.body.includes(marker))
          .map((c) => ({ id: marker, authorId: c.member_id, visibility: c.policy ? JSON.stringify(c.policy) : 'public' })),
      injectOnPost: (fault) => fake.http.inject(httpFaults('POST', /\/comments$/, fault)),
      clearFaults: () => fake.http.clearFaults(),
      listing: { pageSize: 2, ids: ['c-first-last', 'c-jane', 'c-john'] },
    };
  },
};

const ashby: ContractEntry = {
  provider: 'ashby',
  create: ({ app }) => {
    const fake = new AshbyFakeServer();
    const ids = { owner: '', fallback: '', candidates: [] as string[] };
    const ctx = (settings: Record<string, unknown> = {}, apiKey = 'key-full') => ({
      connectionId: randomUUID(),
      credentials: { apiKey },
      settings: { baseUrl: fake.url, userId: ids.fallback, ...TIMING, ...settings },
    });
    const subject: ContractSubject = {
      adapter: app.get(AtsAdapterRegistry).get('ashby'),
      start: async () => {
        await fake.start();
        const keyOwner = fake.addUser({ email: 'api-owner@acme.test', firstName: 'Api', lastName: 'Owner' });
        ids.owner = fake.addUser({ email: OWNER.email, firstName: 'Alex', lastName: 'Rivers' }).id;
        ids.fallback = fake.addUser({ email: 'debrief@acme.test', firstName: 'Debrief', lastName: 'Bot' }).id;
        fake.addKey('key-full', ALL_ASHBY_PERMISSIONS, keyOwner.id);
        ids.candidates = [
          fake.addCandidate({ name: 'First Last', emails: ['first.last@example.com'] }).id,
          fake.addCandidate({ name: 'Jane Roe', emails: ['jane@example.com'] }).id,
          fake.addCandidate({ name: 'John Doe', emails: ['john@example.com'] }).id,
        ];
        Object.assign(subject, {
          candidate: person(ids.candidates[0], 'First Last', 'first.last@example.com'),
          ownerId: ids.owner,
          fallbackId: ids.fallback,
          listing: { pageSize: 2, ids: [...ids.candidates].sort() },
        });
      },
      stop: () => fake.stop(),
      ctx,
      refusedCtx: () => ctx({}, 'not-a-key'),
      refusedCode: 'AUTH_FAILED',
      // Filled in by start(): Ashby chooses its own ids.
      candidate: person('', 'First Last', 'first.last@example.com'),
      owner: OWNER,
      ownerId: '',
      unknownOwner: UNKNOWN_OWNER,
      fallbackId: '',
      visibility: { public: 'public', private: 'private' },
      notesWith: async (marker) =>
        fake.notes.filter((n) => n.content.includes(marker)).map((n) => ({ id: n.id, authorId: n.authorId, visibility: n.isPrivate ? 'private' : 'public' })),
      injectOnPost: (fault) => fake.http.inject(httpFaults('POST', '/candidate.createNote', fault)),
      clearFaults: () => fake.http.clearFaults(),
      listing: { pageSize: 2, ids: [] },
    };
    return subject;
  },
};

const bullhorn: ContractEntry = {
  provider: 'bullhorn',
  create: ({ app }) => {
    const fake = new BullhornFakeServer();
    const ctx = (settings: Record<string, unknown> = {}, password = fake.apiUser.password) => ({
      connectionId: randomUUID(),
      credentials: { clientId: fake.client.id, clientSecret: fake.client.secret, username: fake.apiUser.username, password },
      settings: { authUrl: fake.url, baseUrl: fake.url, userId: '99', ...TIMING, ...settings },
    });
    return {
      adapter: app.get(AtsAdapterRegistry).get('bullhorn'),
      start: async () => {
        fake.addUser({ id: 1, email: 'api@acme.test', firstName: 'Api', lastName: 'User' });
        fake.addUser({ id: 45, email: OWNER.email, firstName: 'Alex', lastName: 'Rivers' });
        fake.addUser({ id: 99, email: 'debrief@acme.test', firstName: 'Debrief', lastName: 'Bot' });
        fake.addCandidate({ id: 101, firstName: 'First', lastName: 'Last', email: 'first.last@example.com' });
        fake.addCandidate({ id: 102, firstName: 'Jane', lastName: 'Roe', email: 'jane@example.com' });
        fake.addCandidate({ id: 103, firstName: 'John', lastName: 'Doe', email: 'john@example.com' });
        await fake.start();
      },
      stop: () => fake.stop(),
      ctx,
      refusedCtx: () => ctx({}, 'not-the-password'),
      refusedCode: 'AUTH_FAILED',
      candidate: person('101', 'First Last', 'first.last@example.com'),
      owner: OWNER,
      ownerId: '45',
      unknownOwner: UNKNOWN_OWNER,
      fallbackId: '99',
      visibility: { public: 'public', private: null },
      notesWith: async (marker) =>
        fake.notes
          .filter((n) => n.comments.includes(marker))
          .map((n) => ({ id: String(n.id), authorId: String(n.commentingPerson.id), visibility: 'public' })),
      injectOnPost: (fault) => fake.http.inject(httpFaults('PUT', '/rest-services/corp1/entity/Note', fault)),
      clearFaults: () => fake.http.clearFaults(),
      listing: { pageSize: 2, ids: ['101', '102', '103'] },
    };
  },
};

const hubspot: ContractEntry = {
  provider: 'hubspot',
  create: ({ app }) => {
    const fake = new HubSpotFakeServer();
    // The suite's rate limit (500/s) is far above HubSpot's; the fake's windows are exercised by the adapter spec.
    fake.tenSecondLimit = 100_000;
    const ctx = (settings: Record<string, unknown> = {}, accessToken = fake.accessToken) => ({
      connectionId: randomUUID(),
      credentials: { accessToken },
      settings: { baseUrl: fake.url, userId: '1001', ...TIMING, ...settings },
    });
    return {
      adapter: app.get(AtsAdapterRegistry).get('hubspot'),
      start: async () => {
        fake.addOwner({ id: '1001', email: 'debrief@acme.test', firstName: 'Debrief', lastName: 'Bot' });
        fake.addOwner({ id: '1002', email: OWNER.email, firstName: 'Alex', lastName: 'Rivers' });
        fake.addContact({ id: '101', firstname: 'First', lastname: 'Last', email: 'first.last@example.com' });
        fake.addContact({ id: '102', firstname: 'Jane', lastname: 'Roe', email: 'jane@example.com' });
        fake.addContact({ id: '103', firstname: 'John', lastname: 'Doe', email: 'john@example.com' });
        await fake.start();
      },
      stop: () => fake.stop(),
      ctx,
      refusedCtx: () => ctx({}, 'pat-na1-not-the-token'),
      refusedCode: 'AUTH_FAILED',
      candidate: person('101', 'First Last', 'first.last@example.com'),
      owner: OWNER,
      ownerId: '1002',
      unknownOwner: UNKNOWN_OWNER,
      fallbackId: '1001',
      // HubSpot notes have no privacy setting: the private-meeting policy decides before posting.
      visibility: { public: 'public', private: null },
      // Notes written through the API never reach the fake's search index here: the look-up must not need it.
      notesWith: async (marker) =>
        fake.notes
          .filter((n) => (n.properties.hs_note_body ?? '').includes(marker))
          .map((n) => ({ id: n.id, authorId: n.properties.hubspot_owner_id, visibility: 'public' })),
      injectOnPost: (fault) => fake.http.inject(httpFaults('POST', '/crm/v3/objects/notes', fault)),
      clearFaults: () => fake.http.clearFaults(),
      listing: { pageSize: 2, ids: ['101', '102', '103'] },
    };
  },
};

const salesforce: ContractEntry = {
  provider: 'salesforce',
  create: ({ app }) => {
    const fake = new SalesforceFakeServer();
    const ids = { owner: '', fallback: '', people: [] as string[] };
    const ctx = (settings: Record<string, unknown> = {}, clientSecret = fake.client.secret) => ({
      connectionId: randomUUID(),
      credentials: { clientId: fake.client.id, clientSecret },
      settings: { loginUrl: fake.url, userId: ids.fallback, ...TIMING, ...settings },
    });
    const subject: ContractSubject = {
      adapter: app.get(AtsAdapterRegistry).get('salesforce'),
      start: async () => {
        fake.addUser({ name: 'Integration User', email: 'integration@acme.test' });
        ids.owner = fake.addUser({ name: OWNER.name, email: OWNER.email }).Id;
        ids.fallback = fake.addUser({ name: 'Debrief Bot', email: 'debrief@acme.test' }).Id;
        ids.people = [
          fake.addPerson('Contact', { firstName: 'First', lastName: 'Last', email: 'first.last@example.com' }).Id,
          fake.addPerson('Contact', { firstName: 'Jane', lastName: 'Roe', email: 'jane@example.com' }).Id,
          fake.addPerson('Contact', { firstName: 'Sam', lastName: 'Poe', email: 'sam@example.com' }).Id,
          fake.addPerson('Lead', { firstName: 'John', lastName: 'Doe', email: 'john@example.com' }).Id,
        ];
        // Salesforce may answer fewer records than the batch asked for: pages of two exercise nextRecordsUrl.
        fake.batchCap = 2;
        await fake.start();
        Object.assign(subject, {
          candidate: person(ids.people[0], 'First Last', 'first.last@example.com'),
          ownerId: ids.owner,
          fallbackId: ids.fallback,
          listing: { pageSize: 2, ids: [...ids.people] },
        });
      },
      stop: () => fake.stop(),
      ctx,
      refusedCtx: () => ctx({}, 'not-the-secret'),
      refusedCode: 'AUTH_FAILED',
      // Filled in by start(): the fake chooses its own ids.
      candidate: person('', 'First Last', 'first.last@example.com'),
      owner: OWNER,
      ownerId: '',
      unknownOwner: UNKNOWN_OWNER,
      fallbackId: '',
      visibility: { public: 'SharingPrivacy=N', private: 'SharingPrivacy=P' },
      notesWith: async (marker) =>
        fake.records.ContentNote.filter((n) => String(n.Content).includes(marker))
          // A note without its link to the record is not on the contact: it does not count.
          .filter((n) => fake.records.ContentDocumentLink.some((l) => l.ContentDocumentId === n.Id && l.LinkedEntityId === ids.people[0]))
          .map((n) => ({ id: n.Id, authorId: String(n.OwnerId), visibility: `SharingPrivacy=${String(n.SharingPrivacy)}` })),
      injectOnPost: (fault) => fake.http.inject(httpFaults('POST', '/services/data/v62.0/composite', fault)),
      clearFaults: () => fake.http.clearFaults(),
      listing: { pageSize: 2, ids: [] },
    };
    return subject;
  },
};

/**
 * The sandbox's "ATS" is Debrief's own table, so its faults are played around the adapter: the note is stored
 * and the failure is then reported as the shared HTTP client reports it for an HTTP ATS.
 */
class FaultySandboxAdapter implements AtsAdapter {
  readonly faults: PostFault[] = [];

  constructor(private readonly inner: AtsAdapter) {}

  get provider() {
    return this.inner.provider;
  }
  get capabilities() {
    return this.inner.capabilities;
  }
  get lookBeforeEveryPost() {
    return this.inner.lookBeforeEveryPost;
  }
  get contract() {
    return this.inner.contract;
  }

  searchCandidates: AtsAdapter['searchCandidates'] = (ctx, query) => this.inner.searchCandidates(ctx, query);
  listCandidates: AtsAdapter['listCandidates'] = (ctx, request) => this.inner.listCandidates(ctx, request);
  findNote: AtsAdapter['findNote'] = (ctx, candidate, draft, lookup) => this.inner.findNote(ctx, candidate, draft, lookup);
  testConnection: AtsAdapter['testConnection'] = (ctx) => this.inner.testConnection(ctx);

  postNote: AtsAdapter['postNote'] = async (ctx, candidate, draft) => {
    const fault = this.faults.shift();
    if (!fault) return this.inner.postNote(ctx, candidate, draft);
    if (fault.kind === 'rate-limited') {
      throw new AtsError('RATE_LIMITED', 'sandbox: HTTP 429', { status: 429, retryAfterSeconds: fault.retryAfterSeconds });
    }
    await this.inner.postNote(ctx, candidate, draft);
    if (fault.kind === 'status-after-storing') {
      throw new AtsError('TEMPORARY', `sandbox: HTTP ${fault.status}`, { status: fault.status, uncertain: true });
    }
    throw new AtsError('TEMPORARY', `sandbox: ${fault.kind === 'drop-after-storing' ? 'ECONNRESET' : 'ECONNABORTED: timeout'}`, {
      uncertain: true,
    });
  };
}

const sandbox: ContractEntry = {
  provider: 'sandbox',
  create: ({ app, db }) => {
    const adapter = new FaultySandboxAdapter(app.get(AtsAdapterRegistry).get('sandbox'));
    const settings = {
      userId: 'Debrief Bot',
      candidates: [
        { id: 'cand-1', firstName: 'First', lastName: 'Last', emails: ['first.last@example.com'] },
        { id: 'cand-2', firstName: 'Jane', lastName: 'Roe', emails: ['jane@example.com'] },
        { id: 'cand-3', firstName: 'John', lastName: 'Doe', emails: ['john@example.com'] },
      ],
    };
    // Notes reference a stored connection, so the sandbox keeps one connection for every scenario.
    let connectionId = '';
    return {
      adapter,
      start: async () => {
        connectionId = await createConnection(app, 'sandbox', {}, settings);
      },
      stop: async () => {},
      ctx: (extra = {}) => ({ connectionId, credentials: {}, settings: { ...settings, ...extra } }),
      refusedCtx: () => ({ connectionId, credentials: {}, settings: { candidates: 'not a list' } }),
      refusedCode: null,
      candidate: person('cand-1', 'First Last', 'first.last@example.com'),
      // No user directory: the owner is recorded as named; one it cannot name falls back to settings.userId.
      owner: OWNER,
      ownerId: OWNER.name,
      unknownOwner: { name: null, email: null },
      fallbackId: 'Debrief Bot',
      visibility: { public: 'public', private: 'private' },
      notesWith: async (marker) => {
        const rows: Array<{ id: string; author: string | null; visibility: string }> = await db.dataSource.query(
          `SELECT id, author, visibility FROM sandbox_notes WHERE body_text LIKE '%' || $1 || '%'`,
          [marker],
        );
        return rows.map((r) => ({ id: r.id, authorId: r.author, visibility: r.visibility }));
      },
      injectOnPost: (fault) => adapter.faults.push(fault),
      clearFaults: () => (adapter.faults.length = 0),
      listing: { pageSize: 2, ids: ['cand-1', 'cand-2', 'cand-3'] },
    };
  },
};

/** Every adapter the contract covers; the suite checks this is exactly the ATS module's list. */
export const CONTRACT_ENTRIES: ContractEntry[] = [greenhouse, lever, ashby, bullhorn, workable, sandbox, hubspot, salesforce];
