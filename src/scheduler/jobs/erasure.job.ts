import { Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig } from '../../config/app-config';
import { ErasureService } from '../../erasure/erasure.service';
import { JobContext, JobResult, ScheduledJob } from '../scheduled-job';

/**
 * Resumes erasures nobody is working on: one whose instance stopped, or one that waits for an ATS that
 * refused for a while. An erasure also starts at once when requested; this is what makes it finish anyway.
 */
@Injectable()
export class ErasureJob implements ScheduledJob {
  readonly name = 'erasure';
  readonly description = 'Open erasures that no instance is working on are resumed from their last saved step';
  readonly scheduleVariable = 'JOB_ERASURE_CRON';
  readonly schedule: string;

  constructor(
    private readonly erasures: ErasureService,
    @InjectConfig() config: AppConfig,
  ) {
    this.schedule = config.JOB_ERASURE_CRON;
  }

  async run(context: JobContext): Promise<JobResult> {
    return { summary: await this.erasures.runDue(context.signal) };
  }
}
