import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionEntity } from './connection.entity';
import { ConnectionsController } from './connections.controller';
import { ConnectionsService } from './connections.service';
import { credentialsCipherProvider } from './encryption-key.provider';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ConnectionEntity])],
  controllers: [ConnectionsController],
  providers: [credentialsCipherProvider, ConnectionsService],
  exports: [ConnectionsService],
})
export class ConnectionsModule {}
