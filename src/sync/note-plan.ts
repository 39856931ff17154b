import type { AtsCandidate, AtsCapabilities, NoteDraft } from '../ats/ats-adapter.port';
import type { FieldMapping } from '../mapping/field-mapping.schema';
import { type RenderedNote, renderNote } from '../mapping/note-renderer';
import { decideVisibility, type VisibilityDecision } from '../mapping/private-meeting.policy';
import type { ActionItemsResult } from '../meeting/action-items.parser';
import type { MeetingCompleted } from '../meeting/meeting-completed.model';

/** The marker every note carries, so that it can be found again: it names the event and the sync. */
export function referenceMarker(eventId: string, syncId: string): string {
  return `debrief:${eventId}:${syncId.slice(0, 8)}`;
}

/** What the plan needs to know of the connection. */
export interface PlannedConnection {
  capabilities: Pick<AtsCapabilities, 'privateNotes'>;
  /** The sync the note is for; null in a preview (the marker then says `preview`). */
  syncId: string | null;
}

/** The matcher's (or the operator's) answer: a candidate, or the decision that left it without one. */
export interface PlannedMatch {
  candidate: Pick<AtsCandidate, 'externalId'> | null;
  decision: string;
}

export type NoteAuthor = { strategy: 'owner'; name: string | null; email: string | null } | { strategy: 'fixed'; userId: string };

export interface NotePlan {
  /** post: a candidate and a visibility; skip: the policy forbids the note; otherwise the match's decision. */
  outcome: 'post' | 'skip' | 'no-candidate';
  visibility: VisibilityDecision;
  author: NoteAuthor;
  referenceMarker: string;
  /** What would be posted, whenever the visibility allows a note (also without a candidate, for preview). */
  note: { rendered: RenderedNote; draft: NoteDraft } | null;
}

/**
 * May this meeting's note be posted on this connection at all, and how visible? Asked before matching, so
 * that a note the policy forbids costs no ATS search; `planNote` asks the same question.
 */
export function planVisibility(meeting: MeetingCompleted, connection: PlannedConnection, mapping: FieldMapping): VisibilityDecision {
  return decideVisibility(meeting.meeting.isPrivate, mapping, connection.capabilities);
}

/**
 * The note a sync posts, decided from what was loaded: visibility (private-meeting policy), author, the
 * rendered body with its reference marker, and whether to post at all. Pure: the worker loads, plans, posts
 * and records; preview loads and plans, so preview shows what a sync would do.
 */
export function planNote(
  meeting: MeetingCompleted,
  connection: PlannedConnection,
  mapping: FieldMapping,
  match: PlannedMatch | null,
  actionItems: ActionItemsResult,
): NotePlan {
  const visibility = planVisibility(meeting, connection, mapping);
  const marker = referenceMarker(meeting.eventId, connection.syncId ?? 'preview');
  const author: NoteAuthor =
    mapping.author.strategy === 'fixed'
      ? { strategy: 'fixed', userId: mapping.author.userId }
      : { strategy: 'owner', name: meeting.meeting.ownerName, email: meeting.meeting.ownerEmail };
  let note: NotePlan['note'] = null;
  if (visibility.action === 'post') {
    const rendered = renderNote(meeting, actionItems, mapping, { referenceMarker: marker, omitLinks: visibility.omitLinks });
    note = {
      rendered,
      draft: {
        title: rendered.title,
        text: rendered.text,
        html: rendered.html,
        visibility: visibility.visibility,
        referenceMarker: marker,
        idempotencyKey: `debrief-${connection.syncId ?? 'preview'}`,
        // A fixed author is the connection's user (see the post context), not a person to resolve.
        author: author.strategy === 'owner' ? { name: author.name, email: author.email } : { name: null, email: null },
        meetingStartedAt: meeting.meeting.startTime ? new Date(meeting.meeting.startTime) : null,
      },
    };
  }
  const outcome = visibility.action === 'skip' ? 'skip' : match?.candidate ? 'post' : 'no-candidate';
  return { outcome, visibility, author, referenceMarker: marker, note };
}
