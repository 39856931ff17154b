import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only history: what each attempt of a sync did and why it ended. */
@Entity('sync_attempts')
export class SyncAttemptEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'sync_id' }) syncId!: string;
  @Column('integer') attempt!: number;
  @Column('text', { nullable: true }) worker!: string | null;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'finished_at' }) finishedAt!: Date;
  @Column('text') outcome!: string;
  @Column('text', { name: 'error_code', nullable: true }) errorCode!: string | null;
  @Column('text', { name: 'error_message', nullable: true }) errorMessage!: string | null;
  @Column('jsonb', { nullable: true }) detail!: Record<string, unknown> | null;
}
