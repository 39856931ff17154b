import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PreparedStatement } from '../../common/prepared-statement';
import { GatesByKey, monotonicNow, RateGate, RateGateSource } from './rate-gate';
import { RateSlotReserver, SharedRateGate } from './shared-rate-gate';
import type { RateLimit, ReservationAnswer } from './spacing-limiter';

/** Moves key $1's next free slot $2 microseconds on (from now at the earliest); answers the delay to its end. */
const RESERVE = new PreparedStatement<{ end_delay_us: string }>(
  'ats_rate_slot_reserve',
  `INSERT INTO ats_rate_slots (key, next_slot_at) VALUES ($1, now() + $2::bigint * interval '1 microsecond')
   ON CONFLICT (key) DO UPDATE
     SET next_slot_at = GREATEST(ats_rate_slots.next_slot_at, now()) + $2::bigint * interval '1 microsecond'
   RETURNING round(extract(epoch FROM (next_slot_at - now())) * 1000000)::bigint AS end_delay_us`,
);

/**
 * The rate schedules every instance shares: one row per key in `ats_rate_slots`, holding when the key's next
 * free slot is. The service's adapters get their gates here, so N instances together keep one connection's
 * limit instead of N times it.
 */
@Injectable()
export class RateSlotStore implements RateGateSource, RateSlotReserver {
  private readonly gates = new GatesByKey((key, rate) => new SharedRateGate(key, rate, this));

  constructor(private readonly dataSource: DataSource) {}

  /** One gate per key and rate in this process, so its clients share one queue and one reservation in flight. */
  gateFor(key: string, rate: RateLimit): RateGate {
    return this.gates.gateFor(key, rate);
  }

  /**
   * One statement, so the row lock orders concurrent reservations of every instance. The answer is a delay from
   * the database's now(), never a timestamp: the database's clock is never compared with this process's.
   * The query runs on a connection already taken from the pool, so `sentAt` does not count time spent waiting
   * for one (which would shorten the usable part of every slot).
   */
  async reserve(key: string, totalUs: number): Promise<ReservationAnswer> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const sentAt = monotonicNow();
      const rows = await RESERVE.runOn(runner, [key, totalUs]);
      const receivedAt = monotonicNow();
      return { sentAt, receivedAt, endDelayUs: Number(rows[0]!.end_delay_us) };
    } finally {
      await runner.release();
    }
  }
}
