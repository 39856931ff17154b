/**
 * Exact request spacing for an ATS rate limit of `limit` requests per `intervalMs`: a GCRA with a burst of one.
 *
 * Requests of one connection start from slots, points in time `spacingMs` or more apart, each used at most once.
 * A slot at `s` may only be used by a start at `t` with s <= t < s + L, L = lateToleranceMs = intervalMs / 10.
 * A slot that has become older than that (a timer that fired late because the event loop was busy, a database
 * answer that came back slowly) is thrown away, never used: the request takes a later slot instead.
 *
 * With spacing = (intervalMs + L) / limit, no window of length intervalMs holds more than `limit` starts.
 * Proof: take any limit + 1 starts. They used limit + 1 distinct slots, so the earliest and the latest of those
 * slots, s_min and s_max, are at least limit * spacing = intervalMs + L apart. The latest start is no earlier
 * than the start that used s_max, which is >= s_max; the earliest start is no later than the start that used
 * s_min, which is < s_min + L. So the limit + 1 starts span more than (intervalMs + L) - L = intervalMs, and no
 * window of length intervalMs, open or closed, holds them all. (With one request per window, limit 1, this is
 * spacing = intervalMs + L: two starts are always more than intervalMs apart.)
 *
 * The price is throughput: a saturated connection starts intervalMs / spacing = limit / 1.1, about 91% of the
 * documented limit, per interval. That is the headroom a polite client leaves anyway: the ATS counts arrivals,
 * not our starts, and clocks, networks and other clients of the same account are never exact.
 */

export interface RateLimit {
  /** Requests allowed per interval. */
  limit: number;
  intervalMs: number;
}

export interface SlotSchedule {
  /** Least time between two slots, in milliseconds, a whole number of microseconds. */
  spacingMs: number;
  /** The same spacing in microseconds (integer), as the database schedule adds it to timestamps. */
  spacingUs: number;
  /** How long after its time a slot may still be used. */
  lateToleranceMs: number;
}

/** A reserved slot on the local clock (milliseconds): usable from `notBefore` until just before `expiresAt`. */
export interface Slot {
  notBefore: number;
  expiresAt: number;
}

export function slotSchedule({ limit, intervalMs }: RateLimit): SlotSchedule {
  if (!(limit > 0) || !(intervalMs > 0)) throw new RangeError(`invalid rate limit ${limit} per ${intervalMs} ms`);
  const lateToleranceMs = intervalMs / 10;
  // Rounded up to whole microseconds (timestamptz's resolution): slots never come closer than the proof allows.
  const spacingUs = Math.ceil(((intervalMs + lateToleranceMs) / limit) * 1000);
  return { spacingMs: spacingUs / 1000, spacingUs, lateToleranceMs };
}

export type SlotState = 'early' | 'fresh' | 'stale';

/** Whether a start at `now` may use the slot: not yet, yes, or never again. */
export function slotState(slot: Slot, now: number): SlotState {
  if (now < slot.notBefore) return 'early';
  return now < slot.expiresAt ? 'fresh' : 'stale';
}

/**
 * The in-process schedule: each reservation takes the next slot at or after `now`, `spacingMs` after the
 * previous one. Pure apart from its own state; time is passed in, so a simulated clock can drive it.
 */
export class SpacingLimiter {
  private nextSlotAt = Number.NEGATIVE_INFINITY;

  constructor(readonly schedule: SlotSchedule) {}

  reserve(now: number): Slot {
    const at = Math.max(this.nextSlotAt, now);
    this.nextSlotAt = at + this.schedule.spacingMs;
    return { notBefore: at, expiresAt: at + this.schedule.lateToleranceMs };
  }
}

/**
 * How many slots to reserve at once for `waiting` requests: no more than are waiting, and no more than half the
 * late tolerance's worth, so the last slot of a batch is still fresh when a slow answer brings it.
 */
export function batchSize(waiting: number, schedule: SlotSchedule): number {
  const most = Math.max(1, Math.floor(schedule.lateToleranceMs / 2 / schedule.spacingMs));
  return Math.max(1, Math.min(waiting, most));
}

/** What a shared reservation answered: when it was sent and answered (local clock), and its slots' database times. */
export interface ReservationAnswer {
  sentAt: number;
  receivedAt: number;
  /** Microseconds from the database's now() at the reservation to the schedule's new end (after the last slot). */
  endDelayUs: number;
}

/**
 * Maps `count` slots reserved in the database onto the local clock. The two clocks are never compared: the
 * answer gives each slot as a delay from the database's now(), which happened at some local instant between
 * sending and receiving. A slot therefore starts no earlier than `receivedAt + delay` (possibly a little late,
 * never early) and expires at `sentAt + delay + L` (possibly a little early, never late): both err on the side
 * the proof above needs. A slot is only usable if the round trip took less than L.
 */
export function slotsFromReservation(answer: ReservationAnswer, count: number, schedule: SlotSchedule): Slot[] {
  const firstDelayUs = answer.endDelayUs - count * schedule.spacingUs;
  const slots: Slot[] = [];
  for (let i = 0; i < count; i++) {
    const delayMs = (firstDelayUs + i * schedule.spacingUs) / 1000;
    slots.push({ notBefore: answer.receivedAt + delayMs, expiresAt: answer.sentAt + delayMs + schedule.lateToleranceMs });
  }
  return slots;
}
