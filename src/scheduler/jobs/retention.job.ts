import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig, InjectConfig } from '../../config/app-config';
import { EventRepository } from '../../sync/event.repository';
import { SyncRepository } from '../../sync/sync.repository';
import { JobRunsRepository } from '../job-runs.repository';
import { JobContext, JobResult, ScheduledJob } from '../scheduled-job';
import { RECOVERABLE_ERROR_CODES } from './recovery.job';

const BATCH = 1000;
/** Bounds one run; what is left goes next time. */
const MAX_BATCHES = 100;

/**
 * Purges what is only kept for replay and audit once it is older than RETENTION_DAYS: raw webhook bodies
 * and rendered note bodies. Outcomes stay (status, candidate, note reference, attempt history). A payload
 * a sync may still need is never purged: its sync is waiting, running, unmatched, in review, or failed in a
 * way the recovery job will still re-arm.
 */
@Injectable()
export class RetentionJob implements ScheduledJob {
  readonly name = 'retention';
  readonly description = 'Raw webhook bodies and rendered note bodies older than the retention period are purged; outcomes are kept';
  readonly scheduleVariable = 'JOB_RETENTION_CRON';
  readonly schedule: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly state: SyncRepository,
    private readonly events: EventRepository,
    private readonly runs: JobRunsRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.schedule = config.JOB_RETENTION_CRON;
  }

  async run(context: JobContext): Promise<JobResult> {
    const [{ cutoff }] = (await this.dataSource.query(`SELECT now() - make_interval(days => $1) AS cutoff`, [this.config.RETENTION_DAYS])) as Array<{ cutoff: Date }>;

    let payloadsPurged = 0;
    for (let batch = 0; batch < MAX_BATCHES && !context.signal.aborted; batch++) {
      const n = await this.purgePayloads(cutoff);
      payloadsPurged += n;
      if (n < BATCH) break;
    }

    let notesPurged = 0;
    for (let batch = 0; batch < MAX_BATCHES && !context.signal.aborted; batch++) {
      const n = await this.state.purgeRenderedNotes(cutoff, BATCH);
      notesPurged += n;
      if (n < BATCH) break;
    }

    const jobRunsDeleted = context.signal.aborted ? 0 : await this.runs.deleteOlderThan(this.config.JOB_RUNS_RETENTION_DAYS);
    return {
      summary: { cutoff: cutoff.toISOString(), retentionDays: this.config.RETENTION_DAYS, payloadsPurged, notesPurged, jobRunsDeleted },
    };
  }

  private purgePayloads(cutoff: Date): Promise<number> {
    return this.events.purgePayloads(cutoff, BATCH, RECOVERABLE_ERROR_CODES, this.config.RECOVERY_MAX_REARMS);
  }
}
