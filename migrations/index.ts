import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { AdminAudit1764000001000 } from './1764000001000-admin-audit';
import { ScheduledJobs1764000002000 } from './1764000002000-scheduled-jobs';
import { CandidateNameKeys1764000003000 } from './1764000003000-candidate-name-keys';
import { AtsRateSlots1764000004000 } from './1764000004000-ats-rate-slots';
import { DirectorySyncState1764000005000 } from './1764000005000-directory-sync-state';
import { CandidateLookupKeys1764000006000 } from './1764000006000-candidate-lookup-keys';
import { Erasures1764000017000 } from './1764000017000-erasures';

/** Every migration, in order. Runtime, CLI and tests load this list (no globbing, so ts and js agree). */
export const MIGRATIONS = [InitialSchema1764000000000, AdminAudit1764000001000, ScheduledJobs1764000002000, CandidateNameKeys1764000003000, AtsRateSlots1764000004000, DirectorySyncState1764000005000, CandidateLookupKeys1764000006000,
  Erasures1764000017000];
