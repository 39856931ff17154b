import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FieldMappingEntity } from './field-mapping.entity';
import { FieldMappingRepository } from './field-mapping.repository';

/** Field mappings (table `field_mappings`) and the pure renderer that applies them. */
@Module({
  imports: [TypeOrmModule.forFeature([FieldMappingEntity])],
  providers: [FieldMappingRepository],
  exports: [FieldMappingRepository],
})
export class MappingModule {}
