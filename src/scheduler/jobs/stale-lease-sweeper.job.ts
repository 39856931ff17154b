import { Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig } from '../../config/app-config';
import { SyncRepository } from '../../sync/sync.repository';
import { JobContext, JobResult, ScheduledJob } from '../scheduled-job';

const BATCH = 500;
const MAX_BATCHES = 20;

/** Puts syncs whose worker stopped renewing its lease back in the queue, marked uncertain, at once. */
@Injectable()
export class StaleLeaseSweeperJob implements ScheduledJob {
  readonly name = 'stale-lease-sweeper';
  readonly description = 'Syncs stuck in processing past their lease go back to pending, marked uncertain (the next attempt looks for the note before posting)';
  readonly scheduleVariable = 'JOB_SWEEPER_CRON';
  readonly schedule: string;

  constructor(
    private readonly state: SyncRepository,
    @InjectConfig() config: AppConfig,
  ) {
    this.schedule = config.JOB_SWEEPER_CRON;
  }

  async run(context: JobContext): Promise<JobResult> {
    const released: string[] = [];
    for (let batch = 0; batch < MAX_BATCHES && !context.signal.aborted; batch++) {
      const ids = await this.state.releaseExpiredLeases(BATCH);
      released.push(...ids);
      if (ids.length < BATCH) break;
    }
    return { summary: { released: released.length, syncIds: released.slice(0, 20) } };
  }
}
