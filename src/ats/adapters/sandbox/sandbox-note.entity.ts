import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Notes posted to the sandbox ATS, which lives in Debrief's own database. */
@Entity('sandbox_notes')
export class SandboxNoteEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'connection_id' }) connectionId!: string;
  @Column('text', { name: 'candidate_id' }) candidateId!: string;
  @Column('text') title!: string;
  @Column('text', { name: 'body_text' }) bodyText!: string;
  @Column('text', { name: 'body_html' }) bodyHtml!: string;
  @Column('text') visibility!: string;
  @Column('text', { nullable: true }) author!: string | null;
  @Column('text', { name: 'reference_marker' }) referenceMarker!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
