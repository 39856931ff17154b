import * as fc from 'fast-check';
import { AshbyAdapter } from '../../src/ats/adapters/ashby/ashby.adapter';
import { BullhornAdapter } from '../../src/ats/adapters/bullhorn/bullhorn.adapter';
import { GreenhouseAdapter } from '../../src/ats/adapters/greenhouse/greenhouse.adapter';
import type { AtsCandidate, AtsContext, NoteDraft } from '../../src/ats/ats-adapter.port';
import { postNoteOnce } from '../../src/ats/kit/note-poster';
import { DEFAULT_FIELD_MAPPING } from '../../src/mapping/field-mapping.schema';
import { renderNote } from '../../src/mapping/note-renderer';
import type { ActionItemsResult } from '../../src/meeting/action-items.parser';
import type { MeetingCompleted } from '../../src/meeting/meeting-completed.model';
import { ALL_ASHBY_PERMISSIONS, AshbyFakeServer } from '../fakes/ashby-fake-server';
import { BullhornFakeServer } from '../fakes/bullhorn-fake-server';
import { GreenhouseFakeServer } from '../fakes/greenhouse-fake-server';

/**
 * Whatever a meeting's fields hold, the ATS stores those characters: the HTML fakes (Ashby, Bullhorn) hold
 * HTML whose decoded text and link targets are the values, and the plain-text fake (Greenhouse) holds the
 * values as they are. Values are compared as the renderer writes them: control characters out, runs of
 * whitespace as one space (a line break in HTML is a tag), URLs in their normalised form.
 */

const SQUASH = /\s+/g;
const squash = (value: string) => value.replace(SQUASH, ' ').trim();
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** HTML text as a reader sees it: every tag a break, character references decoded once. */
function htmlText(html: string): string {
  return squash(decodeReferences(html.replace(/<[^>]*>/g, ' ')));
}

/** Link targets, read attribute by attribute: a URL may itself contain `href=`. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/<a\s([^>]*)>/g)].flatMap((tag) =>
    [...tag[1].matchAll(/([a-z-]+)="([^"]*)"/g)].filter((a) => a[1] === 'href').map((a) => decodeReferences(a[2])),
  );
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0' };

function decodeReferences(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** The characters that broke notes before, mixed with any text. */
const TRICKY = ['&', '=', '<', '>', '"', "'", '&href=', ' onsite = 3 ', ' one = x', '&amp;', '&lt;b&gt;', '<b>', '</p>', '<script>', 'é', '日本', '👩🏽‍💻', '\u00A0', '\n', '  '];

const text = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom(...TRICKY)), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(''))
  .filter((value) => squash(value) !== '' && !CONTROL.test(value));

const url = fc
  .array(fc.tuple(fc.constantFrom('a', 'href', 'b', 'q'), text), { minLength: 1, maxLength: 3 })
  .map((pairs) => `https://files.example/t?${pairs.map(([k, v]) => `${k}=${v.replace(SQUASH, '')}`).join('&')}`)
  .filter((value) => { try { return new URL(value).protocol === 'https:'; } catch { return false; } });

const fields = fc.record({
  name: text,
  owner: text,
  notes: fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 3 }),
  items: fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 3 }),
  material: text,
  transcript: url,
  recording: url,
  recap: url,
});
type Fields = typeof fields extends fc.Arbitrary<infer T> ? T : never;

function meetingOf(f: Fields, eventId: string): { meeting: MeetingCompleted; items: ActionItemsResult } {
  const meeting: MeetingCompleted = {
    eventId,
    eventType: 'meeting.completed',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    accountId: 'acc',
    teamId: null,
    meeting: {
      id: 'mtg',
      name: f.name,
      startTime: '2026-01-01T10:00:00Z',
      ownerName: f.owner,
      ownerEmail: null,
      participants: [],
      atsRecordName: null,
      isPrivate: false,
    },
    assets: {
      transcriptionUrl: f.transcript,
      recordingUrl: f.recording,
      actionItemsUrl: null,
      databaseNotes: f.notes.map(([name, note]) => ({ name, note })),
      followUpMaterials: [{ name: f.material, txtUrl: f.recap, pdfUrl: null }],
    },
  };
  const items: ActionItemsResult = { status: 'ok', items: f.items.map(([t, assignee]) => ({ text: t, assignee, dueDate: null })) };
  return { meeting, items };
}

/** Every value the note must carry as text, and every URL it must link to. */
function expected(f: Fields): { texts: string[]; urls: string[] } {
  const texts = [f.name, f.owner, f.material, ...f.notes.flat(), ...f.items.flat()].map(squash);
  const urls = [f.transcript, f.recording, f.recap].map((u) => new URL(u.trim()).href);
  return { texts, urls };
}

describe('note characters reach every ATS intact', () => {
  const ashby = new AshbyFakeServer();
  const bullhorn = new BullhornFakeServer();
  const greenhouse = new GreenhouseFakeServer();
  const adapters = { ashby: new AshbyAdapter(), bullhorn: new BullhornAdapter(), greenhouse: new GreenhouseAdapter() };
  const ctx: Record<keyof typeof adapters, AtsContext> = {} as Record<keyof typeof adapters, AtsContext>;
  const candidates: Record<keyof typeof adapters, AtsCandidate> = {} as Record<keyof typeof adapters, AtsCandidate>;
  const limits = { timeoutMs: 2000, rateLimit: { limit: 10_000, intervalMs: 1000 } };
  let serial = 0;

  beforeAll(async () => {
    await Promise.all([ashby.start(), bullhorn.start(), greenhouse.start()]);
    const author = ashby.addUser({ email: 'debrief@acme.test', firstName: 'Debrief', lastName: 'Bot' });
    ashby.addKey('key', ALL_ASHBY_PERMISSIONS, author.id);
    const jane = ashby.addCandidate({ name: 'Jane Doe', emails: ['jane@example.com'] });
    ctx.ashby = { connectionId: 'conn-ashby', credentials: { apiKey: 'key' }, settings: { baseUrl: ashby.url, userId: author.id, ...limits } };
    candidates.ashby = { externalId: jane.id, firstName: null, lastName: null, displayName: 'Jane Doe', emails: [], phones: [], updatedAt: null };

    bullhorn.addUser({ id: 1, email: 'api@acme.test' });
    bullhorn.addCandidate({ id: 101, firstName: 'Jane', lastName: 'Doe' });
    ctx.bullhorn = {
      connectionId: 'conn-bullhorn',
      credentials: { clientId: bullhorn.client.id, clientSecret: bullhorn.client.secret, username: bullhorn.apiUser.username, password: bullhorn.apiUser.password },
      settings: { authUrl: bullhorn.url, baseUrl: bullhorn.url, userId: '1', ...limits },
    };
    candidates.bullhorn = { ...candidates.ashby, externalId: '101' };

    greenhouse.users.push({ id: 7, name: 'Sam Service', first_name: 'Sam', last_name: 'Service', primary_email: 'sam@acme.test', deactivated: false });
    greenhouse.candidates.push({
      id: 5001,
      first_name: 'Jane',
      last_name: 'Doe',
      email_addresses: [{ value: 'jane@example.com', type: 'personal' }],
      phone_numbers: [],
      application_ids: [50010],
      updated_at: '2026-01-01T00:00:00Z',
    } as (typeof greenhouse.candidates)[number]);
    ctx.greenhouse = {
      connectionId: 'conn-greenhouse',
      credentials: { clientId: greenhouse.clientId, clientSecret: greenhouse.clientSecret },
      settings: { baseUrl: greenhouse.baseUrl, authUrl: greenhouse.url, userId: '7', ...limits },
    };
    candidates.greenhouse = { ...candidates.ashby, externalId: '5001' };
  });

  afterAll(() => Promise.all([ashby.stop(), bullhorn.stop(), greenhouse.stop()]));

  /** Renders the meeting, posts it to the three fakes and answers what each one stored. */
  async function post(f: Fields): Promise<{ ashby: string; bullhorn: string; greenhouse: string }> {
    const eventId = `evt_${++serial}`;
    const { meeting, items } = meetingOf(f, eventId);
    const referenceMarker = `debrief:${eventId}:conn`;
    const note = renderNote(meeting, items, DEFAULT_FIELD_MAPPING, { referenceMarker });
    const draft: NoteDraft = {
      title: note.title,
      text: note.text,
      html: note.html,
      visibility: 'public',
      referenceMarker,
      idempotencyKey: `${eventId}:conn`,
      author: { name: null, email: null },
      meetingStartedAt: null,
    };
    const [a, b, g] = await Promise.all([
      postNoteOnce(adapters.ashby, ctx.ashby, candidates.ashby, draft, { previousAttemptUncertain: false }).then((r) => r.note),
      postNoteOnce(adapters.bullhorn, ctx.bullhorn, candidates.bullhorn, draft, { previousAttemptUncertain: false }).then((r) => r.note),
      postNoteOnce(adapters.greenhouse, ctx.greenhouse, candidates.greenhouse, draft, { previousAttemptUncertain: false }).then((r) => r.note),
    ]);
    return {
      ashby: ashby.notesOf(candidates.ashby.externalId).find((n) => n.id === a.externalNoteId)!.content,
      bullhorn: bullhorn.notesOf(101).find((n) => String(n.id) === b.externalNoteId)!.comments,
      greenhouse: greenhouse.notes.find((n) => String(n.id) === g.externalNoteId)!.body,
    };
  }

  it('holds for any text in any field and any URL query', async () => {
    await fc.assert(
      fc.asyncProperty(fields, async (f) => {
        const stored = await post(f);
        const { texts, urls } = expected(f);
        for (const html of [stored.ashby, stored.bullhorn]) {
          const shown = htmlText(html);
          for (const value of texts) expect(shown).toContain(value);
          expect(hrefs(html)).toEqual(expect.arrayContaining(urls));
          // Only Debrief's own tags: no value became markup.
          expect(html).not.toMatch(/<(?!\/?(p|br|strong|b|ul|li|a)\b)[a-z]/i);
        }
        const plain = squash(stored.greenhouse);
        for (const value of texts) expect(plain).toContain(value);
        for (const link of urls) expect(stored.greenhouse).toContain(link);
      }),
      { numRuns: 60 },
    );
    // Sixty notes through three fakes: a busy machine needs more than the default 30 s.
  }, 180_000);

  describe('the strings that broke Bullhorn notes', () => {
    const summary = 'Interview loop: onsite = 3 hours, one = manager.';
    const transcript = 'https://files.example/t?a=1&href=x&b="q"';

    it('arrive as written in every ATS', async () => {
      const stored = await post({
        name: 'Loop',
        owner: 'Alex Rivers',
        notes: [['Summary', summary]],
        items: [['Book the onsite', 'Alex']],
        material: 'Recap',
        transcript,
        recording: 'https://files.example/r?x=1',
        recap: 'https://files.example/c?y=2',
      });
      const href = 'href="https://files.example/t?a=1&amp;href=x&amp;b=%22q%22"';
      expect(stored.bullhorn).toContain(`<p>${summary}</p>`);
      expect(stored.bullhorn).toContain(`<a ${href}>Transcript</a>`);
      expect(stored.ashby).toContain(`\n${summary}\n`);
      expect(stored.ashby).toContain(`<a ${href}>Transcript</a>`);
      expect(stored.greenhouse).toContain(`\n${summary}\n`);
      expect(stored.greenhouse).toContain('- Transcript: https://files.example/t?a=1&href=x&b=%22q%22');
    });
  });
});
