import { z } from 'zod';
import { SYNC_STATUSES } from '../sync/sync.entity';

/** Who the bearer token is: the console hides what a read-only token may not do. */
export const sessionViewSchema = z.object({
  actor: z.string().describe('the token label the audit log records'),
  readOnly: z.boolean(),
});

export const providerViewSchema = z.object({
  provider: z.string(),
  capabilities: z.object({
    search: z.array(z.enum(['name', 'email', 'phone'])),
    listing: z.boolean(),
    incrementalListing: z.boolean(),
    privateNotes: z.boolean(),
    richText: z.boolean(),
    actAsUser: z.boolean(),
    customFields: z.boolean(),
    rateLimit: z.object({ limit: z.number(), intervalMs: z.number() }),
  }),
  credentialsSchema: z.record(z.string(), z.unknown()).describe('JSON Schema of the connection\'s credentials'),
  settingsSchema: z.record(z.string(), z.unknown()).describe('JSON Schema of the connection\'s settings'),
  vendorDomains: z.array(z.string()),
});
export const providerListSchema = z.object({ items: z.array(providerViewSchema) });

export const candidateSearchQuery = z
  .object({
    q: z.string().trim().min(2).max(200).optional().describe('a name (or part of one), an email or a phone number'),
    ids: z
      .string()
      .max(2000)
      .optional()
      .transform((v) => (v === undefined ? undefined : v.split(',').map((x) => x.trim()).filter(Boolean).slice(0, 50)))
      .describe('comma-separated candidate ids: these candidates from the directory (e.g. a review\'s alternatives)'),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .refine((v) => v.q !== undefined || (v.ids?.length ?? 0) > 0, { message: 'give q or ids', path: ['q'] });

export const candidateHitSchema = z.object({
  externalId: z.string(),
  displayName: z.string(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  source: z.enum(['directory', 'ats']),
});
export const candidateSearchResponseSchema = z.object({
  items: z.array(candidateHitSchema),
  atsSearched: z.boolean().describe('whether the ATS itself was searched too (it can search by the kind of text given)'),
  atsError: z.string().nullable().describe('why the ATS search failed, when it did; directory hits are still given'),
});

const statusCounts = z.record(z.enum(SYNC_STATUSES), z.number().int());

export const overviewSchema = z.object({
  connections: z.array(z.object({ connectionId: z.string(), counts: statusCounts })),
  queue: z.object({
    due: z.number().int().describe('pending syncs whose time has come'),
    oldestDueAt: z.string().nullable(),
    processing: z.number().int(),
  }),
  failuresLast24h: z.array(z.object({ code: z.string(), count: z.number().int() })),
  needsReview: z.number().int(),
});
