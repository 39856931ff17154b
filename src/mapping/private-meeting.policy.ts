import type { AtsCapabilities, NoteVisibility } from '../ats/ats-adapter.port';
import type { FieldMapping } from './field-mapping.schema';

export type VisibilityDecision =
  | { action: 'post'; visibility: NoteVisibility; omitLinks: boolean; reason: string }
  | { action: 'skip'; reason: string };

/**
 * Decides how (and whether) a meeting's note may be posted. The one invariant: a private meeting is
 * never posted publicly with its links. The policy only matters where the ATS cannot restrict a note;
 * where it can, the most restricted visibility is always the answer.
 */
export function decideVisibility(
  isPrivate: boolean,
  mapping: FieldMapping,
  capabilities: Pick<AtsCapabilities, 'privateNotes'>,
): VisibilityDecision {
  if (!isPrivate) return decideOrdinary(mapping, capabilities);

  if (capabilities.privateNotes) {
    return {
      action: 'post',
      visibility: mapping.visibility.private,
      omitLinks: false,
      reason: "private meeting: posted with the ATS's most restricted visibility",
    };
  }
  switch (mapping.privateMeetingPolicy) {
    case 'omit-links':
      return {
        action: 'post',
        visibility: 'public',
        omitLinks: true,
        reason:
          'private meeting: the ATS cannot restrict notes, so the note is posted without transcript, recording ' +
          'or recap links (policy omit-links)',
      };
    case 'restrict':
      return {
        action: 'skip',
        reason:
          'private meeting: the ATS cannot restrict notes, so policy restrict cannot be honoured and the note ' +
          'is not posted',
      };
    case 'skip':
      return {
        action: 'skip',
        reason: 'private meeting: the ATS cannot restrict notes and the policy is skip',
      };
  }
}

function decideOrdinary(
  mapping: FieldMapping,
  capabilities: Pick<AtsCapabilities, 'privateNotes'>,
): VisibilityDecision {
  if (mapping.visibility.ordinary === 'public') {
    return { action: 'post', visibility: 'public', omitLinks: false, reason: 'ordinary meeting: public note' };
  }
  if (capabilities.privateNotes) {
    return {
      action: 'post',
      visibility: 'private',
      omitLinks: false,
      reason: 'ordinary meeting: the mapping asks for private notes',
    };
  }
  // Posting publicly would break what the operator configured; a skipped note can be replayed after a fix.
  return {
    action: 'skip',
    reason: 'the mapping asks for private notes for every meeting, but the ATS cannot restrict notes',
  };
}
