import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('webhook_events')
export class WebhookEventEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'event_type' }) eventType!: string;
  @Column('text', { name: 'account_id' }) accountId!: string;
  @Column('text', { name: 'team_id', nullable: true }) teamId!: string | null;
  @Column('timestamptz', { name: 'provider_created_at' }) providerCreatedAt!: Date;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('text') status!: 'accepted' | 'ignored';
  @Column('text', { name: 'signature_scheme' }) signatureScheme!: string;
  @Column('text', { name: 'raw_body', nullable: true }) rawBody!: string | null;
  @Column('timestamptz', { name: 'raw_body_purged_at', nullable: true }) rawBodyPurgedAt!: Date | null;
}
