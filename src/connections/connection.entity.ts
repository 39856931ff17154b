import { Column, CreateDateColumn, DeleteDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('connections')
export class ConnectionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') provider!: string;
  @Column('text', { name: 'account_id' }) accountId!: string;
  @Column('text', { name: 'team_id', nullable: true }) teamId!: string | null;
  /** AES-256-GCM ciphertext; never leaves the connections service in clear. */
  @Column('text', { name: 'credentials_encrypted', nullable: true, select: true }) credentialsEncrypted!: string | null;
  @Column('jsonb', { default: {} }) settings!: Record<string, unknown>;
  @Column('boolean', { default: true }) enabled!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz' }) deletedAt!: Date | null;
}
