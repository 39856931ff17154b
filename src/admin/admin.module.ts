import { Global, Module } from '@nestjs/common';
import { SyncModule } from '../sync/sync.module';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { ConnectionAdminController } from './connection-admin.controller';
import { ConnectionPreviewService } from './connection-preview.service';
import { ConnectionTestService } from './connection-test.service';
import { MappingAdminService } from './mapping-admin.service';
import { ResyncController } from './resync.controller';

/** Operator routes beyond connection CRUD and syncs; AuditService is global so every admin change can record itself. */
@Global()
@Module({
  imports: [SyncModule],
  controllers: [ConnectionAdminController, ResyncController, AuditController],
  providers: [AuditService, MappingAdminService, ConnectionPreviewService, ConnectionTestService],
  exports: [AuditService],
})
export class AdminModule {}
