import { Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig } from '../../config/app-config';
import { EventRepository } from '../../sync/event.repository';
import { SyncRepository } from '../../sync/sync.repository';
import { dueRematchStep, RematchPolicy } from '../rematch-ladder';
import { JobContext, JobResult, ScheduledJob } from '../scheduled-job';

const PAGE = 500;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Candidates are often created in the ATS after the meeting: unmatched syncs are re-armed on the ladder
 * (15 min, 1 h, 6 h, 24 h after the meeting arrived, then daily) while the window lasts, and the pipeline
 * matches them again (directory and live search). After the window they stay unmatched for an operator.
 */
@Injectable()
export class RematchJob implements ScheduledJob {
  readonly name = 'rematch';
  readonly description = 'Unmatched syncs are re-armed on the re-match ladder while the window lasts, so a candidate created after the meeting gets its note';
  readonly scheduleVariable = 'JOB_REMATCH_CRON';
  readonly schedule: string;
  private readonly policy: RematchPolicy;

  constructor(
    private readonly events: EventRepository,
    private readonly state: SyncRepository,
    @InjectConfig() config: AppConfig,
  ) {
    this.schedule = config.JOB_REMATCH_CRON;
    this.policy = { ladderMinutes: config.REMATCH_LADDER_MINUTES, windowDays: config.REMATCH_WINDOW_DAYS };
  }

  async run(context: JobContext): Promise<JobResult> {
    let examined = 0;
    const rearmed: string[] = [];
    let after = NIL_UUID;
    while (!context.signal.aborted) {
      // Connections that are off are left alone: re-arming would only turn the sync into `skipped`.
      const rows = await this.events.unmatchedInWindow(this.policy.windowDays, after, PAGE);
      if (rows.length === 0) break;
      examined += rows.length;
      after = rows[rows.length - 1]!.id;
      const due = rows.filter((r) => dueRematchStep({ receivedAt: r.received_at, lastTriedAt: r.finished_at }, r.now, this.policy) !== null);
      rearmed.push(...(await this.state.rearmForRematch(due.map((r) => ({ id: r.id, rematchCount: r.rematch_count })))));
      if (rows.length < PAGE) break;
    }
    return {
      summary: {
        examined,
        rearmed: rearmed.length,
        syncIds: rearmed.slice(0, 20),
        ladderMinutes: this.policy.ladderMinutes,
        windowDays: this.policy.windowDays,
      },
    };
  }
}
