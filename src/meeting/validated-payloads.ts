import { BoundedCache } from '../common/bounded-cache';
import { MeetingPayload, validatePayload } from './meeting-payload.schema';

/** Bodies larger than this are not kept: they are validated again when read back. */
const MAX_KEPT_CHARS = 64 * 1024;
const validated = new BoundedCache<string, { text: string; payload: MeetingPayload }>(512);

/**
 * Intake, after storing an accepted event: the text it stored and the payload validating that text gave, so that
 * this process (the worker usually runs beside intake) reads the event back without validating it again.
 */
export function rememberValidated(eventId: string, text: string, payload: MeetingPayload): void {
  if (text.length <= MAX_KEPT_CHARS) validated.set(eventId, { text, payload });
}

/**
 * A stored meeting.completed body read back: the payload intake validated when this process stored exactly this
 * text; otherwise (another instance stored it, a restart, a long wait) the text is parsed and validated now.
 * The payload may be shared by several readers: it is never changed.
 */
export function validateStored(eventId: string, text: string): ReturnType<typeof validatePayload> {
  const kept = validated.get(eventId);
  if (kept !== undefined && kept.text === text) return { ok: true, payload: kept.payload };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return { ok: false, issues: [{ path: '$', message: `the body is not valid JSON: ${(err as Error).message}` }] };
  }
  return validatePayload(body);
}
