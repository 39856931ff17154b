import { expectGolden } from '../../test/fixtures/golden/golden-file.matcher';
import type { ActionItemsResult } from '../meeting/action-items.parser';
import type { MeetingCompleted } from '../meeting/meeting-completed.model';
import { DEFAULT_FIELD_MAPPING, type FieldMapping, type FieldMappingInput, parseFieldMapping } from './field-mapping.schema';
import { renderNote, renderTitle } from './note-renderer';

/** The sample `meeting.completed` payload from the provider documentation, normalised by hand. */
function sampleMeeting(overrides: Partial<MeetingCompleted['meeting']> = {}): MeetingCompleted {
  return {
    eventId: 'evt_789456123',
    eventType: 'meeting.completed',
    createdAt: new Date(1765198584697),
    accountId: 'acc_554433',
    teamId: 'team_998877',
    meeting: {
      id: 'mtg_01H2J3K4L',
      name: 'Project Sync: Q4 Roadmap',
      startTime: '2025-10-10T10:23:27.000Z',
      ownerName: 'Alex Rivers',
      ownerEmail: null,
      participants: ['+12345678900'],
      atsRecordName: 'First Last',
      isPrivate: false,
      ...overrides,
    },
    assets: {
      transcriptionUrl: 'https://api.provider.com/v1/transcripts/abc123.txt',
      recordingUrl: 'https://api.provider.com/v1/recordings/abc123.mp4',
      actionItemsUrl: 'https://api.provider.com/v1/actions/abc123.json',
      databaseNotes: [{ name: 'Summary', note: 'Discussed budget and timeline for the upcoming launch.' }],
      followUpMaterials: [
        {
          name: 'Meeting Recap',
          txtUrl: 'https://api.provider.com/docs/recap.txt',
          pdfUrl: 'https://api.provider.com/docs/recap.pdf',
        },
      ],
    },
  };
}

/** A richer meeting: several notes, so the per-name rules have something to act on. */
function richMeeting(): MeetingCompleted {
  const meeting = sampleMeeting({ participants: ['+12345678900', 'jane.doe@example.com'] });
  meeting.assets.databaseNotes = [
    { name: 'Summary', note: 'Discussed budget and timeline for the upcoming launch.\n\nCandidate asked about remote work.' },
    { name: 'Scorecard', note: 'Communication: strong\nSystem design: good' },
    { name: 'Internal', note: 'Salary expectations: confidential' },
    { name: 'Next steps', note: 'Schedule the onsite.' },
    { name: 'Empty', note: '   ' },
  ];
  return meeting;
}

const ITEMS: ActionItemsResult = {
  status: 'ok',
  items: [
    { text: 'Send the budget draft', assignee: 'Alex Rivers', dueDate: '2025-10-17' },
    { text: 'Book the onsite', assignee: null, dueDate: '2025-10-20T15:00:00Z' },
    { text: 'Share the roadmap deck', assignee: 'Jane Doe', dueDate: null },
  ],
};

const MARKER = 'dbf_evt_789456123_conn1';

function mapping(input: FieldMappingInput): FieldMapping {
  const result = parseFieldMapping(input);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.mapping;
}

function golden(name: string, note: { text: string; html: string; title: string }): void {
  expectGolden(`${name}.txt`, `${note.title}\n\n${note.text}`);
  expectGolden(`${name}.html`, note.html);
}

describe('renderNote: golden outputs', () => {
  it('renders the sample meeting with the default mapping', () => {
    const note = renderNote(sampleMeeting(), ITEMS, DEFAULT_FIELD_MAPPING, { referenceMarker: MARKER });
    expect(note.title).toBe('Project Sync: Q4 Roadmap — 2025-10-10 10:23 (UTC)');
    expect(note.customFields).toEqual({});
    golden('default', note);
  });

  it('renders per-note rules, unlisted notes omitted, custom fields and a different order', () => {
    const m = mapping({
      sections: ['notes', 'actionItems', 'details'],
      databaseNotes: {
        fields: { summary: 'Meeting summary', Scorecard: { customField: 'scorecard' }, Internal: { omit: true } },
        unlisted: 'omit',
      },
      titleTemplate: 'Call with {{meeting.atsRecordName}} ({{meeting.ownerName}}) [{{event.id}}]',
      timeZone: 'Europe/Berlin',
    });
    const note = renderNote(richMeeting(), ITEMS, m, { referenceMarker: MARKER });
    expect(note.title).toBe('Call with First Last (Alex Rivers) [evt_789456123]');
    expect(note.customFields).toEqual({ scorecard: 'Communication: strong\nSystem design: good' });
    expect(note.text).not.toContain('Salary');
    expect(note.text).not.toContain('Schedule the onsite');
    expect(note.text).not.toContain('https://');
    golden('custom-rules', note);
  });

  it('includes unlisted notes under their own name by default', () => {
    const m = mapping({ databaseNotes: { fields: { Internal: { omit: true } } }, timeZone: 'America/New_York' });
    const note = renderNote(richMeeting(), { status: 'none' }, m, { referenceMarker: MARKER });
    expect(note.customFields).toEqual({});
    golden('unlisted-included', note);
  });

  it('renders links by option: labels, recording left out, recap pdf left out', () => {
    const m = mapping({
      sections: ['links'],
      links: {
        title: 'Files',
        transcript: { label: 'Full transcript' },
        recording: { include: false },
        recapTxt: { label: 'plain text' },
        recapPdf: { include: false },
      },
    });
    const note = renderNote(sampleMeeting(), ITEMS, m, { referenceMarker: MARKER });
    expect(note.text).not.toContain('abc123.mp4');
    expect(note.text).not.toContain('recap.pdf');
    golden('links-options', note);
  });

  it('renders action items without assignee and due date when told so', () => {
    const m = mapping({ sections: ['actionItems'], actionItems: { title: 'Follow-ups', showAssignee: false, showDueDate: false } });
    const note = renderNote(sampleMeeting(), ITEMS, m, { referenceMarker: MARKER });
    expect(note.text).not.toContain('Alex Rivers');
    golden('action-items-plain', note);
  });

  it('says when action items could not be read, and notes a cut list', () => {
    const unavailable = renderNote(
      sampleMeeting(),
      { status: 'unavailable', reason: 'timed out after 5000 ms' },
      mapping({ sections: ['actionItems'] }),
      { referenceMarker: MARKER },
    );
    expect(unavailable.text).toContain('could not be retrieved');
    // The technical reason is for operators, not for the recruiter reading the note.
    expect(unavailable.text).not.toContain('timed out');
    golden('action-items-unavailable', unavailable);

    const cut = renderNote(
      sampleMeeting(),
      { status: 'ok', items: [{ text: 'One', assignee: null, dueDate: null }], omitted: 4 },
      mapping({ sections: ['actionItems'] }),
      { referenceMarker: MARKER },
    );
    expect(cut.text).toContain('- … and 4 more');
  });

  it('leaves every asset link out with omitLinks and says why', () => {
    const note = renderNote(sampleMeeting({ isPrivate: true }), ITEMS, DEFAULT_FIELD_MAPPING, {
      referenceMarker: MARKER,
      omitLinks: true,
    });
    expect(note.text).not.toMatch(/https?:\/\//);
    expect(note.html).not.toMatch(/https?:\/\//);
    golden('omit-links', note);
  });

  it('renders a sparse meeting without empty sections', () => {
    const meeting = sampleMeeting({ name: null, startTime: null, ownerName: null, participants: [], atsRecordName: null });
    meeting.assets = {
      transcriptionUrl: null,
      recordingUrl: null,
      actionItemsUrl: null,
      databaseNotes: [{ name: 'Summary', note: '' }],
      followUpMaterials: [{ name: '', txtUrl: null, pdfUrl: null }],
    };
    const note = renderNote(meeting, { status: 'ok', items: [] }, DEFAULT_FIELD_MAPPING, { referenceMarker: MARKER });
    expect(note.title).toBe('Meeting');
    expect(note.text).toBe(`Debrief ref: ${MARKER}`);
    expect(note.html).toBe(`<p>Debrief ref: ${MARKER}</p>`);
    golden('sparse', note);
  });
});

describe('renderNote: hostile values', () => {
  function hostileMeeting(): MeetingCompleted {
    const meeting = sampleMeeting({
      name: '<script>alert("name")</script>',
      ownerName: 'Eve <img src=x onerror=alert(1)>',
      participants: ['"><svg onload=alert(2)>'],
      atsRecordName: "O'Brien & Sons",
    });
    meeting.assets = {
      transcriptionUrl: 'javascript:alert(document.cookie)',
      recordingUrl: 'https://evil.example/rec?a=1&b="><script>alert(3)</script>',
      actionItemsUrl: null,
      databaseNotes: [{ name: '<b>Summary</b>', note: 'Line one <iframe src="https://evil.example">\nLine & two' }],
      followUpMaterials: [
        { name: 'Recap <i>now</i>', txtUrl: 'data:text/html,<script>alert(4)</script>', pdfUrl: ' HTTPS://Docs.Example/recap.pdf ' },
      ],
    };
    return meeting;
  }
  const items: ActionItemsResult = {
    status: 'ok',
    items: [{ text: '<a href="javascript:x">click</a>', assignee: '<b>Mallory</b>', dueDate: '"><x>' }],
  };

  it('escapes every value in the HTML body', () => {
    const note = renderNote(hostileMeeting(), items, DEFAULT_FIELD_MAPPING, { referenceMarker: '<ref&>' });
    expect(note.html).not.toMatch(/<(script|img|svg|iframe|b|i|x)[\s>]/i);
    expect(note.html).not.toMatch(/href="(?!https?:)/);
    expect(note.html).not.toContain('href="javascript');
    expect(note.html).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    expect(note.html).toContain('Debrief ref: &lt;ref&amp;&gt;');
    // Non-http URLs stay visible as text so nothing disappears silently, but they are not links.
    expect(note.html).toContain('Transcript: javascript:alert(document.cookie)');
    expect(note.html).toContain('<a href="https://docs.example/recap.pdf">Recap &lt;i&gt;now&lt;/i&gt; (PDF)</a>');
    // Quotes in an http URL cannot leave the attribute.
    expect(note.html).toContain('href="https://evil.example/rec?a=1&amp;b=%22%3E%3Cscript%3Ealert(3)%3C/script%3E"');
    golden('hostile', note);
  });

  it('inserts title values as text, never as template or replacement patterns', () => {
    const meeting = sampleMeeting({ name: "{{event.id}} $& $' $1", ownerName: 'Line\nbreak\u0007' });
    const note = renderTitle(meeting, mapping({ titleTemplate: '{{meeting.name}} / {{meeting.ownerName}}' }));
    expect(note).toBe("{{event.id}} $& $' $1 / Line break");
  });

  it('keeps the title within a subject line', () => {
    const title = renderTitle(sampleMeeting({ name: 'x'.repeat(400) }), DEFAULT_FIELD_MAPPING);
    expect(Array.from(title)).toHaveLength(255);
    expect(title.endsWith('…')).toBe(true);
  });

  it('tidies separators left by missing values', () => {
    const m = mapping({ titleTemplate: '{{meeting.ownerName}}: {{meeting.name}} — {{meeting.atsRecordName}} — {{meeting.startTime}}' });
    expect(renderTitle(sampleMeeting({ ownerName: null, atsRecordName: null }), m)).toBe(
      'Project Sync: Q4 Roadmap — 2025-10-10 10:23 (UTC)',
    );
    expect(renderTitle(sampleMeeting({ startTime: null }), DEFAULT_FIELD_MAPPING)).toBe('Project Sync: Q4 Roadmap');
  });

  it('formats the start time in the mapping time zone', () => {
    expect(renderTitle(sampleMeeting(), mapping({ timeZone: 'Asia/Kolkata' }))).toBe(
      'Project Sync: Q4 Roadmap — 2025-10-10 15:53 (Asia/Kolkata)',
    );
    expect(renderTitle(sampleMeeting({ startTime: 'yesterday' }), DEFAULT_FIELD_MAPPING)).toBe(
      'Project Sync: Q4 Roadmap — yesterday',
    );
  });
});
