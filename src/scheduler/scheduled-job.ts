/** Injection token for the list of jobs the runner schedules. */
export const SCHEDULED_JOBS = Symbol('SCHEDULED_JOBS');

export interface JobContext {
  /** Aborted when the process shuts down: long jobs stop between units of work (their position is saved). */
  signal: AbortSignal;
  /**
   * A finer-grained lock held on the run's own database session until the run ends or `release` is called,
   * for work two different jobs may both reach (e.g. one connection's directory). Null when another
   * instance holds it.
   */
  tryLock(key: string): Promise<{ release(): Promise<void> } | null>;
}

export interface JobResult {
  /** `partial` when some units failed and the rest were done; a thrown error is a failed run. */
  outcome?: 'succeeded' | 'partial';
  /** What the run did, for operators (GET /admin/jobs). Kept small: counts and a few ids. */
  summary: Record<string, unknown>;
}

/**
 * A scheduled job. Jobs only enqueue or re-arm rows (the worker does the work) and must be safe to run
 * again at any time: one instance runs a given job at a time, under a Postgres advisory lock.
 */
export interface ScheduledJob {
  readonly name: string;
  readonly description: string;
  /** The environment variable that sets the schedule. */
  readonly scheduleVariable: string;
  /** The cron expression this instance uses. */
  readonly schedule: string;
  run(context: JobContext): Promise<JobResult>;
}
