import { AtsError } from '../ats-error';
import { monotonicNow, RateGate, waitForSlot } from './rate-gate';
import {
  batchSize,
  RateLimit,
  ReservationAnswer,
  Slot,
  SlotSchedule,
  slotsFromReservation,
  slotSchedule,
  slotState,
} from './spacing-limiter';

/** Reserves slots in the schedule every instance shares (see RateSlotStore). */
export interface RateSlotReserver {
  /**
   * Moves the key's schedule on by `totalUs` microseconds, from its end or from now() when that is later, and
   * answers where the schedule ends now; `sentAt`/`receivedAt` on the monotonic clock.
   */
  reserve(key: string, totalUs: number): Promise<ReservationAnswer>;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Answers too slow to bring one usable slot, in a row, before the waiting requests give up. Each took longer than
 * the tolerance, a tenth of the interval: ten of them mean the database has been too slow for a whole interval,
 * not a passing hiccup.
 */
const MAX_LATE_ANSWERS = 10;

/**
 * A rate gate whose slots come from one schedule in Postgres, so that all instances together keep the
 * connection's limit (spacing and proof in spacing-limiter.ts).
 *
 * Requests without a slot queue here; one reservation at a time is in flight, sized to that queue (and at most
 * half the late tolerance's worth of slots), so a burst of requests makes one query, not one each. Each slot goes
 * to the request at the head of the queue, which starts at the slot's time if the slot is still fresh; a slot
 * that went stale meanwhile is dropped and the request queues again at the head.
 */
export class SharedRateGate implements RateGate {
  private readonly schedule: SlotSchedule;
  private readonly queue: Waiter[] = [];
  private reserving = false;
  private lateAnswers = 0;

  constructor(
    private readonly key: string,
    rate: RateLimit,
    private readonly reserver: RateSlotReserver,
  ) {
    this.schedule = slotSchedule(rate);
  }

  acquire(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.reserve();
    });
  }

  private reserve(): void {
    if (this.reserving || this.queue.length === 0) return;
    const count = batchSize(this.queue.length, this.schedule);
    this.reserving = true;
    this.reserver.reserve(this.key, count * this.schedule.spacingUs).then(
      (answer) => {
        this.reserving = false;
        this.hand(slotsFromReservation(answer, count, this.schedule));
        this.reserve();
      },
      (err: unknown) => {
        this.reserving = false;
        // Without the shared schedule no start is safe. TEMPORARY makes the sync retry later (retry-policy.ts)
        // instead of sending unmetered requests.
        this.failQueue(new AtsError('TEMPORARY', `rate limit schedule unavailable: ${messageOf(err)}`, { cause: err }));
      },
    );
  }

  private hand(slots: Slot[]): void {
    const now = monotonicNow();
    const usable = slots.filter((slot) => slotState(slot, Math.max(now, slot.notBefore)) === 'fresh');
    if (usable.length === 0) {
      // The round trip took longer than the late tolerance: these slots are spent unused. A database this slow
      // answer after answer fails the waiting requests (TEMPORARY: retried later) rather than holding them forever.
      if (++this.lateAnswers >= MAX_LATE_ANSWERS) {
        this.lateAnswers = 0;
        this.failQueue(new AtsError('TEMPORARY', 'rate limit schedule: the database answers too slowly to keep slots fresh'));
      }
      return;
    }
    this.lateAnswers = 0;
    for (const slot of usable) {
      const waiter = this.queue.shift();
      if (!waiter) return;
      void this.startAt(slot, waiter);
    }
  }

  private async startAt(slot: Slot, waiter: Waiter): Promise<void> {
    await waitForSlot(slot);
    if (slotState(slot, monotonicNow()) === 'fresh') {
      waiter.resolve();
      return;
    }
    // Woken too late (a busy event loop): the slot is dropped, and the request is first in line for the next one.
    this.queue.unshift(waiter);
    this.reserve();
  }

  private failQueue(error: AtsError): void {
    for (const waiter of this.queue.splice(0)) waiter.reject(error);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
