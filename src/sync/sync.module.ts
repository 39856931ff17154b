import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AtsModule } from '../ats/ats.module';
import { AuditModule } from '../audit/audit.module';
import { ConnectionsModule } from '../connections/connections.module';
import { MappingModule } from '../mapping/mapping.module';
import { MatchingModule } from '../matching/matching.module';
import { ObservabilityModule } from '../observability/observability.module';
import { EventRepository } from './event.repository';
import { RematchOnNewsService } from './rematch-on-news.service';
import { SyncAdminService } from './sync-admin.service';
import { SyncAttemptEntity } from './sync-attempt.entity';
import { SyncPipelineService } from './sync-pipeline.service';
import { SyncWorkerService } from './sync-worker.service';
import { SyncEntity } from './sync.entity';
import { SyncRepository } from './sync.repository';

/**
 * The work queue and its worker: owns `syncs` and `sync_attempts` (SyncRepository) and reads `webhook_events`
 * (EventRepository), which intake writes.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([SyncEntity, SyncAttemptEntity]),
    ObservabilityModule,
    AtsModule,
    AuditModule,
    ConnectionsModule,
    MappingModule,
    MatchingModule,
  ],
  providers: [SyncAdminService, SyncRepository, EventRepository, SyncPipelineService, SyncWorkerService, RematchOnNewsService],
  exports: [SyncAdminService, SyncRepository, EventRepository, SyncWorkerService, RematchOnNewsService],
})
export class SyncModule {}
