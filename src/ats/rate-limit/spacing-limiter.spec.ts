import { busiestWindow } from '../../../test/support/rate-windows';
import {
  batchSize,
  RateLimit,
  Slot,
  slotSchedule,
  slotsFromReservation,
  slotState,
  SpacingLimiter,
} from './spacing-limiter';

/** Deterministic pseudo-random numbers in [0, 1), so a failing pattern can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pattern {
  name: string;
  workers: number;
  saturating: boolean;
  /** Time from one start of a worker to its next demand. */
  think(r: () => number, rate: RateLimit): number;
}

const PATTERNS: Pattern[] = [
  // One worker never waits in a queue: its own late wake-ups, not the limiter, bound its pace.
  { name: 'one worker, back to back', workers: 1, saturating: false, think: () => 0 },
  { name: 'saturating, many workers', workers: 32, saturating: true, think: (r, { intervalMs }) => r() * intervalMs * 0.01 },
  {
    name: 'bursts and idle spells',
    workers: 6,
    saturating: false,
    think: (r, { intervalMs }) => (r() < 0.85 ? r() * 2 : r() * 3 * intervalMs),
  },
  {
    name: 'random arrivals at half the limit',
    workers: 4,
    saturating: false,
    think: (r, { limit, intervalMs }) => -Math.log(1 - r()) * ((4 * intervalMs) / (0.5 * limit)),
  },
  {
    name: 'random arrivals at three times the limit',
    workers: 16,
    saturating: true,
    think: (r, { limit, intervalMs }) => -Math.log(1 - r()) * ((16 * intervalMs) / (3 * limit)),
  },
];

/**
 * How late a timer fires after a slot's time: mostly on time, sometimes late within the tolerance (including the
 * worst case, just before the slot expires), and now and then past it (a stalled event loop).
 */
function lateness(r: () => number, toleranceMs: number): number {
  const x = r();
  if (x < 0.6) return 0;
  if (x < 0.85) return r() * 0.3 * toleranceMs;
  if (x < 0.95) return toleranceMs * (1 - 1e-9);
  if (x < 0.99) return r() * toleranceMs;
  return toleranceMs * (1 + 2 * r());
}

/**
 * Discrete-event run of workers against one SpacingLimiter on a simulated clock: a worker that wants to start
 * reserves a slot, its timer fires at the slot's time plus some lateness, and it starts if the slot is still
 * fresh, otherwise it reserves again. `useStaleSlots` plays a client that ignores the tolerance.
 */
function simulate(
  rate: RateLimit,
  pattern: Pattern,
  seed: number,
  durationMs: number,
  options: { useStaleSlots?: boolean; late?: (r: () => number, toleranceMs: number) => number } = {},
): { starts: number[]; staleSlots: number } {
  const r = random(seed);
  const late = options.late ?? lateness;
  const limiter = new SpacingLimiter(slotSchedule(rate));
  const tolerance = limiter.schedule.lateToleranceMs;
  const workers = Array.from({ length: pattern.workers }, () => ({ at: r() * 5, slot: null as Slot | null }));
  const starts: number[] = [];
  let staleSlots = 0;
  for (;;) {
    let w = workers[0]!;
    for (const x of workers) if (x.at < w.at) w = x;
    const now = w.at;
    if (now >= durationMs) break;
    if (w.slot === null) {
      w.slot = limiter.reserve(now);
      w.at = w.slot.notBefore + late(r, tolerance);
      continue;
    }
    const state = slotState(w.slot, now);
    expect(state).not.toBe('early');
    if (state === 'fresh' || options.useStaleSlots) {
      starts.push(now);
      w.slot = null;
      w.at = now + pattern.think(r, rate);
    } else {
      staleSlots++;
      w.slot = limiter.reserve(now);
      w.at = w.slot.notBefore + late(r, tolerance);
    }
  }
  return { starts, staleSlots };
}

describe('slotSchedule', () => {
  it('spaces slots (interval + tolerance) / limit apart, the tolerance being a tenth of the interval', () => {
    expect(slotSchedule({ limit: 100, intervalMs: 1000 })).toEqual({ spacingMs: 11, spacingUs: 11_000, lateToleranceMs: 100 });
    expect(slotSchedule({ limit: 1, intervalMs: 1000 })).toEqual({ spacingMs: 1100, spacingUs: 1_100_000, lateToleranceMs: 100 });
    expect(slotSchedule({ limit: 50, intervalMs: 10_000 })).toMatchObject({ spacingMs: 220, lateToleranceMs: 1000 });
  });

  it('rounds the spacing up to a whole microsecond, never down', () => {
    const s = slotSchedule({ limit: 3, intervalMs: 1000 }); // 1100 / 3 = 366.666… ms
    expect(s.spacingUs).toBe(366_667);
    expect(s.spacingMs * 3).toBeGreaterThanOrEqual(1100);
  });

  it('refuses a limit or interval that is not positive', () => {
    expect(() => slotSchedule({ limit: 0, intervalMs: 1000 })).toThrow(RangeError);
    expect(() => slotSchedule({ limit: 10, intervalMs: -1 })).toThrow(RangeError);
  });
});

describe('SpacingLimiter', () => {
  it('gives an idle connection a slot at once, then one every spacing', () => {
    const limiter = new SpacingLimiter(slotSchedule({ limit: 10, intervalMs: 1000 }));
    expect(limiter.reserve(5000)).toEqual({ notBefore: 5000, expiresAt: 5100 });
    expect(limiter.reserve(5000).notBefore).toBe(5110);
    expect(limiter.reserve(5001).notBefore).toBe(5220);
    // After a pause the schedule restarts at the present: idle time is not saved up as a burst.
    expect(limiter.reserve(9000).notBefore).toBe(9000);
    expect(limiter.reserve(9000).notBefore).toBe(9110);
  });

  it('tells early, fresh and stale starts apart; a slot is stale from its expiry on', () => {
    const slot = { notBefore: 100, expiresAt: 200 };
    expect(slotState(slot, 99.9)).toBe('early');
    expect(slotState(slot, 100)).toBe('fresh');
    expect(slotState(slot, 199.9)).toBe('fresh');
    expect(slotState(slot, 200)).toBe('stale');
  });

  const RATES: RateLimit[] = [
    { limit: 1, intervalMs: 1000 },
    { limit: 10, intervalMs: 1000 },
    { limit: 100, intervalMs: 1000 },
    { limit: 50, intervalMs: 10_000 },
  ];

  describe.each(RATES)('at $limit per $intervalMs ms', (rate) => {
    const duration = rate.intervalMs * (rate.limit < 10 ? 300 : 60);

    it.each(PATTERNS)('never lets more than the limit start in any window: $name', (pattern) => {
      for (const seed of [1, 2, 3]) {
        const { starts } = simulate(rate, pattern, seed * 7919 + rate.limit, duration);
        expect(starts.length).toBeGreaterThan(0);
        expect(busiestWindow(starts, rate.intervalMs)).toBeLessThanOrEqual(rate.limit);
      }
    });

    it('keeps a saturated connection at 85% of the limit or more, late timers included', () => {
      let dropped = 0;
      for (const pattern of PATTERNS.filter((p) => p.saturating)) {
        const { starts, staleSlots } = simulate(rate, pattern, 42 + rate.limit, duration);
        dropped += staleSlots;
        const ideal = (rate.limit * duration) / rate.intervalMs;
        expect(starts.length / ideal).toBeGreaterThanOrEqual(0.85);
        expect(starts.length).toBeLessThanOrEqual(ideal);
      }
      expect(dropped).toBeGreaterThan(0); // the runs did drop stale slots
    });
  });

  it('would break the limit if stale slots were used: the tolerance is what the bound rests on', () => {
    const rate = { limit: 10, intervalMs: 1000 };
    // Every 11th start comes three tolerances late, the others on time: the late one crowds the next window.
    let n = 0;
    const late = (_r: () => number, tolerance: number) => (n++ % 11 === 0 ? 3 * tolerance : 0);
    const pattern = PATTERNS[1]!; // many workers, each holding a slot ahead
    const careless = simulate(rate, pattern, 1, 20_000, { useStaleSlots: true, late });
    expect(busiestWindow(careless.starts, rate.intervalMs)).toBeGreaterThan(rate.limit);
    n = 0;
    const careful = simulate(rate, pattern, 1, 20_000, { late });
    expect(busiestWindow(careful.starts, rate.intervalMs)).toBeLessThanOrEqual(rate.limit);
  });

  it('does better than a fixed-window reservoir, which lets twice the limit through across a refill', () => {
    // The reservoir this limiter replaces allows `limit` starts per fixed interval, wherever they fall in it:
    // a full reservoir spent at the end of one interval and the refill at the start of the next.
    const rate = { limit: 100, intervalMs: 1000 };
    const reservoir = Array.from({ length: 2 * rate.limit }, (_, i) => 900 + i);
    expect(busiestWindow(reservoir, rate.intervalMs)).toBe(2 * rate.limit);
    const limiter = new SpacingLimiter(slotSchedule(rate));
    const spaced = Array.from({ length: 2 * rate.limit }, () => limiter.reserve(900).notBefore);
    expect(busiestWindow(spaced, rate.intervalMs)).toBeLessThanOrEqual(rate.limit);
  });
});

describe('batchSize', () => {
  it('reserves for the waiting requests, at most half a tolerance worth of slots, at least one', () => {
    const s = slotSchedule({ limit: 100, intervalMs: 1000 }); // spacing 11 ms, tolerance 100 ms
    expect(batchSize(1, s)).toBe(1);
    expect(batchSize(3, s)).toBe(3);
    expect(batchSize(50, s)).toBe(4);
    expect(batchSize(50, slotSchedule({ limit: 10, intervalMs: 1000 }))).toBe(1);
    expect(batchSize(0, s)).toBe(1);
  });
});

describe('slotsFromReservation', () => {
  const schedule = slotSchedule({ limit: 50, intervalMs: 1000 }); // 22 ms apart, 100 ms tolerance

  it('places the slots at their delays, spacing apart, counted from the answer', () => {
    const slots = slotsFromReservation({ sentAt: 1000, receivedAt: 1004, endDelayUs: 3 * 22_000 + 10_000 }, 3, schedule);
    expect(slots).toEqual([
      { notBefore: 1014, expiresAt: 1110 },
      { notBefore: 1036, expiresAt: 1132 },
      { notBefore: 1058, expiresAt: 1154 },
    ]);
  });

  it('whenever the database took its now(), a mapped slot starts no earlier and expires no later than the real one', () => {
    const r = random(9);
    for (let i = 0; i < 1000; i++) {
      const sentAt = r() * 1e6;
      const receivedAt = sentAt + r() * 50;
      const dbNowAt = sentAt + r() * (receivedAt - sentAt); // unknown to the client
      const endDelayUs = Math.round(r() * 5e6) + 4 * schedule.spacingUs;
      const slots = slotsFromReservation({ sentAt, receivedAt, endDelayUs }, 4, schedule);
      slots.forEach((slot, k) => {
        const realAt = dbNowAt + (endDelayUs - (4 - k) * schedule.spacingUs) / 1000;
        expect(slot.notBefore).toBeGreaterThanOrEqual(realAt - 1e-6);
        expect(slot.expiresAt).toBeLessThanOrEqual(realAt + schedule.lateToleranceMs + 1e-6);
      });
    }
  });

  it('leaves no usable time when the round trip took the whole tolerance', () => {
    const [slot] = slotsFromReservation({ sentAt: 0, receivedAt: 100, endDelayUs: 22_000 }, 1, schedule);
    expect(slot!.expiresAt).toBeLessThanOrEqual(slot!.notBefore);
    expect(slotState(slot!, slot!.notBefore)).toBe('stale');
  });
});
