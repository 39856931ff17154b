import { Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig } from '../../config/app-config';
import { codesWhere } from '../../sync/failure-policy';
import { SyncRepository } from '../../sync/sync.repository';
import { JobContext, JobResult, ScheduledJob } from '../scheduled-job';

/** Failures that may pass on their own (the failure table's `rearmByRecovery`); the others need a person. */
export const RECOVERABLE_ERROR_CODES = codesWhere('rearmByRecovery');

const PAGE = 500;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Re-arms syncs that failed for a reason that may have passed, at most RECOVERY_MAX_REARMS times each, once
 * RECOVERY_INTERVAL_HOURS have gone by since they last failed. The worker then runs them with a fresh
 * retry budget; a note that may already have been posted is looked for first.
 */
@Injectable()
export class RecoveryJob implements ScheduledJob {
  readonly name = 'recovery';
  readonly description = `Failed syncs (${RECOVERABLE_ERROR_CODES.join(', ')}) are re-armed a limited number of times, a while after they failed`;
  readonly scheduleVariable = 'JOB_RECOVERY_CRON';
  readonly schedule: string;

  constructor(
    private readonly state: SyncRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.schedule = config.JOB_RECOVERY_CRON;
  }

  async run(context: JobContext): Promise<JobResult> {
    const rearmed: string[] = [];
    let examined = 0;
    let after = NIL_UUID;
    while (!context.signal.aborted && this.config.RECOVERY_MAX_REARMS > 0) {
      const rows = await this.state.recoverable(RECOVERABLE_ERROR_CODES, this.config.RECOVERY_MAX_REARMS, this.config.RECOVERY_INTERVAL_HOURS, after, PAGE);
      if (rows.length === 0) break;
      examined += rows.length;
      after = rows[rows.length - 1]!.id;
      rearmed.push(...(await this.state.rearmForRecovery(rows.map((r) => ({ id: r.id, recoveryCount: r.recovery_count })), RECOVERABLE_ERROR_CODES)));
      if (rows.length < PAGE) break;
    }
    return {
      summary: {
        examined,
        rearmed: rearmed.length,
        syncIds: rearmed.slice(0, 20),
        intervalHours: this.config.RECOVERY_INTERVAL_HOURS,
        maxRearms: this.config.RECOVERY_MAX_REARMS,
      },
    };
  }
}
