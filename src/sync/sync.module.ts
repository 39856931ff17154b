import { Module } from '@nestjs/common';
import { FieldMappingRepository } from '../mapping/field-mapping.repository';
import { CandidateDirectoryRepository } from '../matching/candidate-directory.repository';
import { CandidateFinderService } from '../matching/candidate-finder.service';
import { SyncsAdminController } from '../admin/syncs-admin.controller';
import { SyncAdminService } from './sync-admin.service';
import { EventRepository } from './event.repository';
import { SyncPipelineService } from './sync-pipeline.service';
import { SyncRepository } from './sync.repository';
import { SyncWorkerService } from './sync-worker.service';

@Module({
  controllers: [SyncsAdminController],
  providers: [SyncAdminService, SyncRepository, EventRepository, SyncPipelineService, SyncWorkerService, FieldMappingRepository, CandidateDirectoryRepository, CandidateFinderService],
  exports: [SyncAdminService, SyncRepository, EventRepository, SyncWorkerService, FieldMappingRepository, CandidateDirectoryRepository, CandidateFinderService],
})
export class SyncModule {}
