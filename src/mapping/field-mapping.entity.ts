import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One version of a connection's field-mapping document; versions are append-only. */
@Entity('field_mappings')
export class FieldMappingEntity {
  @PrimaryColumn('uuid', { name: 'connection_id' }) connectionId!: string;
  @PrimaryColumn('integer') version!: number;
  @Column('jsonb') document!: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('text', { name: 'created_by', nullable: true }) createdBy!: string | null;
}
