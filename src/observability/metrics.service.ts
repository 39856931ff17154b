import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A scrape never waits longer than this for the database: the gauges keep their last values instead. */
const QUEUE_READING_TIMEOUT_MS = 1000;

export interface QueueReading {
  due: number;
  oldestDueAgeSeconds: number;
}

/**
 * Prometheus metrics. One registry per app instance, so tests can run several apps in one process.
 * The queue gauges are read when scraped through the reader the syncs' owner registers (one query on the
 * partial index of pending syncs, shared by both gauges of a scrape), so every instance reports the queue of
 * the whole database, and metrics need not know the syncs table.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  /** The reading under way: both gauges of a scrape (and concurrent scrapes) share one query. */
  private reading: Promise<QueueReading | null> | null = null;
  private queueReader: (() => Promise<QueueReading>) | null = null;
  private readonly webhooks = new Counter({
    name: 'debrief_webhooks_received_total',
    help: 'Webhooks received, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly transitions = new Counter({
    name: 'debrief_sync_transitions_total',
    help: 'Sync status transitions',
    labelNames: ['from', 'to'] as const,
    registers: [this.registry],
  });
  private readonly atsRequests = new Histogram({
    name: 'debrief_ats_request_duration_seconds',
    help: 'ATS operations by provider, operation and outcome',
    labelNames: ['provider', 'operation', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly queueDepth: Gauge;
  readonly oldestDueAge: Gauge;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'debrief_' });
    const metrics = this;
    this.queueDepth = new Gauge({
      name: 'debrief_sync_queue_depth',
      help: 'Syncs due now (pending, next attempt in the past), across all instances',
      registers: [this.registry],
      async collect() {
        const reading = await metrics.readQueue();
        if (reading) this.set(reading.due);
      },
    });
    this.oldestDueAge = new Gauge({
      name: 'debrief_sync_oldest_due_age_seconds',
      help: 'How long the oldest due sync has been waiting past its due time (0 when none is due)',
      registers: [this.registry],
      async collect() {
        const reading = await metrics.readQueue();
        if (reading) this.set(reading.oldestDueAgeSeconds);
      },
    });
  }

  webhookReceived(outcome: string): void {
    this.webhooks.inc({ outcome });
  }

  syncTransition(from: string, to: string): void {
    this.transitions.inc({ from, to });
  }

  atsRequest(provider: string, operation: string, outcome: string, seconds: number): void {
    this.atsRequests.observe({ provider, operation, outcome }, seconds);
  }

  /** Where the queue gauges come from; registered by the owner of the syncs table. */
  readQueueWith(reader: () => Promise<QueueReading>): void {
    this.queueReader = reader;
  }

  /** The queue as the database sees it; null (gauges unchanged) when it cannot be read in time. */
  private readQueue(): Promise<QueueReading | null> {
    const reader = this.queueReader;
    if (!reader) return Promise.resolve(null);
    if (this.reading) return this.reading;
    const query = reader();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), QUEUE_READING_TIMEOUT_MS);
      timer.unref();
    });
    const value = Promise.race([query.catch(() => null), timeout]).finally(() => {
      clearTimeout(timer);
      this.reading = null;
    });
    this.reading = value;
    return value;
  }
}
