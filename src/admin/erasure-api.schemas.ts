import { z } from 'zod';

const identifier = (max: number) => z.string().trim().min(1).max(max);

export const erasureRequestSchema = z.strictObject({
  connectionId: z.uuid().optional().describe('Only this connection (required with atsCandidateId); absent: every connection'),
  person: z
    .strictObject({
      email: identifier(320).optional(),
      phone: identifier(64).optional().describe('E.164 preferably; national numbers are read in the connection\'s defaultRegion'),
      name: identifier(500).optional().describe('Exact name, compared as matching compares names (case, accents, order)'),
      atsCandidateId: identifier(255).optional().describe('Everything about this candidate on connectionId'),
    })
    .describe('At least one identifier'),
  deleteNotesInAts: z.boolean().optional().describe('Also delete the notes Debrief filed, on ATSs whose API can'),
  dryRun: z.boolean().optional().describe('Report what would be erased and change nothing'),
});

export const erasureAcceptedSchema = z.object({ id: z.uuid() });

const counts = z.object({ found: z.number().int(), purged: z.number().int() });
const note = z.object({
  syncId: z.string(),
  eventId: z.string(),
  connectionId: z.string(),
  provider: z.string().nullable(),
  candidateId: z.string().describe('The ATS candidate the note is on'),
  externalNoteId: z.string().describe('The note\'s id in the ATS'),
  postedAt: z.string().nullable(),
  reason: z.string().optional().describe('Why it is still in the ATS'),
});

export const erasureViewSchema = z.object({
  id: z.uuid(),
  status: z.enum(['pending', 'running', 'completed', 'failed']),
  dryRun: z.boolean(),
  deleteNotesInAts: z.boolean(),
  connectionId: z.string().nullable(),
  identifierKinds: z.array(z.string()).describe('Which kinds of identifier were given (never their values)'),
  identifierHash: z.string().describe('Salted SHA-256 of the normalised identifiers, as in the audit log'),
  progress: z.object({ phase: z.string(), step: z.number().int(), steps: z.number().int(), notesDone: z.number().int(), notesTotal: z.number().int() }),
  runs: z.number().int(),
  lastError: z.string().nullable(),
  report: z.object({
    events: counts.describe('Events about the person; purged = bodies dropped'),
    syncs: counts.describe('Syncs about or naming the person; purged = note, evidence and details dropped'),
    directory: counts.describe('Candidate directory rows; purged = deleted'),
    notes: z.object({
      deleted: z.array(note),
      alreadyGone: z.array(note),
      left: z.array(note).describe('Still in the ATS: remove them there (candidate and note ids given)'),
      wouldDelete: z.array(note).describe('Dry run: notes a real run would delete'),
    }),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const retentionViewSchema = z.object({
  retentionDays: z.number().int(),
  nextPurgeAt: z.string().nullable().describe('When the retention job next runs (JOB_RETENTION_CRON in JOB_TIMEZONE)'),
  kept: z.array(z.object({ what: z.string(), keptFor: z.string(), then: z.string() })),
});
