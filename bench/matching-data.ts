/**
 * Deterministic, realistic candidate directories and meetings for the matching benchmark: common names with a
 * heavy head (many John Smiths), a long tail of rarer surnames, accents, particles, middle names and initials,
 * valid US phone numbers (one per candidate, some shared by two people, some people with two), and emails.
 */
import { normalisePhone } from '../src/matching/identifier-normaliser';

/** A small fast PRNG (mulberry32): the same seed gives the same directory on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = [
  'James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth', 'David',
  'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Christopher', 'Lisa',
  'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Margaret', 'Mark', 'Sandra', 'Donald', 'Ashley', 'Steven',
  'Kimberly', 'Paul', 'Emily', 'Andrew', 'Donna', 'Joshua', 'Michelle', 'Kenneth', 'Carol', 'Kevin', 'Amanda',
  'Brian', 'Melissa', 'George', 'Deborah', 'Timothy', 'Stephanie', 'Ronald', 'Rebecca', 'Jason', 'Laura', 'Edward',
  'Helen', 'Jeffrey', 'Sharon', 'Ryan', 'Cynthia', 'Jacob', 'Kathleen', 'Gary', 'Amy', 'Nicholas', 'Angela', 'Eric',
  'Anna', 'Jonathan', 'Brenda', 'José', 'María', 'Zoë', 'Søren', 'Björn', 'François', 'Łukasz', 'Jürgen', 'Renée',
  'Chloé', 'Luis', 'Carlos', 'Sofia', 'Olga', 'Dmitry', 'Yuliya', 'Wei', 'Li', 'Mohammed', 'Aisha', 'Fatima',
  'Ahmed', 'Priya', 'Rahul', 'Arjun', 'Hiroshi', 'Yuki', 'Kenji', 'Min-jun', 'Seo-yeon', 'Ingrid', 'Lars', 'Astrid',
  'Mateo', 'Lucía', 'Giulia', 'Marco', 'Élodie', 'Noémie', 'Siobhán', 'Seán', 'Niamh', 'Oisín', 'Kwame', 'Amara',
  'Chidi', 'Ngozi', 'Tomás', 'Inês', 'João', 'Ségolène', 'Ülkü', 'Çağan',
];

const COMMON_LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez',
  'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen',
  'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall',
  'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber',
  'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'García', 'Fernández', 'González', 'Rodríguez', 'López',
  'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Núñez', 'Kowalski', 'Nowak', 'Wiśniewski', 'Wójcik', 'Kovačević',
  'Petrović', 'Ivanov', 'Smirnov', 'Kuznetsov', 'Popov', 'Papadopoulos', 'Rossi', 'Russo', 'Ferrari', 'Esposito',
  'Bianchi', 'Romano', 'Colombo', 'Dubois', 'Lefèvre', 'Moreau', 'Laurent', "O'Brien", "O'Connor", 'McCarthy',
  'Murphy', 'Kelly', 'van der Berg', 'van Dijk', 'de Jong', 'de la Cruz', 'da Silva', 'dos Santos', 'Kim', 'Park',
  'Choi', 'Tanaka', 'Suzuki', 'Watanabe', 'Wang', 'Zhang', 'Liu', 'Chen', 'Yang', 'Khan', 'Ali', 'Hussain', 'Patel',
  'Shah', 'Singh', 'Kumar', 'Andersen', 'Nielsen', 'Hansen', 'Jensen', 'Johansson', 'Larsson', 'Karlsson',
  'Nilsson', 'Virtanen', 'Korhonen', 'Øberg', 'Strauß', 'Groß', 'Okafor', 'Mensah', 'Haddad', 'Nasser',
];

const TAIL_PREFIX = [
  'Al', 'Bar', 'Ber', 'Bran', 'Cal', 'Car', 'Dal', 'Dorn', 'El', 'Fair', 'Fen', 'Gal', 'Gar', 'Hal', 'Har', 'Hol',
  'Ing', 'Kel', 'Kin', 'Lan', 'Lind', 'Mar', 'Mer', 'Nor', 'Oak', 'Pen', 'Ral', 'Ren', 'Sal', 'Ster', 'Tal',
  'Thorn', 'Ul', 'Val', 'Ver', 'Wal', 'Wes', 'Win', 'Yar', 'Zel',
];
const TAIL_MIDDLE = ['a', 'e', 'i', 'o', '', 'an', 'en', 'or'];
const TAIL_SUFFIX = [
  'ton', 'ley', 'wood', 'berg', 'stein', 'son', 'sen', 'ford', 'ridge', 'more', 'field', 'worth', 'dale', 'by',
  'ham', 'wick', 'ski', 'ova', 'ez', 'ini',
];
const TAIL_SIZE = TAIL_PREFIX.length * TAIL_MIDDLE.length * TAIL_SUFFIX.length;

function tailName(n: number): string {
  const p = TAIL_PREFIX[n % TAIL_PREFIX.length]!;
  const m = TAIL_MIDDLE[Math.floor(n / TAIL_PREFIX.length) % TAIL_MIDDLE.length]!;
  const s = TAIL_SUFFIX[Math.floor(n / (TAIL_PREFIX.length * TAIL_MIDDLE.length)) % TAIL_SUFFIX.length]!;
  return `${p}${m}${s}`;
}

/** Picks index r of a list with probability ∝ 1 / (r + k): a heavy head and a long flat tail. */
function zipf(size: number, k: number): (random: number) => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let r = 0; r < size; r++) cumulative.push((total += 1 / (r + k)));
  return (random) => {
    const target = random * total;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const pickFirst = zipf(FIRST_NAMES.length, 6);
const pickCommonLast = zipf(COMMON_LAST_NAMES.length, 12);

// Area codes whose numbers libphonenumber accepts; candidates and unknown callers use different ones.
const CANDIDATE_AREAS = ['212', '213', '305', '312', '404', '415', '469', '503', '512', '617', '646', '702', '713', '718', '801', '917'];
const STRANGER_AREAS = ['206', '303'];

function validPrefixes(areas: string[]): string[] {
  const prefixes: string[] = [];
  for (const area of areas) {
    for (let exchange = 201; exchange <= 989; exchange++) {
      if (exchange % 100 === 11 || exchange === 555) continue;
      const prefix = `+1${area}${exchange}`;
      if (normalisePhone(`${prefix}4567`) === `${prefix}4567` && normalisePhone(`${prefix}0001`) === `${prefix}0001`) {
        prefixes.push(prefix);
      }
    }
  }
  return prefixes;
}

export interface BenchCandidate {
  index: number;
  externalId: string;
  firstName: string;
  lastName: string;
  displayName: string;
  /** E.164, as the directory stores them. */
  phones: string[];
  /** Lower-case. */
  emails: string[];
}

const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .replace(/ß/g, 'ss')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

/** The directory: candidate i is always the same person. */
export class DirectoryGenerator {
  private readonly prefixes = validPrefixes(CANDIDATE_AREAS);
  private readonly strangerPrefixes = validPrefixes(STRANGER_AREAS);

  constructor(private readonly seed: number) {}

  /** A phone number only candidate `i` has (its first one). */
  phoneOf(i: number): string {
    const prefix = this.prefixes[i % this.prefixes.length]!;
    const line = Math.floor(i / this.prefixes.length) % 10_000;
    return `${prefix}${String(line).padStart(4, '0')}`;
  }

  /** A valid number nobody in the directory has. */
  strangerPhone(n: number): string {
    const prefix = this.strangerPrefixes[n % this.strangerPrefixes.length]!;
    return `${prefix}${String(Math.floor(n / this.strangerPrefixes.length) % 10_000).padStart(4, '0')}`;
  }

  candidate(i: number): BenchCandidate {
    const random = prng(this.seed ^ Math.imul(i + 1, 0x9e3779b1));
    const first = FIRST_NAMES[pickFirst(random())]!;
    const last = random() < 0.6 ? COMMON_LAST_NAMES[pickCommonLast(random())]! : tailName(Math.floor(random() * TAIL_SIZE));
    const middleRoll = random();
    const middle =
      middleRoll < 0.12 ? ` ${FIRST_NAMES[pickFirst(random())]!}` : middleRoll < 0.17 ? ` ${String.fromCharCode(65 + Math.floor(random() * 26))}.` : '';
    const firstName = `${first}${middle}`;
    const phones = [this.phoneOf(i)];
    const phoneRoll = random();
    // A second line of their own, or a household number shared with the previous candidate.
    if (phoneRoll < 0.2) phones.push(this.phoneOf(i + 2_000_000));
    else if (phoneRoll < 0.205 && i > 0) phones.push(this.phoneOf(i - 1));
    const emails: string[] = [];
    const emailRoll = random();
    if (emailRoll < 0.8) emails.push(`${ascii(first)}.${ascii(last)}${i}@example.com`);
    if (emailRoll < 0.1) emails.push(`${ascii(first)}${i}@mail.example.net`);
    return { index: i, externalId: `c${i}`, firstName, lastName: last, displayName: `${firstName} ${last}`, phones, emails };
  }
}

export type MeetingKind = 'phone' | 'email' | 'name_only' | 'namesake' | 'miss' | 'conflict';

export interface BenchMeeting {
  kind: MeetingKind;
  atsRecordName: string | null;
  participants: string[];
  /** The candidate the meeting is about, when there is one in the directory. */
  expected: string | null;
}

const SPELLED_OUT: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue' };

/** How a recorder may spell a name the ATS holds. */
function variant(c: BenchCandidate, random: () => number): string {
  const roll = random();
  const firstOnly = c.firstName.split(' ')[0]!;
  if (roll < 0.55) return c.displayName;
  if (roll < 0.65) return c.displayName.normalize('NFD').replace(/\p{M}/gu, '');
  if (roll < 0.75) return `${c.lastName}, ${c.firstName}`;
  if (roll < 0.85) return `${firstOnly} ${c.lastName}`;
  if (roll < 0.9) return c.displayName.toLowerCase();
  if (roll < 0.95) return c.displayName.replace(/[äöüÄÖÜ]/g, (ch) => SPELLED_OUT[ch]!);
  // A typo in the given name: one letter dropped.
  if (firstOnly.length < 4) return c.displayName;
  const at = 1 + Math.floor(random() * (firstOnly.length - 1));
  return `${firstOnly.slice(0, at)}${firstOnly.slice(at + 1)} ${c.lastName}`;
}

/** A phone as a recruiter or recorder may write it. */
function typed(phone: string, random: () => number): string {
  const national = phone.slice(2);
  const roll = random();
  if (roll < 0.4) return phone;
  if (roll < 0.7) return `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
  return `+1 ${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}`;
}

export function benchMeetings(directory: DirectoryGenerator, size: number, count: number, seed: number): BenchMeeting[] {
  const random = prng(seed);
  const any = () => directory.candidate(Math.floor(random() * size));
  const meetings: BenchMeeting[] = [];
  for (let n = 0; n < count; n++) {
    const roll = random();
    const stranger = directory.strangerPhone(n);
    if (roll < 0.35) {
      const c = any();
      meetings.push({ kind: 'phone', atsRecordName: variant(c, random), participants: [typed(c.phones[0]!, random)], expected: c.externalId });
    } else if (roll < 0.5) {
      let c = any();
      while (c.emails.length === 0) c = any();
      meetings.push({ kind: 'email', atsRecordName: variant(c, random), participants: [c.emails[0]!.toUpperCase(), stranger], expected: c.externalId });
    } else if (roll < 0.65) {
      // Somebody with a rarer surname and no number the directory knows.
      let c = any();
      while (COMMON_LAST_NAMES.includes(c.lastName)) c = any();
      meetings.push({ kind: 'name_only', atsRecordName: variant(c, random), participants: [stranger], expected: c.externalId });
    } else if (roll < 0.8) {
      const first = FIRST_NAMES[Math.floor(random() * 10)]!;
      const last = COMMON_LAST_NAMES[Math.floor(random() * 10)]!;
      meetings.push({ kind: 'namesake', atsRecordName: `${first} ${last}`, participants: [stranger], expected: null });
    } else if (roll < 0.95) {
      const name = `${['Quill', 'Zephyr', 'Orrin', 'Wren'][n % 4]} ${['Vexley', 'Quorbin', 'Yzarra', 'Thistlewaite'][Math.floor(random() * 4)]}`;
      meetings.push({ kind: 'miss', atsRecordName: name, participants: [stranger], expected: null });
    } else {
      const holder = any();
      const other = any();
      meetings.push({ kind: 'conflict', atsRecordName: other.displayName, participants: [typed(holder.phones[0]!, random)], expected: null });
    }
  }
  return meetings;
}
