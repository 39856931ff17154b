import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FakeHttpServer } from '../fakes/fake-http-server';
import { createTestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createSandboxConnection, drain } from '../support/fixtures';
import { accept, onlySyncOf, seedEvent } from './sync-test-support';

const MAX_BYTES = 4096;
const TIMEOUT_MS = 600;
const UNAVAILABLE = 'The action items could not be retrieved for this note.';

/**
 * Action items are fetched from the payload's actionItemsUrl, only from allowed hosts, with a timeout and a
 * size cap. Every shape the provider sends shows up in the note; every refusal leaves them out of a note that
 * is still posted and says so, with the reason on the sync for operators.
 */
describe('action items end to end', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  const assets = new FakeHttpServer((req) => {
    switch (req.path) {
      case '/strings.json':
        return { status: 200, body: ['Send the offer letter', 'Book a reference call'] };
      case '/objects.json':
        return {
          status: 200,
          body: [
            { text: 'Send the offer letter', assignee: 'Alex Rivers', dueDate: '2025-10-17' },
            { title: 'Check two references', assignee: { name: 'Sam Service' }, due_date: '2025-10-20' },
          ],
        };
      case '/wrapped.json':
        return { status: 200, body: { actionItems: [{ description: 'Share the salary band', assignedTo: 'Dana Scully' }] } };
      case '/huge.json':
        return { status: 200, body: Array.from({ length: 200 }, (_, i) => `A long action item number ${i} that nobody will read`) };
      case '/slow.json':
        return new Promise(() => undefined);
      default:
        return { status: 404, body: { message: 'no such asset' } };
    }
  });

  beforeAll(async () => {
    await assets.start();
    db = await createTestDatabase();
    app = await createTestApp(db.url, {
      ASSET_ALLOWED_HOSTS: '127.0.0.1',
      ASSET_MAX_BYTES: String(MAX_BYTES),
      ASSET_TIMEOUT_MS: String(TIMEOUT_MS),
    });
    await createSandboxConnection(app);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await assets.stop();
  });

  /** Sends the seed's meeting with another actionItemsUrl, runs the worker, and returns the sync and its note. */
  async function deliver(eventId: string, actionItemsUrl: string, worker: NestFastifyApplication = app) {
    await accept(app, seedEvent(eventId, (p) => (p.assets.actionItemsUrl = actionItemsUrl)));
    await drain(worker);
    const sync = await onlySyncOf(app, eventId);
    expect(sync.status).toBe('synced');
    const notes: Array<{ body_text: string }> = await db.dataSource.query(
      `SELECT body_text FROM sandbox_notes WHERE reference_marker LIKE $1`,
      [`debrief:${eventId}:%`],
    );
    expect(notes).toHaveLength(1);
    return { sync, text: notes[0]!.body_text };
  }

  it('lists a plain list of strings', async () => {
    const { sync, text } = await deliver('evt_items_strings', `${assets.url}/strings.json`);
    expect(sync.actionItems).toBe('ok');
    expect(text).toContain('Action items');
    expect(text).toContain('Send the offer letter');
    expect(text).toContain('Book a reference call');
    expect(text).not.toContain(UNAVAILABLE);
  });

  it('lists objects with their text or title, assignee and due date', async () => {
    const { sync, text } = await deliver('evt_items_objects', `${assets.url}/objects.json`);
    expect(sync.actionItems).toBe('ok');
    const first = text.split('\n').find((line) => line.includes('Send the offer letter'));
    expect(first).toContain('Alex Rivers');
    expect(first).toContain('due 2025-10-17');
    const second = text.split('\n').find((line) => line.includes('Check two references'));
    expect(second).toContain('Sam Service');
    expect(second).toContain('due 2025-10-20');
  });

  it('lists items wrapped in an object', async () => {
    const { sync, text } = await deliver('evt_items_wrapped', `${assets.url}/wrapped.json`);
    expect(sync.actionItems).toBe('ok');
    expect(text.split('\n').find((line) => line.includes('Share the salary band'))).toContain('Dana Scully');
  });

  it.each([
    ['a host that is not allowed', 'evt_items_host', () => `http://localhost:${new URL(assets.url).port}/strings.json`, /^unavailable: host localhost:\d+ is not in the allowed asset hosts$/],
    ['a document over the size cap', 'evt_items_huge', () => `${assets.url}/huge.json`, new RegExp(`^unavailable: the action items document is larger than ${MAX_BYTES} bytes$`)],
    ['an answer that never comes', 'evt_items_slow', () => `${assets.url}/slow.json`, new RegExp(`^unavailable: timed out after ${TIMEOUT_MS} ms$`)],
    ['the provider’s own host, not configured here', 'evt_items_default', () => 'https://api.provider.com/v1/actions/abc123.json', /^unavailable: host api\.provider\.com:443 is not in the allowed asset hosts$/],
  ])('posts the note without action items when refused: %s', async (_what, eventId, url, reason) => {
    const { sync, text } = await deliver(eventId, url());
    expect(sync.actionItems).toMatch(reason);
    expect(text).toContain(UNAVAILABLE);
    expect(text).not.toContain('Send the offer letter');
    expect(text).toContain('Discussed budget and timeline for the upcoming launch.');
  });

  it('refuses a host whose address is private unless that address is listed itself', async () => {
    // This instance allows the name localhost, but not the loopback address it resolves to.
    const named = await createTestApp(db.url, { ASSET_ALLOWED_HOSTS: 'localhost' });
    try {
      const { sync, text } = await deliver('evt_items_private', `http://localhost:${new URL(assets.url).port}/strings.json`, named);
      expect(sync.actionItems).toMatch(/^unavailable: host localhost resolves to (127\.0\.0\.1|::1) \(loopback\), which is only fetched when that address is listed explicitly$/);
      expect(text).toContain(UNAVAILABLE);
    } finally {
      await named.close();
    }
    expect(assets.received('GET', '/strings.json')).toHaveLength(1);
  });
});
