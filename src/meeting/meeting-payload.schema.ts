import { z } from 'zod';
import { toJsonPath } from '../common/json-path';

/**
 * The provider's `meeting.completed` payload. Required: what Debrief cannot work without (the event id for
 * idempotency, the type, the time, the meeting id and the account that routes it). Everything else of the
 * seed is typed but optional, and unknown fields are kept (`looseObject`).
 * `assets` is accepted both beside `data` (the seed's sample) and under `data` (the seed's table).
 */
const url = z.string().max(4096);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Identifiers are stored in text columns, where Postgres refuses the NUL character. */
const identifier = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !v.includes('\u0000'), 'must not contain a NUL character')
    // A lone surrogate would be stored as U+FFFD: two different ids would collide, and the id read back would
    // no longer be the one in the stored body (the sync of such an event could never record its outcome).
    .refine((v) => !LONE_SURROGATE.test(v), 'must not contain a lone UTF-16 surrogate (\\uD800-\\uDFFF)');

/** The latest instant a JavaScript Date (and so the stored timestamp) can hold. */
const MAX_DATE_MS = 8_640_000_000_000_000;

const assetsSchema = z.looseObject({
  transcriptionUrl: url.nullish(),
  recordingUrl: url.nullish(),
  actionItemsUrl: url.nullish(),
  databaseNotes: z
    .array(z.looseObject({ name: z.string().max(500).nullish(), note: z.string().max(200_000).nullish() }))
    .max(500)
    .nullish(),
  followUpMaterials: z
    .array(z.looseObject({ name: z.string().max(500).nullish(), txtUrl: url.nullish(), pdfUrl: url.nullish() }))
    .max(500)
    .nullish(),
});

export const meetingPayloadSchema = z.looseObject({
  id: identifier(255).min(1),
  eventType: identifier(255).min(1),
  createdAt: z.number().finite().nonnegative().max(MAX_DATE_MS, 'must be a Unix time in milliseconds'),
  data: z.looseObject({
    meeting: z.looseObject({
      id: identifier(255).min(1),
      name: z.string().max(1000).nullish(),
      startTime: z.iso.datetime({ offset: true }).nullish(),
      ownerName: z.string().max(500).nullish(),
      ownerEmail: z.string().max(500).nullish(),
      participants: z.array(z.string().max(500)).max(1000).nullish(),
      atsRecordName: z.string().max(500).nullish(),
      isPrivate: z.boolean().nullish(),
    }),
    organization: z.looseObject({
      accountId: identifier(255).min(1),
      teamId: identifier(255).nullish(),
    }),
    assets: assetsSchema.nullish(),
  }),
  assets: assetsSchema.nullish(),
});

export type MeetingPayload = z.infer<typeof meetingPayloadSchema>;

export const MEETING_COMPLETED = 'meeting.completed';

export interface PayloadIssue {
  path: string;
  message: string;
}

export { toJsonPath };

/**
 * What every event needs, whatever its type: an id (idempotency), a type and a time. Another event type is
 * stored as `ignored` once these hold, without the meeting.completed fields it has no reason to carry.
 */
export const eventEnvelopeSchema = z.looseObject({
  id: meetingPayloadSchema.shape.id,
  eventType: meetingPayloadSchema.shape.eventType,
  createdAt: meetingPayloadSchema.shape.createdAt,
});

export interface EventEnvelope {
  id: string;
  eventType: string;
  createdAt: number;
  /** The routing fields when the event carries them in the seed's place, else null. */
  accountId: string | null;
  teamId: string | null;
}

const optionalIdentifier = identifier(255).min(1);

export function validateEnvelope(body: unknown): { ok: true; envelope: EventEnvelope } | { ok: false; issues: PayloadIssue[] } {
  const result = eventEnvelopeSchema.safeParse(body);
  if (!result.success) {
    return { ok: false, issues: result.error.issues.map((i) => ({ path: toJsonPath(i.path), message: i.message })) };
  }
  const organization = (result.data as { data?: { organization?: { accountId?: unknown; teamId?: unknown } } }).data?.organization;
  const read = (v: unknown) => (optionalIdentifier.safeParse(v).success ? (v as string) : null);
  return {
    ok: true,
    envelope: { ...result.data, accountId: read(organization?.accountId), teamId: read(organization?.teamId) },
  };
}

export function validatePayload(body: unknown): { ok: true; payload: MeetingPayload } | { ok: false; issues: PayloadIssue[] } {
  const result = meetingPayloadSchema.safeParse(body);
  if (result.success) return { ok: true, payload: result.data };
  return { ok: false, issues: result.error.issues.map((i) => ({ path: toJsonPath(i.path), message: i.message })) };
}
