import { DEFAULT_FIELD_MAPPING, type FieldMapping } from '../mapping/field-mapping.schema';
import { renderNote } from '../mapping/note-renderer';
import type { MeetingCompleted } from '../meeting/meeting-completed.model';
import { planNote, referenceMarker } from './note-plan';

function meeting(isPrivate = false): MeetingCompleted {
  return {
    eventId: 'evt_1',
    eventType: 'meeting.completed',
    createdAt: new Date(1765198584697),
    accountId: 'acc_1',
    teamId: null,
    meeting: {
      id: 'mtg_1',
      name: 'Screen',
      startTime: '2025-10-10T10:23:27.000Z',
      ownerName: 'Alex Rivers',
      ownerEmail: 'alex@example.com',
      participants: ['+12345678900'],
      atsRecordName: 'First Last',
      isPrivate,
    },
    assets: {
      transcriptionUrl: 'https://files.example.com/t.txt',
      recordingUrl: 'https://files.example.com/r.mp4',
      actionItemsUrl: null,
      databaseNotes: [{ name: 'Summary', note: 'Went well.' }],
      followUpMaterials: [],
    },
  } as MeetingCompleted;
}

const SYNC_ID = '0123abcd-0000-4000-8000-000000000000';
const restricting = { capabilities: { privateNotes: true }, syncId: SYNC_ID };
const open = { capabilities: { privateNotes: false }, syncId: SYNC_ID };
const candidate = { candidate: { externalId: 'c-1' }, decision: 'matched' };
const none = { status: 'none' } as const;

describe('planNote', () => {
  it('posts the rendered note with the sync marker, the visibility and the owner as author', () => {
    const plan = planNote(meeting(), restricting, DEFAULT_FIELD_MAPPING, candidate, none);
    const marker = referenceMarker('evt_1', SYNC_ID);
    expect(plan.outcome).toBe('post');
    expect(plan.referenceMarker).toBe(marker);
    expect(plan.note!.rendered).toEqual(renderNote(meeting(), none, DEFAULT_FIELD_MAPPING, { referenceMarker: marker, omitLinks: false }));
    expect(plan.note!.draft).toMatchObject({
      visibility: 'public',
      referenceMarker: marker,
      idempotencyKey: `debrief-${SYNC_ID}`,
      author: { name: 'Alex Rivers', email: 'alex@example.com' },
      meetingStartedAt: new Date('2025-10-10T10:23:27.000Z'),
    });
    expect(plan.author).toEqual({ strategy: 'owner', name: 'Alex Rivers', email: 'alex@example.com' });
  });

  it('renders the note but does not post it without a candidate', () => {
    const plan = planNote(meeting(), restricting, DEFAULT_FIELD_MAPPING, { candidate: null, decision: 'needs_review' }, none);
    expect(plan.outcome).toBe('no-candidate');
    expect(plan.note).not.toBeNull();
  });

  it('skips a private meeting where the ATS cannot restrict the note (policy restrict), and renders nothing', () => {
    const plan = planNote(meeting(true), open, DEFAULT_FIELD_MAPPING, candidate, none);
    expect(plan.outcome).toBe('skip');
    expect(plan.visibility.action).toBe('skip');
    expect(plan.note).toBeNull();
  });

  it('omits the links of a private meeting under omit-links', () => {
    const mapping: FieldMapping = { ...DEFAULT_FIELD_MAPPING, privateMeetingPolicy: 'omit-links' };
    const plan = planNote(meeting(true), open, mapping, candidate, none);
    expect(plan.outcome).toBe('post');
    expect(plan.note!.rendered.text).not.toContain('https://files.example.com/r.mp4');
    expect(planNote(meeting(false), open, mapping, candidate, none).note!.rendered.text).toContain('https://files.example.com/r.mp4');
  });

  it('a fixed author is the connection user, not a person to resolve; a preview marks itself', () => {
    const mapping: FieldMapping = { ...DEFAULT_FIELD_MAPPING, author: { strategy: 'fixed', userId: 'u-9' } };
    const plan = planNote(meeting(), { ...restricting, syncId: null }, mapping, candidate, none);
    expect(plan.author).toEqual({ strategy: 'fixed', userId: 'u-9' });
    expect(plan.note!.draft.author).toEqual({ name: null, email: null });
    expect(plan.referenceMarker).toBe('debrief:evt_1:preview');
  });
});
