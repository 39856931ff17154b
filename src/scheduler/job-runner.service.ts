import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob, CronTime } from 'cron';
import { PinoLogger } from 'nestjs-pino';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { AppConfig, InjectConfig } from '../config/app-config';
import { AdvisoryLockSession, HELD_LOCKS_SQL, JOB_LOCK_NAMESPACE } from './advisory-lock.session';
import { JobRunsRepository, JobRunView, JobTrigger } from './job-runs.repository';
import { JobContext, SCHEDULED_JOBS, ScheduledJob } from './scheduled-job';

export type JobRunResult = { status: 'ran'; run: JobRunView } | { status: 'locked' };

export interface JobStatus {
  name: string;
  description: string;
  schedule: string;
  scheduleVariable: string;
  /** Whether this instance runs it on its schedule (SCHEDULER_ENABLED). */
  scheduled: boolean;
  nextRunAt: Date | null;
  /** Whether some instance is running it now (its lock is held). */
  running: boolean;
  lastRun: JobRunView | null;
}

const jobLockKey = (name: string) => `job:${name}`;

/**
 * Runs scheduled jobs: on their cron schedule (when SCHEDULER_ENABLED) and on demand. Any number of
 * instances may schedule the same jobs; a run first takes the job's advisory lock on a session of its own,
 * and an instance that cannot take it skips the run (a cron tick is simply dropped; an operator's request
 * is told the job is running elsewhere). Runs are recorded in `job_runs` for every instance to see.
 */
@Injectable()
export class JobRunnerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly byName: Map<string, ScheduledJob>;
  private readonly stopping = new AbortController();
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    @Inject(SCHEDULED_JOBS) jobs: ScheduledJob[],
    private readonly runs: JobRunsRepository,
    private readonly dataSource: DataSource,
    private readonly registry: SchedulerRegistry,
    private readonly logger: PinoLogger,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.logger.setContext(JobRunnerService.name);
    this.byName = new Map(jobs.map((j) => [j.name, j]));
  }

  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULER_ENABLED) return;
    for (const job of this.byName.values()) {
      const cron = CronJob.from({
        cronTime: job.schedule,
        timeZone: this.config.JOB_TIMEZONE,
        waitForCompletion: true,
        start: false,
        name: job.name,
        onTick: async () => {
          await this.run(job.name, 'schedule').catch((err: unknown) => {
            this.logger.error({ job: job.name, err: (err as Error).message }, 'scheduled job could not run');
          });
        },
      });
      this.registry.addCronJob(job.name, cron);
      cron.start();
    }
  }

  /** Stops ticking, asks running jobs to stop at their next checkpoint, and waits for them to record it. */
  async beforeApplicationShutdown(): Promise<void> {
    // Abort first: stopping a cron job waits for a tick still running.
    this.stopping.abort();
    for (const name of this.byName.keys()) {
      if (this.registry.doesExist('cron', name)) await this.registry.getCronJob(name).stop();
    }
    await Promise.allSettled([...this.inflight]);
  }

  get timeZone(): string {
    return this.config.JOB_TIMEZONE;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Runs one job now on this instance, unless another run of it holds its lock. */
  run(name: string, trigger: JobTrigger): Promise<JobRunResult> {
    const job = this.byName.get(name);
    if (!job) throw new Error(`unknown job "${name}"`);
    const execution = this.runLocked(job, trigger);
    this.inflight.add(execution);
    void execution.finally(() => this.inflight.delete(execution)).catch(() => undefined);
    return execution;
  }

  async status(): Promise<JobStatus[]> {
    const names = this.names();
    const [latest, held] = await Promise.all([
      this.runs.latest(names),
      this.dataSource.query(HELD_LOCKS_SQL, [JOB_LOCK_NAMESPACE, names.map(jobLockKey)]) as Promise<Array<{ key: string }>>,
    ]);
    const running = new Set(held.map((h) => h.key));
    return names.map((name) => {
      const job = this.byName.get(name)!;
      return {
        name,
        description: job.description,
        schedule: job.schedule,
        scheduleVariable: job.scheduleVariable,
        scheduled: this.config.SCHEDULER_ENABLED,
        nextRunAt: this.config.SCHEDULER_ENABLED ? this.nextRunAt(job) : null,
        running: running.has(jobLockKey(name)),
        lastRun: latest.get(name) ?? null,
      };
    });
  }

  private nextRunAt(job: ScheduledJob): Date {
    if (this.registry.doesExist('cron', job.name)) return this.registry.getCronJob(job.name).nextDate().toJSDate();
    return new CronTime(job.schedule, this.config.JOB_TIMEZONE).sendAt().toJSDate();
  }

  private async runLocked(job: ScheduledJob, trigger: JobTrigger): Promise<JobRunResult> {
    const session = await AdvisoryLockSession.open((this.dataSource.options as { url?: string }).url);
    let locked = false;
    try {
      locked = await session.tryLock(jobLockKey(job.name));
      if (!locked) {
        this.logger.debug({ job: job.name, trigger }, 'job skipped: another run holds its lock');
        return { status: 'locked' };
      }
      const started = await this.runs.start(job.name, trigger, this.instance);
      const context: JobContext = {
        signal: this.stopping.signal,
        tryLock: async (key) => {
          if (!(await session.tryLock(key))) return null;
          return { release: () => session.unlock(key) };
        },
      };
      let run: JobRunView;
      try {
        const result = await job.run(context);
        if (!session.alive) this.logger.warn({ job: job.name }, 'the job lost its lock session while running');
        run = await this.runs.finish(started.id, result.outcome ?? 'succeeded', result.summary, null);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.logger.error({ job: job.name, trigger, err: message }, 'job failed');
        run = await this.runs.finish(started.id, 'failed', null, message);
      }
      this.logger.info({ job: job.name, trigger, outcome: run.outcome, durationMs: run.durationMs, summary: run.summary }, 'job finished');
      return { status: 'ran', run };
    } finally {
      // Released on the session that took it; ending the session also drops any finer lock the run kept.
      if (locked) await session.unlock(jobLockKey(job.name)).catch(() => undefined);
      await session.close();
    }
  }
}
