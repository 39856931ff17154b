import { parseName, type NameToken, type ParsedName } from './name-normaliser';

/**
 * How far two names agree, strongest first:
 * - `exact`: the same person's name, allowing case, accents, order, an omitted particle or middle initial, and
 *   parts written joined or apart (van Houten / Vanhouten, Marie-Claire / Marieclaire, Seo-yeon / Seoyeon)
 *   (at least two identifying tokens must be equal, or single-token names must be identical);
 * - `compatible`: one is a shorter form of the other (surname only, initial for a given name, middle name left out);
 * - `near`: spelled differently but similar above the threshold (Jon / John, Dmitriy / Dmitry);
 * - `different`: anything else.
 */
export type NameAgreementLevel = 'exact' | 'compatible' | 'near' | 'different';

export interface NameAgreement {
  level: NameAgreementLevel;
  /** Jaro-Winkler similarity of the two names, 1 for exact and compatible names. */
  similarity: number;
}

export const AGREEMENT_RANK: Readonly<Record<NameAgreementLevel, number>> = {
  exact: 3,
  compatible: 2,
  near: 1,
  different: 0,
};

/** Jaro-Winkler similarity in [0, 1]; favours strings that share a prefix, as names typed twice usually do. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(b.length - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

function sameToken(a: NameToken, b: NameToken): boolean {
  return a.spellings.some((spelling) => b.spellings.includes(spelling));
}

/** Removes the elements both lists share (as multisets) and returns what is left of each. */
function withoutCommon(a: string[], b: string[]): [string[], string[]] {
  // Most names have no initials, particles or generations: nothing to remove, nothing to copy.
  if (a.length === 0 || b.length === 0) return [a, b];
  const rest = [...b];
  const left = a.filter((item) => {
    const at = rest.indexOf(item);
    if (at < 0) return true;
    rest.splice(at, 1);
    return false;
  });
  return [left, rest];
}

/** Drops the tokens whose first letter one of the initials stands for, using each initial once. */
function coverByInitials(tokens: NameToken[], initials: string[]): [NameToken[], string[]] {
  if (tokens.length === 0 || initials.length === 0) return [tokens, initials];
  const unused = [...initials];
  const uncovered = tokens.filter((token) => {
    const at = unused.indexOf(token.text[0]!);
    if (at < 0) return true;
    unused.splice(at, 1);
    return false;
  });
  return [uncovered, unused];
}

function tokenLevel(a: ParsedName, b: ParsedName): 'exact' | 'compatible' | null {
  const unmatchedB = [...b.significant];
  let matched = 0;
  const unmatchedA = a.significant.filter((token) => {
    const at = unmatchedB.findIndex((other) => sameToken(token, other));
    if (at < 0) return true;
    unmatchedB.splice(at, 1);
    matched++;
    return false;
  });
  if (matched === 0) return null;

  const [restA, initialsB] = coverByInitials(unmatchedA, b.initials);
  const [restB, initialsA] = coverByInitials(unmatchedB, a.initials);
  const [leftInitialsA, leftInitialsB] = withoutCommon(initialsA, initialsB);
  const [leftParticlesA, leftParticlesB] = withoutCommon(a.particles, b.particles);
  const [leftGenerationsA, leftGenerationsB] = withoutCommon(a.generations, b.generations);

  // Something on both sides that the other does not have means two different people (Anh Le / Anh La).
  const extraA = [restA, leftInitialsA, leftParticlesA, leftGenerationsA].some((list) => list.length > 0);
  const extraB = [restB, leftInitialsB, leftParticlesB, leftGenerationsB].some((list) => list.length > 0);
  if (extraA && extraB) return null;
  // Otherwise one side at most adds detail. With two equal identifying tokens and the same generation that
  // detail is an omitted particle or middle initial; with fewer, the shorter name may fit several people
  // (J. Smith, Anh for Anh Le).
  const covered = unmatchedA.length + unmatchedB.length > 0;
  if (!extraA && !extraB) return matched >= 2 || !covered ? 'exact' : 'compatible';
  const addsOnlyDetail = restA.length === 0 && restB.length === 0;
  const sameGeneration = leftGenerationsA.length === 0 && leftGenerationsB.length === 0;
  return addsOnlyDetail && sameGeneration && matched >= 2 ? 'exact' : 'compatible';
}

/** Best pairing of equally many tokens, so that reordered names with one typo still score high. */
function pairedSimilarity(a: string[], b: string[]): number {
  if (a.length !== b.length || a.length === 0 || a.length > 5) return 0;
  let best = 0;
  const visit = (index: number, used: boolean[], weighted: number, weight: number): void => {
    if (index === a.length) {
      best = Math.max(best, weighted / weight);
      return;
    }
    for (let j = 0; j < b.length; j++) {
      if (used[j]) continue;
      used[j] = true;
      const length = Math.max(a[index]!.length, b[j]!.length);
      visit(index + 1, used, weighted + jaroWinkler(a[index]!, b[j]!) * length, weight + length);
      used[j] = false;
    }
  };
  visit(0, new Array<boolean>(b.length).fill(false), 0, 0);
  return best;
}

export function nameSimilarity(a: ParsedName, b: ParsedName): number {
  return Math.max(
    pairedSimilarity(a.tokens, b.tokens),
    jaroWinkler(a.tokens.join(''), b.tokens.join('')),
    jaroWinkler([...a.tokens].sort().join(''), [...b.tokens].sort().join('')),
  );
}

/** Most parts one token of a name may be written apart in (de la Cruz / Delacruz). */
const MAX_JOINED = 3;

/**
 * `b` with every run of adjacent tokens that `a` writes as one token joined into it (van Houten → vanhouten when
 * `a` has Vanhouten), or null when there is none. Only whole tokens of `a` count, so letters never move from one
 * part of a name to another (Ann Abel is not Anna Bel).
 */
function joinedLike(a: ParsedName, b: ParsedName): ParsedName | null {
  // A token of `a` that joins a run starts with the run's first two tokens. Most pairs of names the policy weighs
  // have none, and this test spares them the joining (the policy's costliest step).
  const starts = (i: number) => a.tokens.some((t) => t.startsWith(b.tokens[i]!) && t.startsWith(b.tokens[i + 1]!, b.tokens[i]!.length));
  if (!b.tokens.some((_, i) => i + 1 < b.tokens.length && starts(i))) return null;
  const wanted = new Set(a.tokens);
  const out: string[] = [];
  let joined = false;
  for (let i = 0; i < b.tokens.length; ) {
    let length = Math.min(MAX_JOINED, b.tokens.length - i);
    while (length > 1 && !wanted.has(b.tokens.slice(i, i + length).join(''))) length--;
    out.push(b.tokens.slice(i, i + length).join(''));
    joined ||= length > 1;
    i += length;
  }
  return joined && out.length > 0 ? parseName(out.join(' ')) : null;
}

/** The agreement of two names once parts one writes joined and the other apart are read as one. */
function joinedLevel(a: ParsedName, b: ParsedName): 'exact' | 'compatible' | null {
  const bJoined = joinedLike(a, b);
  const level = bJoined === null ? null : tokenLevel(a, bJoined);
  if (level !== null) return level;
  const aJoined = joinedLike(b, a);
  return aJoined === null ? null : tokenLevel(aJoined, b);
}

// Short forms that do not start like the name (Bill for William); names that do (Dan, Daniel) need no entry.
const NICKNAMES: ReadonlyArray<readonly [string, string[]]> = [
  ['william', ['bill', 'billy', 'liam']],
  ['robert', ['bob', 'bobby']],
  ['richard', ['dick', 'rick', 'ricky']],
  ['elizabeth', ['liz', 'beth', 'betty', 'lisa']],
  ['margaret', ['meg', 'maggie', 'peggy', 'greta']],
  ['katherine', ['kate', 'katie', 'kathy']],
  ['catherine', ['kate', 'katie', 'cathy']],
  ['james', ['jim', 'jimmy']],
  ['john', ['jack', 'johnny']],
  ['edward', ['ted', 'ned']],
  ['theodore', ['ted', 'teddy']],
  ['charles', ['chuck']],
  ['anthony', ['tony']],
  ['michael', ['mike']],
  ['joseph', ['joe']],
  ['henry', ['hank', 'harry']],
  ['alexander', ['sasha']],
  ['alexandra', ['sasha']],
  ['aleksandr', ['sasha']],
  ['dmitry', ['dima']],
  ['dmitriy', ['dima']],
  ['ivan', ['vanya']],
  ['mikhail', ['misha']],
  ['patricia', ['trish']],
  ['rebecca', ['becky']],
  ['susan', ['sue']],
  ['francisco', ['paco', 'pancho']],
  ['jose', ['pepe']],
];
const SHORT_FORMS = new Map<string, Set<string>>();
for (const [name, shorts] of NICKNAMES) {
  for (const short of shorts) {
    SHORT_FORMS.set(name, (SHORT_FORMS.get(name) ?? new Set()).add(short));
    SHORT_FORMS.set(short, (SHORT_FORMS.get(short) ?? new Set()).add(name));
  }
}

/** Formal names and short forms a given name may also be written as, for the directory's lookup. */
export function otherFormsOf(given: string): string[] {
  return [...(SHORT_FORMS.get(given) ?? [])];
}

/** One letter added, dropped or changed. */
function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Whether one person may write a given name as the other: a short form, a nickname or another romanisation. */
export function mayBeSameGivenName(a: string, b: string): boolean {
  if (a === b) return false;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 2 && long.startsWith(short)) return true;
  if (SHORT_FORMS.get(a)?.has(b)) return true;
  return short.length >= 3 && oneEditApart(a, b);
}

/**
 * Whether `other` is the same name as `wanted` but for the given name, written in a way the same person may also
 * go by: Dan / Daniel Smith, Meg / Megan Ryan, Yuri / Yury Petrov. Both given names come first in reading
 * order; a family name one letter off (Smith / Smyth) is another family, not another way of writing this one.
 */
export function givenNameVariant(wanted: ParsedName, other: ParsedName): boolean {
  if (wanted.significant.length < 2 || other.significant.length !== wanted.significant.length) return false;
  const [given, ...family] = wanted.significant;
  const [otherGiven, ...otherFamily] = other.significant;
  if (!family.every((token, i) => sameToken(token, otherFamily[i]!))) return false;
  return given!.spellings.some((x) => otherGiven!.spellings.some((y) => mayBeSameGivenName(x, y)));
}

export function compareNames(a: ParsedName, b: ParsedName, nearThreshold: number): NameAgreement {
  const plain = tokenLevel(a, b);
  const level = plain === 'exact' ? plain : (joinedLevel(a, b) ?? plain);
  if (level !== null) return { level, similarity: 1 };
  const similarity = nameSimilarity(a, b);
  return { level: similarity >= nearThreshold ? 'near' : 'different', similarity };
}
