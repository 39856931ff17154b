import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { meetingPayloadSchema, validatePayload } from './meeting-payload.schema';

type MeetingPayloadInput = z.input<typeof meetingPayloadSchema>;

/** Where the provider's sample payload is kept: the only copy, read also by the scripts, the tests and the console. */
export const PROVIDER_SAMPLE_FILE = join('src', 'meeting', 'meeting-completed.sample.json');

let sample: MeetingPayloadInput | undefined;

/**
 * The provider's sample `meeting.completed` payload, as its webhook documentation gives it. Read from the
 * working directory, like the console's files (Debrief runs from its checkout), on first use.
 */
export function providerSample(): MeetingPayloadInput {
  if (!sample) {
    const parsed: unknown = JSON.parse(readFileSync(resolve(process.cwd(), PROVIDER_SAMPLE_FILE), 'utf8'));
    if (!validatePayload(parsed).ok) throw new Error(`${PROVIDER_SAMPLE_FILE} does not validate as a meeting.completed payload`);
    sample = parsed as MeetingPayloadInput;
  }
  return sample;
}

/**
 * The provider's sample as a new event of one account: its own id and the time now, so that each one is a new
 * meeting rather than a duplicate of the last, and the account's (and team's) ids, so that it routes like that
 * account's own webhooks. Everything else (meeting, participants, notes, links) is the sample's.
 */
export function sampleMeetingEvent(
  organization: { accountId: string; teamId: string | null },
  eventId: string,
  now: Date,
): MeetingPayloadInput {
  const sample = providerSample();
  return {
    ...sample,
    id: eventId,
    createdAt: now.getTime(),
    data: {
      ...sample.data,
      organization: { accountId: organization.accountId, teamId: organization.teamId ?? sample.data.organization.teamId },
    },
  };
}
