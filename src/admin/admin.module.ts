import { Module } from '@nestjs/common';
import { AtsModule } from '../ats/ats.module';
import { AuditModule } from '../audit/audit.module';
import { ConnectionsModule } from '../connections/connections.module';
import { ErasureModule } from '../erasure/erasure.module';
import { MappingModule } from '../mapping/mapping.module';
import { MatchingModule } from '../matching/matching.module';
import { SyncModule } from '../sync/sync.module';
import { WebhookModule } from '../webhook/webhook.module';
import { AuditController } from './audit.controller';
import { ConnectionAdminController } from './connection-admin.controller';
import { ConnectionPreviewService } from './connection-preview.service';
import { ConnectionTestService } from './connection-test.service';
import { ConnectionsController } from './connections.controller';
import { ConsoleSupportController } from './console-support.controller';
import { ConsoleSupportService } from './console-support.service';
import { ErasureController } from './erasure.controller';
import { MappingAdminService } from './mapping-admin.service';
import { ResyncController } from './resync.controller';
import { SampleMeetingService } from './sample-meeting.service';
import { SyncsAdminController } from './syncs-admin.controller';

/** The operator routes: connections, mappings, preview, connection tests, the provider's sample, syncs, events, resync, erasures and the console's reads. Owns no table. */
@Module({
  imports: [AtsModule, AuditModule, ConnectionsModule, ErasureModule, MappingModule, MatchingModule, SyncModule, WebhookModule],
  controllers: [
    AuditController,
    ConnectionsController,
    ConnectionAdminController,
    SyncsAdminController,
    ResyncController,
    ConsoleSupportController,
    ErasureController,
  ],
  providers: [MappingAdminService, ConnectionPreviewService, ConnectionTestService, ConsoleSupportService, SampleMeetingService],
})
export class AdminModule {}
