import { MeetingPayload, validatePayload } from './meeting-payload.schema';
import { normaliseMeeting } from './normalise-meeting';
import { providerSample } from './sample-meeting';

const sample = (): Record<string, any> => structuredClone(providerSample());

function parse(body: unknown): MeetingPayload {
  const result = validatePayload(body);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.payload;
}

describe('normaliseMeeting', () => {
  it('builds the meeting of the seed sample', () => {
    expect(normaliseMeeting(parse(sample()))).toEqual({
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
      },
      assets: {
        transcriptionUrl: 'https://api.provider.com/v1/transcripts/abc123.txt',
        recordingUrl: 'https://api.provider.com/v1/recordings/abc123.mp4',
        actionItemsUrl: 'https://api.provider.com/v1/actions/abc123.json',
        databaseNotes: [{ name: 'Summary', note: 'Discussed budget and timeline for the upcoming launch.' }],
        followUpMaterials: [
          { name: 'Meeting Recap', txtUrl: 'https://api.provider.com/docs/recap.txt', pdfUrl: 'https://api.provider.com/docs/recap.pdf' },
        ],
      },
    });
  });

  it('gives the same meeting whether assets sit beside data or under it', () => {
    const outer = sample();
    const inner = sample();
    inner.data.assets = inner.assets;
    delete inner.assets;
    expect(normaliseMeeting(parse(inner))).toEqual(normaliseMeeting(parse(outer)));
  });

  it('prefers the assets under data field by field when both are present', () => {
    const both = sample();
    both.data.assets = { recordingUrl: 'https://inner.example/rec.mp4', transcriptionUrl: null };
    const meeting = normaliseMeeting(parse(both));
    expect(meeting.assets.recordingUrl).toBe('https://inner.example/rec.mp4');
    // A null under data does not hide the value beside it.
    expect(meeting.assets.transcriptionUrl).toBe('https://api.provider.com/v1/transcripts/abc123.txt');
    expect(meeting.assets.databaseNotes).toHaveLength(1);
  });

  it('fills what a minimal payload leaves out with nulls and empty lists', () => {
    const meeting = normaliseMeeting(
      parse({ id: 'evt_1', eventType: 'meeting.completed', createdAt: 0, data: { meeting: { id: 'm' }, organization: { accountId: 'a' } } }),
    );
    expect(meeting).toEqual({
      eventId: 'evt_1',
      eventType: 'meeting.completed',
      createdAt: new Date(0),
      accountId: 'a',
      teamId: null,
      meeting: { id: 'm', name: null, startTime: null, ownerName: null, ownerEmail: null, participants: [], atsRecordName: null, isPrivate: false },
      assets: { transcriptionUrl: null, recordingUrl: null, actionItemsUrl: null, databaseNotes: [], followUpMaterials: [] },
    });
  });

  it('trims text, turns blanks into null, and drops empty participants, notes and materials', () => {
    const p = sample();
    Object.assign(p.data.meeting, { name: '  Intro call ', ownerName: '   ', atsRecordName: '', participants: [' +12345678900 ', '', '  '] });
    p.data.organization.teamId = '  ';
    p.assets.databaseNotes = [{ name: ' ', note: '  Notes text ' }, { name: 'Empty', note: '   ' }, { name: 'Null', note: null }];
    p.assets.followUpMaterials = [{ name: null, txtUrl: ' https://x.example/a.txt ', pdfUrl: '' }, { name: 'No links', txtUrl: null, pdfUrl: ' ' }];
    const meeting = normaliseMeeting(parse(p));
    expect(meeting.teamId).toBeNull();
    expect(meeting.meeting).toMatchObject({ name: 'Intro call', ownerName: null, atsRecordName: null, participants: ['+12345678900'] });
    expect(meeting.assets.databaseNotes).toEqual([{ name: 'Notes', note: 'Notes text' }]);
    expect(meeting.assets.followUpMaterials).toEqual([{ name: 'Recap', txtUrl: 'https://x.example/a.txt', pdfUrl: null }]);
  });

  it('treats only isPrivate: true as private', () => {
    for (const [value, expected] of [[true, true], [false, false], [null, false], [undefined, false]] as const) {
      const p = sample();
      p.data.meeting.isPrivate = value;
      expect(normaliseMeeting(parse(p)).meeting.isPrivate).toBe(expected);
    }
  });

  it('removes NUL characters from free text, which Postgres cannot store in text or jsonb', () => {
    const p = sample();
    p.data.meeting.name = 'Intro\u0000 call';
    p.data.meeting.participants = ['+1234\u00005678900'];
    p.assets.databaseNotes = [{ name: 'Sum\u0000mary', note: 'a\u0000b' }];
    const meeting = normaliseMeeting(parse(p));
    expect(meeting.meeting.name).toBe('Intro call');
    expect(meeting.meeting.participants).toEqual(['+12345678900']);
    expect(meeting.assets.databaseNotes).toEqual([{ name: 'Summary', note: 'ab' }]);
    expect(JSON.stringify(meeting)).not.toContain('\\u0000');
  });
});
