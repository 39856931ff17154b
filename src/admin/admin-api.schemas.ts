import { z } from 'zod';
import { fieldMappingSchema } from '../mapping/field-mapping.schema';
import { SYNC_STATUSES } from '../sync/sync.entity';

/**
 * The admin API's request schemas (they validate) and answer schemas (they document). Both feed the OpenAPI
 * document, so the docs cannot drift from what the routes accept.
 */

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'expected a UUID');
const limit = z.coerce.number().int().min(1).max(500).default(50).describe('Page size (1–500)');
const cursor = z.string().min(1).max(500).describe('The `nextCursor` of the previous page').optional();
const isoDate = z.iso.datetime({ offset: true });
const problem = z.object({ path: z.string(), message: z.string() });

// ---------------------------------------------------------------------------------------------------------------
// Errors

export { errorBodySchema } from '../common/http/error-body.schema';

// ---------------------------------------------------------------------------------------------------------------
// Connections

export const listConnectionsQuery = z.object({
  limit,
  cursor,
  provider: z.string().min(1).max(50).optional(),
  accountId: z.string().min(1).max(255).optional(),
  teamId: z.string().min(1).max(255).optional(),
  enabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

export const connectionViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.string(),
  accountId: z.string(),
  teamId: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  hasCredentials: z.boolean().describe('Credentials are write-only: only whether they are set is shown'),
  createdAt: z.string(),
  updatedAt: z.string(),
  directory: z
    .object({
      candidates: z.number().int().describe('Candidates in the local directory'),
      complete: z.boolean().describe('A full listing has completed and none is requested since (a change of the connection requests one)'),
      running: z.boolean().describe('A refresh of this directory is running now (on any instance)'),
      pages: z.number().int().describe('Pages read by the current or last refresh'),
      lastFullRefreshAt: z.string().nullable(),
    })
    .nullable()
    .optional()
    .describe('The candidate directory (null for an ATS that cannot list candidates)'),
});

const pageOf = (item: z.ZodType) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('null on the last page') });

export const connectionPageSchema = pageOf(connectionViewSchema);

// ---------------------------------------------------------------------------------------------------------------
// Mapping

export const mappingViewSchema = z.object({
  version: z.number().int().describe('0 = the built-in default (the connection has no mapping of its own)'),
  mapping: fieldMappingSchema,
  isDefault: z.boolean(),
  warnings: z.array(problem).optional().describe('Settings that are valid but probably not what was meant'),
});

export const listMappingVersionsQuery = z.object({ limit, cursor });

/** A stored version's number in a path: a positive 32-bit integer (the column's range). */
export const mappingVersionParam = z.object({
  version: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'expected a version number (1 or more)')
    .transform(Number)
    .refine((n) => n <= 2_147_483_647, 'expected a version number (1 or more)'),
});

const mappingVersionEntrySchema = z.object({
  version: z.number().int().describe('1 for the first saved version; the built-in default (0) is not stored'),
  createdAt: z.string(),
  createdBy: z.string().nullable().describe('The admin token\'s actor that saved it'),
});

export const mappingVersionPageSchema = pageOf(mappingVersionEntrySchema);

export const mappingVersionSchema = mappingVersionEntrySchema.extend({ mapping: fieldMappingSchema });

// ---------------------------------------------------------------------------------------------------------------
// Preview

export const previewRequestSchema = z
  .strictObject({
    payload: z.unknown().optional().describe('A meeting.completed payload, validated as the webhook validates it'),
    eventId: z.string().min(1).max(255).optional().describe('A stored event to render instead of a payload'),
    mapping: z.unknown().optional().describe('An unsaved field mapping to try; the saved one is used without it'),
    fetchActionItems: z
      .boolean()
      .default(false)
      .describe('Fetch the payload\'s actionItemsUrl (allowed hosts only), as a sync would; off by default'),
    directoryOnly: z
      .boolean()
      .default(false)
      .describe('Match against the local candidate directory only, without the read-only ATS searches a sync runs'),
  })
  .superRefine((body, ctx) => {
    const given = Number(body.payload !== undefined) + Number(body.eventId !== undefined);
    if (given !== 1) ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of payload or eventId' });
  });

const evidenceSchema = z.object({ kind: z.string(), candidateId: z.string(), detail: z.string() });

export const previewResponseSchema = z.object({
  connectionId: z.string(),
  provider: z.string(),
  eventId: z.string(),
  mappingVersion: z.number().int().nullable().describe('null when an unsaved mapping was given'),
  mappingSource: z.enum(['saved', 'default', 'draft']),
  wouldPost: z.boolean().describe('Whether a sync would post this note now (routed, matched, visibility allows)'),
  routing: z.object({ routed: z.boolean(), reason: z.string() }),
  visibility: z.object({
    action: z.enum(['post', 'skip']),
    visibility: z.enum(['public', 'private']).nullable(),
    omitLinks: z.boolean(),
    reason: z.string(),
  }),
  match: z.object({
    source: z.enum(['directory', 'directory+ats', 'resolution']).describe('directory+ats: the ATS was searched, as a sync would'),
    searches: z
      .array(z.object({ kind: z.enum(['phone', 'email', 'name']), value: z.string(), found: z.number().int(), error: z.string().optional() }))
      .describe('The read-only ATS searches that ran, in order (empty when the directory decided or directoryOnly)'),
    decision: z.string(),
    candidateId: z.string().nullable(),
    candidateName: z.string().nullable(),
    score: z.number().nullable(),
    evidence: z.array(evidenceSchema),
    alternatives: z.array(
      z.object({ candidateId: z.string(), displayName: z.string(), score: z.number(), evidence: z.array(evidenceSchema) }),
    ),
    reason: z.string(),
  }),
  actionItems: z.object({
    fetched: z.boolean(),
    status: z.string(),
    count: z.number().int().optional(),
    reason: z.string().optional(),
  }),
  note: z
    .object({
      title: z.string(),
      text: z.string(),
      html: z.string(),
      format: z.enum(['html', 'text']).describe('Which body this ATS receives'),
      visibility: z.enum(['public', 'private']),
      referenceMarker: z.string(),
      author: z.record(z.string(), z.unknown()),
    })
    .nullable()
    .describe('null when the note would not be posted (visibility decision skip)'),
  notes: z.array(z.string()).describe('What the preview did not do that a sync would'),
});

// ---------------------------------------------------------------------------------------------------------------
// Connection test

export const connectionTestResponseSchema = z.object({
  ok: z.boolean().describe('Every required check passed (advisory ones may warn)'),
  checks: z.array(
    z.object({
      check: z.string(),
      ok: z.boolean(),
      detail: z.string(),
      code: z.string().optional(),
      severity: z.enum(['required', 'advisory']).optional().describe('advisory: a failure warns without failing the test'),
    }),
  ),
  rearmed: z.number().int().describe('Failed syncs (AUTH_FAILED, PERMISSION_DENIED, TEMPORARY) re-armed because the test passed'),
});

// ---------------------------------------------------------------------------------------------------------------
// Syncs

const statusList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(SYNC_STATUSES)));

export const listSyncsQuery = z.object({
  status: statusList.optional().describe(`Comma-separated: ${SYNC_STATUSES.join(', ')}`),
  eventId: z.string().min(1).max(255).optional(),
  connectionId: z.string().min(1).max(64).optional(),
  candidateId: z.string().min(1).max(255).optional().describe('the ATS candidate id the sync was filed on or matched to'),
  from: isoDate.optional().describe('created at or after (ISO 8601)'),
  to: isoDate.optional().describe('created before (ISO 8601)'),
  limit,
  cursor,
});

export const resolveSyncSchema = z.strictObject({ candidateId: z.string().trim().min(1).max(255) });

const errorRef = z.object({ code: z.string(), message: z.string().nullable() }).nullable();

export const syncViewSchema = z.object({
  id: z.string(),
  eventId: z.string(),
  connectionId: z.string(),
  status: z.enum(SYNC_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  candidateId: z.string().nullable(),
  candidateName: z.string().nullable(),
  visibility: z.string().nullable(),
  lastError: errorRef,
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const syncDetailSchema = syncViewSchema.extend({
  match: z.record(z.string(), z.unknown()).nullable(),
  resolution: z.record(z.string(), z.unknown()).nullable(),
  mappingVersion: z.number().int().nullable().describe('The field-mapping version that rendered the note'),
  visibilityReason: z.string().nullable(),
  actionItems: z.string().nullable(),
  note: z.record(z.string(), z.unknown()).nullable().describe('The note as rendered and the ATS reference'),
  noteUncertain: z.boolean(),
  leaseExpiresAt: z.string().nullable(),
  attemptsHistory: z.array(
    z.object({
      attempt: z.number().int(),
      worker: z.string().nullable(),
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      outcome: z.string(),
      error: errorRef,
      detail: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
});

export const syncPageSchema = pageOf(syncViewSchema);

export const eventViewSchema = z.object({
  id: z.string(),
  eventType: z.string(),
  accountId: z.string(),
  teamId: z.string().nullable(),
  createdAt: z.string(),
  receivedAt: z.string(),
  status: z.string(),
  signatureScheme: z.string(),
  payload: z.unknown().describe('The body as received; null once purged by retention'),
  payloadPurgedAt: z.string().nullable(),
  syncs: z.array(syncViewSchema),
});

export const sampleMeetingResponseSchema = z.object({
  eventId: z.string().describe('The new event, a copy of the provider\'s sample for this connection\'s account'),
  syncsCreated: z.number().int().describe('The syncs it created: one per enabled connection its account and team route to'),
});

export const replayResponseSchema = z.object({ eventId: z.string(), created: z.number().int(), syncIds: z.array(z.string()) });

/** `synced` and `processing` are left out of the default; `processing` can never be re-armed (a worker holds it). */
const RESYNCABLE = ['pending', 'synced', 'unmatched', 'needs_review', 'skipped', 'failed'] as const;

export const resyncRequestSchema = z
  .strictObject({
    statuses: z
      .array(z.enum(RESYNCABLE))
      .min(1)
      .default(['failed'])
      .describe('Which syncs to re-arm (default ["failed"]). "synced" also needs includeSynced: true'),
    includeSynced: z
      .boolean()
      .default(false)
      .describe(
        'Confirms that synced syncs are meant. The pipeline first looks for the note it posted (by its reference ' +
          'marker) and posts again only when that note is gone or cannot be found',
      ),
    connectionId: uuid.optional(),
    from: isoDate.optional().describe('created at or after (ISO 8601)'),
    to: isoDate.optional().describe('created before (ISO 8601)'),
    dryRun: z.boolean().default(false).describe('Count and list what would be re-armed; change nothing'),
  })
  .superRefine((body, ctx) => {
    body.statuses.forEach((status, index) => {
      if (status === 'synced' && !body.includeSynced) {
        ctx.addIssue({
          code: 'custom',
          path: ['statuses', index],
          message: 're-running synced syncs may post their note again; add "includeSynced": true to confirm',
        });
      }
    });
    if (body.from && body.to && Date.parse(body.from) >= Date.parse(body.to)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
    }
  });

export const resyncResponseSchema = z.object({
  dryRun: z.boolean(),
  matched: z.number().int().describe('Syncs that matched the filter'),
  rearmed: z.number().int().describe('Syncs re-armed (a sync that changed state meanwhile is left alone)'),
  ids: z.array(z.string()).describe('The first 100 re-armed (or, on a dry run, matched) sync ids'),
  idsTruncated: z.boolean(),
});

// ---------------------------------------------------------------------------------------------------------------
// Audit

export const listAuditQuery = z.object({
  limit,
  cursor,
  targetType: z.enum(['connection', 'mapping', 'sync', 'syncs', 'event', 'erasure']).optional(),
  targetId: z.string().min(1).max(255).optional(),
  action: z.string().min(1).max(100).optional().describe('e.g. connection.update, mapping.put, sync.retry'),
  actor: z.string().min(1).max(100).optional().describe('Token label, e.g. admin:1a2b3c4d'),
});

export const auditPageSchema = pageOf(
  z.object({
    id: z.string(),
    at: z.string(),
    actor: z.string().describe('Label of the admin token used (never the token)'),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
  }),
);
