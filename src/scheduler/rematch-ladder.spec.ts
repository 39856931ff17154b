import { dueRematchStep, RematchPolicy, rematchOffsets } from './rematch-ladder';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const policy: RematchPolicy = { ladderMinutes: [15, 60, 360, 1440], windowDays: 7 };
const received = new Date('2026-03-02T10:00:00Z');
const at = (ms: number) => new Date(received.getTime() + ms);

describe('rematchOffsets', () => {
  it('follows the ladder, then repeats its last step until the window closes', () => {
    expect(rematchOffsets(policy)).toEqual([15 * MIN, HOUR, 6 * HOUR, DAY, 2 * DAY, 3 * DAY, 4 * DAY, 5 * DAY, 6 * DAY]);
  });

  it('drops ladder steps beyond a short window', () => {
    expect(rematchOffsets({ ladderMinutes: [15, 60, 360, 1440], windowDays: 1 })).toEqual([15 * MIN, HOUR, 6 * HOUR]);
  });
});

describe('dueRematchStep', () => {
  it('is not due before the first step', () => {
    expect(dueRematchStep({ receivedAt: received, lastTriedAt: at(MIN) }, at(14 * MIN), policy)).toBeNull();
  });

  it('is due at each step once, and not again until the next one', () => {
    expect(dueRematchStep({ receivedAt: received, lastTriedAt: at(MIN) }, at(16 * MIN), policy)).toEqual(at(15 * MIN));
    expect(dueRematchStep({ receivedAt: received, lastTriedAt: at(16 * MIN) }, at(50 * MIN), policy)).toBeNull();
    expect(dueRematchStep({ receivedAt: received, lastTriedAt: at(16 * MIN) }, at(61 * MIN), policy)).toEqual(at(HOUR));
    expect(dueRematchStep({ receivedAt: received, lastTriedAt: at(61 * MIN) }, at(5 * HOUR), policy)).toBeNull();
  });

  it('treats a sync that never finished an attempt as tried when it was received', () => {
    expect(dueRematchStep({ receivedAt: received, lastTriedAt: null }, at(20 * MIN), policy)).toEqual(at(15 * MIN));
  });

  it('collapses steps missed while nothing ran into one attempt at the latest of them', () => {
    expect(dueRematchStep({ receivedAt: received, lastTriedAt: at(MIN) }, at(7 * HOUR), policy)).toEqual(at(6 * HOUR));
  });

  it('keeps trying daily inside the window', () => {
    expect(dueRematchStep({ receivedAt: received, lastTriedAt: at(DAY + MIN) }, at(3 * DAY + HOUR), policy)).toEqual(at(3 * DAY));
  });

  it('leaves the sync alone once the window has closed, even if a step was missed', () => {
    expect(dueRematchStep({ receivedAt: received, lastTriedAt: at(5 * DAY + MIN) }, at(7 * DAY), policy)).toBeNull();
    expect(dueRematchStep({ receivedAt: received, lastTriedAt: at(MIN) }, at(8 * DAY), policy)).toBeNull();
  });

  it('does not count a retry that ran after a step as missing it', () => {
    // Matching ran (an operator retry) after the 1 h step came due: the 1 h step is spent.
    expect(dueRematchStep({ receivedAt: received, lastTriedAt: at(2 * HOUR) }, at(3 * HOUR), policy)).toBeNull();
  });
});
