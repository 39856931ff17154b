import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The local candidate directory: one row per ATS candidate per connection, keyed for matching lookups. */
@Entity('candidates')
export class CandidateEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'connection_id' }) connectionId!: string;
  @Column('text', { name: 'external_id' }) externalId!: string;
  @Column('text', { name: 'display_name' }) displayName!: string;
  @Column('text', { name: 'first_name', nullable: true }) firstName!: string | null;
  @Column('text', { name: 'last_name', nullable: true }) lastName!: string | null;
  @Column('text', { name: 'name_key', nullable: true }) nameKey!: string | null;
  /** Lookup keys of every spelling and shorter form of the name (name-lookup-keys.ts), GIN-indexed. */
  @Column('text', { name: 'name_keys', array: true }) nameKeys!: string[];
  @Column('text', { array: true }) phones!: string[];
  @Column('text', { array: true }) emails!: string[];
  @Column('jsonb', { nullable: true }) meta!: Record<string, unknown> | null;
  @Column('timestamptz', { name: 'ats_updated_at', nullable: true }) atsUpdatedAt!: Date | null;
  @Column('timestamptz', { name: 'refreshed_at' }) refreshedAt!: Date;
}
