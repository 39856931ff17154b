/**
 * The normalised `meeting.completed` event: what every later step (matching, rendering, posting) reads.
 * Built from either payload shape (assets at the top level or under `data`) by `normaliseMeeting`.
 */
export interface DatabaseNote {
  name: string;
  note: string;
}

export interface FollowUpMaterial {
  name: string;
  txtUrl: string | null;
  pdfUrl: string | null;
}

export interface MeetingAssets {
  transcriptionUrl: string | null;
  recordingUrl: string | null;
  actionItemsUrl: string | null;
  databaseNotes: DatabaseNote[];
  followUpMaterials: FollowUpMaterial[];
}

export interface MeetingDetails {
  id: string;
  name: string | null;
  /** ISO 8601 as sent by the provider, or null. */
  startTime: string | null;
  ownerName: string | null;
  /** Not in the seed; used for author resolution when a provider sends it. */
  ownerEmail: string | null;
  /** Phone numbers or other identifiers (emails) of the attendees, as sent. */
  participants: string[];
  atsRecordName: string | null;
  isPrivate: boolean;
}

export interface MeetingCompleted {
  eventId: string;
  eventType: string;
  createdAt: Date;
  accountId: string;
  teamId: string | null;
  meeting: MeetingDetails;
  assets: MeetingAssets;
}

/** One action item as read from `actionItemsUrl`, whatever shape the provider used. */
export interface ActionItem {
  text: string;
  assignee: string | null;
  dueDate: string | null;
}
