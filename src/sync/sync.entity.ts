import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const SYNC_STATUSES = ['pending', 'processing', 'synced', 'unmatched', 'needs_review', 'skipped', 'failed'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/** One (event, connection) delivery. This table is the work queue; only SyncRepository changes its state. */
@Entity('syncs')
export class SyncEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { name: 'event_id' }) eventId!: string;
  @Column('uuid', { name: 'connection_id' }) connectionId!: string;
  @Column('text') status!: SyncStatus;
  @Column('integer') attempts!: number;
  @Column('timestamptz', { name: 'next_attempt_at' }) nextAttemptAt!: Date;
  @Column('text', { name: 'lease_owner', nullable: true }) leaseOwner!: string | null;
  @Column('timestamptz', { name: 'lease_expires_at', nullable: true }) leaseExpiresAt!: Date | null;
  @Column('text', { name: 'candidate_id', nullable: true }) candidateId!: string | null;
  @Column('text', { name: 'candidate_name', nullable: true }) candidateName!: string | null;
  @Column('jsonb', { nullable: true }) match!: Record<string, unknown> | null;
  @Column('jsonb', { nullable: true }) resolution!: Record<string, unknown> | null;
  @Column('integer', { name: 'mapping_version', nullable: true }) mappingVersion!: number | null;
  @Column('text', { nullable: true }) visibility!: string | null;
  @Column('text', { name: 'visibility_reason', nullable: true }) visibilityReason!: string | null;
  @Column('text', { name: 'action_items_status', nullable: true }) actionItemsStatus!: string | null;
  @Column('jsonb', { name: 'rendered_note', nullable: true }) renderedNote!: Record<string, unknown> | null;
  @Column('jsonb', { name: 'note_ref', nullable: true }) noteRef!: Record<string, unknown> | null;
  @Column('boolean', { name: 'note_uncertain' }) noteUncertain!: boolean;
  @Column('text', { name: 'last_error_code', nullable: true }) lastErrorCode!: string | null;
  @Column('text', { name: 'last_error_message', nullable: true }) lastErrorMessage!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  /** Times the re-match job re-armed this sync while unmatched, and when it last did. */
  @Column('integer', { name: 'rematch_count', default: 0 }) rematchCount!: number;
  @Column('timestamptz', { name: 'rematched_at', nullable: true }) rematchedAt!: Date | null;
  /** Times the recovery job re-armed this sync after a failure that may pass, and when it last did. */
  @Column('integer', { name: 'recovery_count', default: 0 }) recoveryCount!: number;
  @Column('timestamptz', { name: 'recovered_at', nullable: true }) recoveredAt!: Date | null;
}
