import { busiestWindow } from '../../../test/support/rate-windows';
import { AtsError } from '../ats-error';
import { monotonicNow } from './rate-gate';
import { RateSlotReserver, SharedRateGate } from './shared-rate-gate';
import { ReservationAnswer, slotSchedule } from './spacing-limiter';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The `ats_rate_slots` statement, in memory, with a database clock nowhere near the local one (two hours behind):
 * a gate that compared the two clocks instead of using delays would start at the wrong times.
 */
class FakeSchedule {
  private readonly next = new Map<string, number>();
  latencyMs = 1;
  failWith: Error | null = null;

  private dbNow(): number {
    return monotonicNow() - 7_200_000;
  }

  /** One process's connection to the schedule; it records what that process asked for. */
  client(): RateSlotReserver & { slotsAsked: number[]; inFlight: number; mostInFlight: number } {
    const schedule = this;
    return {
      slotsAsked: [] as number[],
      inFlight: 0,
      mostInFlight: 0,
      async reserve(key: string, totalUs: number): Promise<ReservationAnswer> {
        const sentAt = monotonicNow();
        this.slotsAsked.push(totalUs);
        this.inFlight++;
        this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
        try {
          await sleep(schedule.latencyMs / 2);
          if (schedule.failWith) throw schedule.failWith;
          const now = schedule.dbNow();
          const end = Math.max(schedule.next.get(key) ?? now, now) + totalUs / 1000;
          schedule.next.set(key, end);
          await sleep(schedule.latencyMs / 2);
          return { sentAt, receivedAt: monotonicNow(), endDelayUs: Math.ceil((end - now) * 1000) };
        } finally {
          this.inFlight--;
        }
      },
    };
  }
}

async function rejection(promise: Promise<unknown>): Promise<AtsError> {
  try {
    await promise;
  } catch (err) {
    return err as AtsError;
  }
  throw new Error('expected a rejection');
}

describe('SharedRateGate', () => {
  it('keeps the limit across two processes on one schedule, each with one reservation in flight', async () => {
    const rate = { limit: 50, intervalMs: 500 }; // slots 11 ms apart, 50 ms tolerance, batches of 2 at most
    const spacingUs = slotSchedule(rate).spacingUs;
    const schedule = new FakeSchedule();
    const clients = [schedule.client(), schedule.client()];
    const gates = clients.map((c) => new SharedRateGate('conn-1', rate, c));
    const starts: number[] = [];
    const until = monotonicNow() + 1500;
    await Promise.all(
      gates.flatMap((gate) =>
        Array.from({ length: 8 }, async () => {
          while (monotonicNow() < until) {
            await gate.acquire();
            starts.push(monotonicNow());
          }
        }),
      ),
    );
    expect(busiestWindow(starts, rate.intervalMs)).toBeLessThanOrEqual(rate.limit);
    // 1500 ms / 11 ms = 136 slots for both together; some are lost to reservations racing each other.
    expect(starts.filter((t) => t < until).length).toBeGreaterThanOrEqual(0.8 * 136);
    for (const c of clients) {
      expect(c.mostInFlight).toBe(1);
      expect(Math.max(...c.slotsAsked.map((us) => us / spacingUs))).toBe(2);
    }
  });

  it('serves a burst of callers with one reservation at a time, each sized to the queue', async () => {
    const rate = { limit: 100, intervalMs: 1000 }; // 11 ms apart, batches of 4 at most
    const client = new FakeSchedule().client();
    const gate = new SharedRateGate('conn-1', rate, client);
    await Promise.all(Array.from({ length: 10 }, () => gate.acquire()));
    // The first caller reserves alone; the nine that queued meanwhile share the next reservations.
    expect(client.slotsAsked.map((us) => us / slotSchedule(rate).spacingUs)).toEqual([1, 4, 4, 1]);
    expect(client.mostInFlight).toBe(1);
  });

  it('fails the waiting callers with TEMPORARY when the schedule cannot be reached, and recovers with it', async () => {
    const schedule = new FakeSchedule();
    const gate = new SharedRateGate('conn-1', { limit: 10, intervalMs: 1000 }, schedule.client());
    schedule.failWith = new Error('connect ECONNREFUSED');
    const errors = await Promise.all([rejection(gate.acquire()), rejection(gate.acquire()), rejection(gate.acquire())]);
    for (const err of errors) {
      expect(err).toBeInstanceOf(AtsError);
      expect(err.code).toBe('TEMPORARY');
      expect(err.uncertain).toBe(false);
      expect(err.message).toContain('ECONNREFUSED');
    }
    schedule.failWith = null;
    await expect(gate.acquire()).resolves.toBeUndefined();
  });

  it('never uses slots from an answer slower than the tolerance, and gives up after ten in a row', async () => {
    const schedule = new FakeSchedule();
    const client = schedule.client();
    const gate = new SharedRateGate('conn-1', { limit: 50, intervalMs: 500 }, client); // 50 ms tolerance
    schedule.latencyMs = 70;
    const err = await rejection(gate.acquire());
    expect(err.code).toBe('TEMPORARY');
    expect(err.message).toContain('too slowly');
    expect(client.slotsAsked).toHaveLength(10);
    schedule.latencyMs = 2;
    await expect(gate.acquire()).resolves.toBeUndefined();
  });

  it('drops a slot whose timer fired past the tolerance and reserves a new one', async () => {
    // 220 ms apart, 200 ms tolerance: wide enough that only the blocked loop below, not a busy machine, makes the
    // slot late.
    const rate = { limit: 10, intervalMs: 2000 };
    const client = new FakeSchedule().client();
    const gate = new SharedRateGate('conn-1', rate, client);
    await gate.acquire();
    const late = gate.acquire();
    // Its slot, about 220 ms after the first, is reserved once the answer is back, and its timer set.
    while (client.slotsAsked.length < 2 || client.inFlight > 0) await sleep(1);
    expect(client.slotsAsked).toHaveLength(2);
    const blockedFrom = monotonicNow();
    while (monotonicNow() - blockedFrom < 500) {
      // a busy event loop: the timer can only fire well after the slot expired
    }
    await late;
    expect(client.slotsAsked).toHaveLength(3);
  });
});
