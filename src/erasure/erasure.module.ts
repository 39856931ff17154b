import { Module } from '@nestjs/common';
import { AtsModule } from '../ats/ats.module';
import { AuditModule } from '../audit/audit.module';
import { ConnectionsModule } from '../connections/connections.module';
import { MatchingModule } from '../matching/matching.module';
import { SyncModule } from '../sync/sync.module';
import { ErasureRepository } from './erasure.repository';
import { ErasureService } from './erasure.service';

/** Erasure of a person on request; owns `erasures` and `erasure_salt`. Purges through each table's owner. */
@Module({
  imports: [AtsModule, AuditModule, ConnectionsModule, MatchingModule, SyncModule],
  providers: [ErasureRepository, ErasureService],
  exports: [ErasureService],
})
export class ErasureModule {}
