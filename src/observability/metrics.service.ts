import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics. One registry per app instance, so tests can run several apps in one process. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
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
  readonly queueDepth = new Gauge({
    name: 'debrief_sync_queue_depth',
    help: 'Syncs due now (pending, next attempt in the past)',
    registers: [this.registry],
  });
  readonly oldestDueAge = new Gauge({
    name: 'debrief_sync_oldest_due_age_seconds',
    help: 'Age of the oldest due sync',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'debrief_' });
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
}
