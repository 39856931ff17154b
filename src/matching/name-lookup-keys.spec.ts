import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareNames, type NameAgreementLevel } from './name-comparison';
import { parseName } from './name-normaliser';
import { mailboxKeys, queryNameKeys, storedNameKeys } from './name-lookup-keys';
import { DEFAULT_MATCH_SETTINGS } from './match-settings';

const THRESHOLD = DEFAULT_MATCH_SETTINGS.nearNameThreshold;

const parsedCache = new Map<string, ReturnType<typeof parseName>>();
const parsed = (name: string) => {
  if (!parsedCache.has(name)) parsedCache.set(name, parseName(name));
  return parsedCache.get(name)!;
};

/** How the policy compares a meeting's name with a candidate's. */
function level(meeting: string, candidate: string): NameAgreementLevel {
  const a = parsed(meeting);
  const b = parsed(candidate);
  return a === null || b === null ? 'different' : compareNames(a, b, THRESHOLD).level;
}

function shares(query: string[], stored: string[]): boolean {
  const set = new Set(stored);
  return query.some((key) => set.has(key));
}

const corpus = JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'matching-corpus.json'), 'utf8')) as {
  cases: Array<{ meeting: { atsRecordName: string | null }; directory: Array<{ displayName: string; firstName: string | null; lastName: string | null }> }>;
};
const corpusNames = [
  ...new Set(
    corpus.cases.flatMap((c) => [c.meeting.atsRecordName ?? '', ...c.directory.map((d) => d.displayName)]).filter((n) => n.trim() !== ''),
  ),
];

// Shapes the policy treats specially: initials, particles, generations, umlauts, reordering, repeated tokens.
const SHAPES = [
  'John Smith', 'Smith', 'John', 'J. Smith', 'J Smith', 'John A. Smith', 'John Adam Smith', 'J. A. Smith', 'Adam Smith',
  'John Smith Jr.', 'Smith, John', 'Jon Smith', 'Johnn Smith', 'Jhon Smith', 'John Smyth', 'Jane Smith',
  'Thomas Müller', 'Thomas Mueller', 'Thomas Muller', 'Müller', 'T. Müller', 'Søren Kierkegaard', 'Soeren Kierkegaard',
  'Ludwig van Beethoven', 'Ludwig Beethoven', 'L. van Beethoven', 'Maria de la Cruz', 'José María de la Cruz',
  'Anh Le', 'Anh La', 'Anh', 'Le Anh', 'J. R.', 'J.R.R. Tolkien', 'John Ronald Reuel Tolkien', 'Ronald Tolkien',
  'Mary-Kate Olsen', 'Mary Kate Olsen', 'Kate Olsen', 'Li Li', 'Li', 'Dmitriy Ivanov', 'Dmitry Ivanov', 'Ivanov',
  'Katherine Doe', 'Catherine Doe', 'Kate Doe', 'K. Doe', 'Doe', 'Jane Doe', 'Jane Q. Doe', 'Q. Doe',
];

describe('name lookup keys', () => {
  const names = [...new Set([...SHAPES, ...corpusNames])];
  const stored = new Map(names.map((name) => [name, storedNameKeys([name])]));
  const queried = new Map(names.map((name) => [name, queryNameKeys(name)]));
  const pairs = names.flatMap((meeting) =>
    names.map((candidate) => ({ meeting, candidate, level: level(meeting, candidate) })),
  );

  it('give every exact or compatible pair of names a shared strict key', () => {
    const missed: string[] = [];
    let checked = 0;
    for (const { meeting, candidate, level: found } of pairs) {
      if (found !== 'exact' && found !== 'compatible') continue;
      checked++;
      if (!shares(queried.get(meeting)!.strict, stored.get(candidate)!)) missed.push(`${meeting} → ${candidate} (${found})`);
    }
    expect(checked).toBeGreaterThan(200);
    expect(missed).toEqual([]);
  });

  it('find near names one typo apart in one token', () => {
    for (const [meeting, candidate] of [
      ['Jon Smith', 'John Smith'],
      ['John Smith', 'Jon Smith'],
      ['Jhon Smith', 'John Smith'],
      ['Dmitriy Ivanov', 'Dmitry Ivanov'],
      ['Katherine Doe', 'Catherine Doe'],
      ['Smith Jon', 'John Smith'],
      ['Olivia Bennet', 'Olivia Bennett'],
    ] as const) {
      expect(level(meeting, candidate)).toBe('near');
      expect(shares(queryNameKeys(meeting).near, storedNameKeys([candidate]))).toBe(true);
    }
  });

  it('find most near pairs of the corpus and the shapes', () => {
    let near = 0;
    let found = 0;
    for (const { meeting, candidate, level: agreement } of pairs) {
      if (agreement !== 'near') continue;
      near++;
      const q = queried.get(meeting)!;
      if (shares([...q.strict, ...q.near, ...q.given], stored.get(candidate)!)) found++;
    }
    expect(near).toBeGreaterThan(20);
    expect(found / near).toBeGreaterThan(0.8);
  });

  it('store both spellings of an umlaut, so Müller and Mueller find each other', () => {
    expect(shares(queryNameKeys('Thomas Mueller').strict, storedNameKeys(['Thomas Müller']))).toBe(true);
    expect(shares(queryNameKeys('Thomas Müller').strict, storedNameKeys(['Thomas Mueller']))).toBe(true);
  });

  it('keep a two-token name from reaching everyone who shares one token', () => {
    const query = queryNameKeys('John Smith').strict;
    expect(shares(query, storedNameKeys(['Jane Smith']))).toBe(false);
    expect(shares(query, storedNameKeys(['John Doe']))).toBe(false);
    expect(shares(query, storedNameKeys(['John Adam Smith']))).toBe(true);
    expect(shares(query, storedNameKeys(['Smith']))).toBe(true);
  });

  it('find parts written joined on one side and apart on the other', () => {
    for (const [meeting, candidate] of [
      ['Anna Vanhouten', 'Anna van Houten'],
      ['Anna van Houten', 'Anna Vanhouten'],
      ['Maria Delacruz', 'María de la Cruz'],
      ['Kim Seoyeon', 'Seo-yeon Kim'],
      ['Kim Seo-yeon', 'Seoyeon Kim'],
      ['Sean O Connor', "Seán O'Connor"],
      ['李娜', '李 娜'],
    ] as const) {
      expect(level(meeting, candidate)).toBe('exact');
      expect(shares(queryNameKeys(meeting).strict, storedNameKeys([candidate]))).toBe(true);
    }
  });

  it('find namesakes who may go by the meeting given name, and not every name that starts alike', () => {
    const near = (meeting: string, candidate: string) => {
      const { near: spelled, given } = queryNameKeys(meeting);
      return shares([...spelled, ...given], storedNameKeys([candidate]));
    };
    expect(near('Dan Smith', 'Daniel Smith')).toBe(true);
    expect(near('Daniel Smith', 'Dan Smith')).toBe(true);
    expect(near('Meg Ryan', 'Megan Ryan')).toBe(true);
    expect(near('Bill Turner', 'William Turner')).toBe(true);
    expect(near('William Turner', 'Bill Turner')).toBe(true);
    expect(near('Yuri Petrov', 'Yury Petrov')).toBe(true);
    expect(near('Oliver Bennett', 'Olivia Bennett')).toBe(false);
    expect(near('Dan Smith', 'Daniel Jones')).toBe(false);
  });

  it('key tagged addresses by their mailbox', () => {
    expect(mailboxKeys(['sam.ortiz+ats@gmail.com', 'sam@example.com'], 'stored')).toEqual(['m:sam.ortiz@gmail.com']);
    expect(mailboxKeys(['sam.ortiz@gmail.com', 'sam.ortiz+jobs@gmail.com'], 'query')).toEqual(['m:sam.ortiz@gmail.com']);
  });

  it('compute only the kinds a lookup asks for, the same as when all are asked for', () => {
    const all = queryNameKeys('Daniel van Houten');
    expect(all.strict.length * all.near.length * all.given.length).toBeGreaterThan(0);
    expect(queryNameKeys('Daniel van Houten', ['strict'])).toEqual({ strict: all.strict, near: [], given: [] });
    expect(queryNameKeys('Daniel van Houten', ['near', 'given'])).toEqual({ strict: [], near: all.near, given: all.given });
  });

  it('use every form of a candidate name and nothing for an empty one', () => {
    expect(storedNameKeys([null, '', '  '])).toEqual([]);
    expect(queryNameKeys(null)).toEqual({ strict: [], near: [], given: [] });
    const both = storedNameKeys(['Jane Doe', 'Janie Doe']);
    expect(both).toEqual(expect.arrayContaining(['p:doe|jane', 'p:doe|janie']));
  });
});
