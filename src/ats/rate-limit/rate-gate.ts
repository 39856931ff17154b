import { performance } from 'node:perf_hooks';
import { RateLimit, slotSchedule, slotState, SpacingLimiter, type Slot } from './spacing-limiter';

/** Admits one connection's requests at its rate limit. */
export interface RateGate {
  /** Resolves when the caller may start one request (at once: the permission is only good for a moment). */
  acquire(): Promise<void>;
}

/** Hands out the gate of a key (a connection id); requests through the same key share one schedule. */
export interface RateGateSource {
  gateFor(key: string, rate: RateLimit): RateGate;
}

/** Monotonic milliseconds: wall-clock steps (NTP) must not move a schedule. */
export const monotonicNow = (): number => performance.now();

/**
 * Sleeps until the monotonic clock reaches `slot.notBefore`. Node may fire a timer up to a millisecond early
 * by this clock (timers count from the loop's cached time), so it sleeps again until the time has really come.
 */
export async function waitForSlot(slot: Slot): Promise<void> {
  for (let left = slot.notBefore - monotonicNow(); left > 0; left = slot.notBefore - monotonicNow()) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
  }
}

/**
 * The rate limit kept by this process alone: right when it is the only one talking to the connection's ATS
 * (adapter tests, tools), and what a client gets when no shared schedule is given.
 */
export class LocalRateGate implements RateGate {
  private readonly limiter: SpacingLimiter;

  constructor(rate: RateLimit) {
    this.limiter = new SpacingLimiter(slotSchedule(rate));
  }

  async acquire(): Promise<void> {
    for (;;) {
      const slot = this.limiter.reserve(monotonicNow());
      await waitForSlot(slot);
      // A timer that fired too late (a busy event loop) lost its slot: starting now could crowd the window.
      if (slotState(slot, monotonicNow()) === 'fresh') return;
    }
  }
}

/** One gate per key and rate in this process, so every client of a connection shares its queue. */
export class GatesByKey implements RateGateSource {
  private readonly gates = new Map<string, RateGate>();

  constructor(private readonly make: (key: string, rate: RateLimit) => RateGate) {}

  gateFor(key: string, rate: RateLimit): RateGate {
    const id = `${key}:${rate.limit}/${rate.intervalMs}`;
    let gate = this.gates.get(id);
    if (!gate) {
      gate = this.make(key, rate);
      this.gates.set(id, gate);
    }
    return gate;
  }
}

/** Local gates, one per key and rate. */
export class LocalRateGates extends GatesByKey {
  constructor() {
    super((_key, rate) => new LocalRateGate(rate));
  }
}
