import { SandboxNoteEntity } from '../ats/adapters/sandbox/sandbox-note.entity';
import { ConnectionEntity } from '../connections/connection.entity';
import { FieldMappingEntity } from '../mapping/field-mapping.entity';
import { CandidateEntity } from '../matching/candidate.entity';
import { SyncAttemptEntity } from '../sync/sync-attempt.entity';
import { SyncEntity } from '../sync/sync.entity';
import { WebhookEventEntity } from '../webhook/webhook-event.entity';

export const ENTITIES = [
  WebhookEventEntity,
  ConnectionEntity,
  FieldMappingEntity,
  SyncEntity,
  SyncAttemptEntity,
  CandidateEntity,
  SandboxNoteEntity,
];
