import { busiestWindow } from '../../../test/support/rate-windows';
import { LocalRateGate, LocalRateGates, monotonicNow } from './rate-gate';

describe('LocalRateGate', () => {
  it('admits concurrent callers at the limit in every sliding window, close to 91% of it when saturated', async () => {
    const rate = { limit: 10, intervalMs: 300 }; // slots 33 ms apart
    const gate = new LocalRateGate(rate);
    const starts: number[] = [];
    const until = monotonicNow() + 1500;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (monotonicNow() < until) {
          await gate.acquire();
          starts.push(monotonicNow());
        }
      }),
    );
    expect(busiestWindow(starts, rate.intervalMs)).toBeLessThanOrEqual(rate.limit);
    // 1500 ms / 33 ms: 46 slots (the first at once); 50 is what the limit allows in that time.
    const inTime = starts.filter((t) => t < until).length;
    expect(inTime).toBeGreaterThanOrEqual(40);
    expect(inTime).toBeLessThanOrEqual(46);
  });

  it('lets the first request of an idle connection through at once', async () => {
    const gate = new LocalRateGate({ limit: 1, intervalMs: 10_000 });
    const before = monotonicNow();
    await gate.acquire();
    expect(monotonicNow() - before).toBeLessThan(50);
  });

  it('drops a slot whose timer fired past the tolerance, so a late start still keeps the spacing', async () => {
    const rate = { limit: 10, intervalMs: 200 }; // slots 22 ms apart, 20 ms tolerance
    const gate = new LocalRateGate(rate);
    await gate.acquire(); // the slot at t0
    const late = gate.acquire(); // sleeps for the slot at t0 + 22 ms
    const blockedFrom = monotonicNow();
    while (monotonicNow() - blockedFrom < 80) {
      // a busy event loop: the timer can only fire about 60 ms after its slot
    }
    await late;
    const lateStart = monotonicNow();
    await gate.acquire();
    // Had the late caller used its stale slot, the schedule would still stand at t0 + 44 and this caller would
    // start at once, right after the late one. The stale slot was dropped and a new one taken at the wake-up,
    // so this one waits a spacing (22 ms, less what passed since the wake-up on a busy machine).
    expect(monotonicNow() - lateStart).toBeGreaterThanOrEqual(15);
  });
});

describe('LocalRateGates', () => {
  it('gives every client of one connection the same gate, and other connections their own', () => {
    const gates = new LocalRateGates();
    const rate = { limit: 5, intervalMs: 1000 };
    expect(gates.gateFor('c1', rate)).toBe(gates.gateFor('c1', { ...rate }));
    expect(gates.gateFor('c2', rate)).not.toBe(gates.gateFor('c1', rate));
  });
});
