import { Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig } from '../../config/app-config';
import { DirectoryRefreshService } from '../directory/directory-refresh.service';
import { JobContext, JobResult, ScheduledJob } from '../scheduled-job';

/** The frequent pass: incremental listings, and whatever a previous run left unfinished. */
@Injectable()
export class DirectoryRefreshJob implements ScheduledJob {
  readonly name = 'directory-refresh';
  readonly description = 'Candidate directory per connection: candidates updated since the last refresh; continues an unfinished refresh from its saved cursor; a first full refresh where none has completed';
  readonly scheduleVariable = 'JOB_DIRECTORY_REFRESH_CRON';
  readonly schedule: string;

  constructor(
    private readonly refresh: DirectoryRefreshService,
    @InjectConfig() config: AppConfig,
  ) {
    this.schedule = config.JOB_DIRECTORY_REFRESH_CRON;
  }

  run(context: JobContext): Promise<JobResult> {
    return this.refresh.refreshAll(context, { requestFull: false });
  }
}

/** The slow pass: a full listing of every connection, which also prunes candidates gone from the ATS. */
@Injectable()
export class DirectoryFullRefreshJob implements ScheduledJob {
  readonly name = 'directory-full-refresh';
  readonly description = 'Candidate directory per connection: full listing (resumable; what the page cap leaves is continued by directory-refresh), then candidates no longer in the ATS are removed';
  readonly scheduleVariable = 'JOB_DIRECTORY_FULL_REFRESH_CRON';
  readonly schedule: string;

  constructor(
    private readonly refresh: DirectoryRefreshService,
    @InjectConfig() config: AppConfig,
  ) {
    this.schedule = config.JOB_DIRECTORY_FULL_REFRESH_CRON;
  }

  run(context: JobContext): Promise<JobResult> {
    return this.refresh.refreshAll(context, { requestFull: true });
  }
}
