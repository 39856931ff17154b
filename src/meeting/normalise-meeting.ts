import type { MeetingPayload } from './meeting-payload.schema';
import type { MeetingCompleted } from './meeting-completed.model';

/** NUL is valid in JSON strings but Postgres stores it in neither text nor jsonb, where every later step writes. */
const withoutNul = (value: string): string => value.replace(/\u0000/g, '');

const text = (value: string | null | undefined): string | null => {
  const trimmed = value == null ? undefined : withoutNul(value).trim();
  return trimmed ? trimmed : null;
};

/**
 * Builds the normalised meeting from a validated payload. Assets may sit under `data` (the seed's table) or
 * beside it (the seed's sample); when both are present, the one under `data` wins field by field.
 */
export function normaliseMeeting(payload: MeetingPayload): MeetingCompleted {
  const m = payload.data.meeting;
  const outer = payload.assets ?? {};
  const inner = payload.data.assets ?? {};
  const pick = <K extends keyof typeof inner>(key: K) => inner[key] ?? outer[key] ?? null;
  return {
    eventId: payload.id,
    eventType: payload.eventType,
    createdAt: new Date(payload.createdAt),
    accountId: payload.data.organization.accountId,
    teamId: text(payload.data.organization.teamId),
    meeting: {
      id: m.id,
      name: text(m.name),
      startTime: m.startTime ?? null,
      ownerName: text(m.ownerName),
      ownerEmail: text(m.ownerEmail),
      participants: (m.participants ?? []).map((p) => withoutNul(p).trim()).filter((p) => p.length > 0),
      atsRecordName: text(m.atsRecordName),
      isPrivate: m.isPrivate === true,
    },
    assets: {
      transcriptionUrl: text(pick('transcriptionUrl')),
      recordingUrl: text(pick('recordingUrl')),
      actionItemsUrl: text(pick('actionItemsUrl')),
      databaseNotes: (pick('databaseNotes') ?? [])
        .map((n) => ({ name: text(n.name) ?? 'Notes', note: text(n.note) ?? '' }))
        .filter((n) => n.note.length > 0),
      followUpMaterials: (pick('followUpMaterials') ?? [])
        .map((f) => ({ name: text(f.name) ?? 'Recap', txtUrl: text(f.txtUrl), pdfUrl: text(f.pdfUrl) }))
        .filter((f) => f.txtUrl !== null || f.pdfUrl !== null),
    },
  };
}
