import { Module } from '@nestjs/common';
import { FieldMappingRepository } from '../mapping/field-mapping.repository';
import { CandidateDirectoryRepository } from '../matching/candidate-directory.repository';
import { CandidateFinderService } from '../matching/candidate-finder.service';
import { SyncsAdminController } from '../admin/syncs-admin.controller';
import { SyncAdminService } from './sync-admin.service';
import { SyncInputsRepository } from './sync-inputs.repository';
import { SyncPipelineService } from './sync-pipeline.service';
import { SyncStateService } from './sync-state.service';
import { SyncWorkerService } from './sync-worker.service';

@Module({
  controllers: [SyncsAdminController],
  providers: [SyncAdminService, SyncStateService, SyncInputsRepository, SyncPipelineService, SyncWorkerService, FieldMappingRepository, CandidateDirectoryRepository, CandidateFinderService],
  exports: [SyncAdminService, SyncStateService, SyncWorkerService, FieldMappingRepository, CandidateDirectoryRepository, CandidateFinderService],
})
export class SyncModule {}
