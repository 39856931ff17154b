const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export interface RematchPolicy {
  /** Minutes after the meeting was received, increasing: 15, 60, 360, 1440 by default. */
  ladderMinutes: readonly number[];
  /** After this many days an unmatched sync is left for an operator. */
  windowDays: number;
}

export interface RematchSubject {
  /** When the meeting reached Debrief. */
  receivedAt: Date;
  /** When matching last ran for this sync (the sync last finished), or null if it never did. */
  lastTriedAt: Date | null;
}

/**
 * Offsets (ms after the meeting was received) at which an unmatched sync is tried again: the ladder, then
 * every last-step interval (24 h by default) while the window lasts. Candidates are often created hours
 * or days after the call, so the ladder front-loads the likely moments and the repeats cover the rest.
 */
export function rematchOffsets(policy: RematchPolicy): number[] {
  const windowMs = policy.windowDays * DAY_MS;
  const ladder = policy.ladderMinutes.map((m) => m * MINUTE_MS).filter((ms) => ms > 0);
  if (ladder.length === 0) return [];
  const offsets = ladder.filter((ms) => ms < windowMs);
  const last = ladder[ladder.length - 1]!;
  for (let next = last + last; next < windowMs; next += last) offsets.push(next);
  return offsets;
}

/**
 * The step the sync is due for now, or null. A step is due once its time has come and matching has not run
 * since; steps missed while the scheduler was down collapse into one attempt rather than a burst. Nothing
 * is due once the window has closed.
 */
export function dueRematchStep(subject: RematchSubject, now: Date, policy: RematchPolicy): Date | null {
  const received = subject.receivedAt.getTime();
  if (now.getTime() >= received + policy.windowDays * DAY_MS) return null;
  const lastTried = subject.lastTriedAt?.getTime() ?? received;
  let due: Date | null = null;
  for (const offset of rematchOffsets(policy)) {
    const at = received + offset;
    if (at > now.getTime()) break;
    if (at > lastTried) due = new Date(at);
  }
  return due;
}
