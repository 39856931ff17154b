import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig, InjectConfig } from '../config/app-config';
import { PgChannelListener } from '../database/pg-channel-listener';
import { SyncPipelineService } from './sync-pipeline.service';
import { ClaimedSync, SYNC_NOTIFY_CHANNEL, SyncRepository } from './sync.repository';

/**
 * Runs due syncs, up to WORKER_CONCURRENCY at a time. New rows wake it at once through LISTEN/NOTIFY;
 * a poll every WORKER_POLL_MS catches retries that come due and anything a missed notification left.
 * Any number of processes can run it on one database: claims use FOR UPDATE SKIP LOCKED and leases.
 */
@Injectable()
export class SyncWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private running = false;
  /** The last claim left due syncs waiting for a free slot. */
  private waitingForSlots = false;
  private readonly inflight = new Set<Promise<unknown>>();
  private wakeUp: (() => void) | null = null;
  private wokenWhileBusy = false;
  private readonly listener: PgChannelListener;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly state: SyncRepository,
    private readonly pipeline: SyncPipelineService,
    private readonly dataSource: DataSource,
    private readonly logger: PinoLogger,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.logger.setContext(SyncWorkerService.name);
    // New syncs wake the worker at once; due retries are found by polling.
    this.listener = new PgChannelListener(
      { url: (dataSource.options as { url?: string }).url, channel: SYNC_NOTIFY_CHANNEL },
      () => this.wake(),
    );
  }

  onApplicationBootstrap(): void {
    if (this.config.WORKER_ENABLED) this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.listener.start();
    this.loop = this.run();
  }

  /** Stops claiming and waits for the attempts under way (their leases protect them if we are killed). */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inflight]);
    await this.listener.stop();
  }

  /** Claims and runs every due sync once, waiting for each: for tests and one-shot tools. */
  async runOnce(limit = this.config.WORKER_CONCURRENCY): Promise<number> {
    const claimed = await this.state.claim(this.owner, limit, this.config.SYNC_LEASE_SECONDS);
    await Promise.all(claimed.map((s) => this.execute(s)));
    return claimed.length;
  }

  /** Runs until nothing is due (tests). */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.runOnce(); n > 0; n = await this.runOnce()) total += n;
    return total;
  }

  /** Free slots that make the loop claim again at once (an eighth of the slots; 1 for small workers). */
  private get refillAt(): number {
    return Math.max(1, Math.floor(this.config.WORKER_CONCURRENCY / 8));
  }

  /**
   * Claims when woken (a NOTIFY for new syncs, at most one per intake wake interval), on the poll, and, while due
   * syncs are left waiting for a slot, as soon as enough slots are free. A finished attempt does not claim
   * otherwise: with slots to spare, each finish claiming one more sync made one claim statement per sync.
   */
  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      const free = this.config.WORKER_CONCURRENCY - this.inflight.size;
      let claimed: ClaimedSync[] = [];
      if (free > 0) {
        try {
          claimed = await this.state.claim(this.owner, free, this.config.SYNC_LEASE_SECONDS);
          failures = 0;
        } catch (err) {
          failures++;
          this.logger.warn({ err: (err as Error).message }, 'could not claim syncs; the database may be down');
        }
      }
      // Every slot taken (or none free): more may be due, so a finish that frees enough slots claims again.
      this.waitingForSlots = free === 0 || (claimed.length > 0 && claimed.length === free);
      for (const sync of claimed) {
        const task = this.execute(sync).finally(() => {
          this.inflight.delete(task);
          if (this.waitingForSlots && this.config.WORKER_CONCURRENCY - this.inflight.size >= this.refillAt) this.wake();
        });
        this.inflight.add(task);
      }
      if (this.waitingForSlots && free > 0) continue;
      const pause = failures > 0 ? Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)) : this.config.WORKER_POLL_MS;
      await this.sleep(pause);
    }
  }

  private async execute(sync: ClaimedSync): Promise<void> {
    const leaseMs = this.config.SYNC_LEASE_SECONDS * 1000;
    const heartbeat = setInterval(() => {
      this.state.extendLease(sync, this.config.SYNC_LEASE_SECONDS).catch(() => undefined);
    }, Math.max(1000, leaseMs / 3));
    try {
      await this.pipeline.process(sync);
    } catch (err) {
      // The attempt could not even be recorded (database down): the lease expires and another attempt,
      // marked uncertain, looks for the note before posting.
      this.logger.error({ eventId: sync.eventId, syncId: sync.id, err: (err as Error).message }, 'sync attempt could not be recorded');
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Waits `ms`, or less when woken; a wake-up that came while the loop was busy (claiming) ends it at once. */
  private sleep(ms: number): Promise<void> {
    if (this.wokenWhileBusy) {
      this.wokenWhileBusy = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeUp = null;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  /**
   * Ends the loop's sleep. A NOTIFY that arrives while a claim is running may concern rows that claim's snapshot
   * could not see: it is kept, so the loop claims once more instead of sleeping until the poll.
   */
  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    if (wake) wake();
    else this.wokenWhileBusy = true;
  }
}
