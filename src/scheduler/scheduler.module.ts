import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AtsModule } from '../ats/ats.module';
import { ConnectionsModule } from '../connections/connections.module';
import { ErasureModule } from '../erasure/erasure.module';
import { MatchingModule } from '../matching/matching.module';
import { SyncModule } from '../sync/sync.module';
import { DirectoryRefreshStateRepository } from './directory/directory-refresh-state.repository';
import { DirectoryRefreshService } from './directory/directory-refresh.service';
import { DirectoryRefreshTrigger } from './directory/directory-refresh-trigger.service';
import { DirectoryStatusService } from './directory/directory-status.service';
import { JobRunnerService } from './job-runner.service';
import { JobRunsRepository } from './job-runs.repository';
import { JobsAdminController } from './jobs-admin.controller';
import { DirectoryFullRefreshJob, DirectoryRefreshJob } from './jobs/directory-refresh.job';
import { ErasureJob } from './jobs/erasure.job';
import { RecoveryJob } from './jobs/recovery.job';
import { RematchJob } from './jobs/rematch.job';
import { RetentionJob } from './jobs/retention.job';
import { StaleLeaseSweeperJob } from './jobs/stale-lease-sweeper.job';
import { SCHEDULED_JOBS, ScheduledJob } from './scheduled-job';

/** Every scheduled job, in the order GET /admin/jobs lists them. Adding one is adding it here. */
const JOBS = [StaleLeaseSweeperJob, RematchJob, RecoveryJob, DirectoryRefreshJob, DirectoryFullRefreshJob, RetentionJob, ErasureJob];

/** The scheduled jobs and their admin routes; owns `job_runs` and `directory_refresh_state`. */
@Module({
  imports: [ScheduleModule.forRoot(), AtsModule, ConnectionsModule, ErasureModule, MatchingModule, SyncModule],
  controllers: [JobsAdminController],
  providers: [
    ...JOBS,
    { provide: SCHEDULED_JOBS, useFactory: (...jobs: ScheduledJob[]) => jobs, inject: JOBS },
    JobRunsRepository,
    JobRunnerService,
    DirectoryRefreshStateRepository,
    DirectoryRefreshService,
    DirectoryRefreshTrigger,
    DirectoryStatusService,
  ],
  exports: [JobRunnerService],
})
export class SchedulerModule {}
