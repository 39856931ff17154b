import { createHmac } from 'node:crypto';

/** The account every bench event belongs to (one connection routes it). */
export const BENCH_ACCOUNT = 'acc_bench';

const FIRST = ['Maria', 'James', 'Aisha', 'Chen', 'Olga', 'Diego', 'Priya', 'Tomas', 'Fatima', 'Lukas', 'Yuki', 'Noah', 'Amara', 'Ivan', 'Sofia', 'Kwame', 'Elena', 'Omar', 'Hana', 'Pedro'];
const LAST = ['Garcia', 'Smith', 'Okafor', 'Wang', 'Petrova', 'Lopez', 'Sharma', 'Novak', 'Haddad', 'Muller', 'Tanaka', 'Brown', 'Mensah', 'Ivanov', 'Rossi', 'Boateng', 'Popescu', 'Nasser', 'Kim', 'Silva', 'Dubois', 'Jensen', 'Costa', 'Fischer', 'Moreau', 'Santos', 'Weber', 'Nowak', 'Horvat', 'Lindqvist'];

export interface BenchCandidate {
  id: number;
  firstName: string;
  lastName: string;
  phone: string;
  email: string;
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'ne', 'to', 'su', 'vi', 'da', 're', 'po', 'li', 'sa', 'mo', 'te', 'ni', 'go', 'be', 'fa', 'zu'];
const capitalised = (s: string) => s[0].toUpperCase() + s.slice(1);
const syllables = (n: number, count: number) =>
  Array.from({ length: count }, (_, k) => SYLLABLES[Math.floor(n / SYLLABLES.length ** k) % SYLLABLES.length]).join('');

/**
 * Distinct people (distinct names and phones), so every meeting matches exactly one of them: common first
 * and last names first, then made-up names from syllables, for directories of realistic size.
 */
export function benchCandidates(count: number): BenchCandidate[] {
  const common = FIRST.length * LAST.length;
  if (count > common + 400 * 8000) throw new Error('too many bench candidates');
  return Array.from({ length: count }, (_, i) => {
    const j = i - common;
    const firstName = i < common ? FIRST[i % FIRST.length] : capitalised(syllables(j % 400, 2));
    const lastName = i < common ? LAST[Math.floor(i / FIRST.length)] : capitalised(syllables(Math.floor(j / 400), 3));
    return {
      id: 100_001 + i,
      firstName,
      lastName,
      phone: `+1415${String(2_000_000 + i).padStart(7, '0')}`,
      email: `${firstName}.${lastName}.${i}@candidates.example`.toLowerCase(),
    };
  });
}

/** Meeting owners, all Greenhouse users of the fake ATS. */
export const BENCH_OWNERS = [
  { id: 501, name: 'Alex Rivers', email: 'alex.rivers@recruiting.example' },
  { id: 502, name: 'Sam Okoye', email: 'sam.okoye@recruiting.example' },
  { id: 503, name: 'Robin Keller', email: 'robin.keller@recruiting.example' },
  { id: 504, name: 'Jo Marsh', email: 'jo.marsh@recruiting.example' },
];

export const eventIdOf = (run: string, i: number) => `evt_${run}_${String(i).padStart(6, '0')}`;

/** A `meeting.completed` payload about one bench candidate; no action-items URL (nothing to fetch). */
export function meetingPayload(eventId: string, candidate: BenchCandidate, i: number): Record<string, unknown> {
  const owner = BENCH_OWNERS[i % BENCH_OWNERS.length];
  return {
    id: eventId,
    eventType: 'meeting.completed',
    createdAt: Date.now(),
    data: {
      meeting: {
        id: `mtg_${eventId}`,
        name: `Interview: ${candidate.firstName} ${candidate.lastName}`,
        startTime: new Date(Date.now() - 3_600_000).toISOString(),
        ownerName: owner.name,
        ownerEmail: owner.email,
        participants: [candidate.phone],
        atsRecordName: `${candidate.firstName} ${candidate.lastName}`,
        isPrivate: false,
      },
      organization: { accountId: BENCH_ACCOUNT, teamId: 'team_bench' },
    },
    assets: {
      transcriptionUrl: `https://recorder.example/transcripts/${eventId}.txt`,
      recordingUrl: `https://recorder.example/recordings/${eventId}.mp4`,
      databaseNotes: [{ name: 'Summary', note: 'Discussed the role, the team and the next steps. Strong on system design.' }],
      followUpMaterials: [{ name: 'Recap', txtUrl: `https://recorder.example/recaps/${eventId}.txt`, pdfUrl: null }],
    },
  };
}

/** Standard Webhooks headers: HMAC-SHA256 over `${id}.${timestamp}.${body}`. */
export function signedHeaders(secret: string, messageId: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret);
  const signature = createHmac('sha256', key).update(`${messageId}.${timestamp}.${body}`).digest('base64');
  return {
    'content-type': 'application/json',
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${signature}`,
  };
}
