import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AtsModule } from '../ats/ats.module';
import { AuditModule } from '../audit/audit.module';
import { ConnectionDirectoryStatus } from './connection-directory.status';
import { ConnectionEntity } from './connection.entity';
import { ConnectionsService } from './connections.service';
import { credentialsCipherProvider } from './encryption-key.provider';

/** Connections (table `connections`), their encrypted credentials and the context an adapter call needs. */
@Module({
  imports: [TypeOrmModule.forFeature([ConnectionEntity]), AtsModule, AuditModule],
  providers: [credentialsCipherProvider, ConnectionsService, ConnectionDirectoryStatus],
  exports: [ConnectionsService, ConnectionDirectoryStatus],
})
export class ConnectionsModule {}
