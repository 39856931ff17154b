import type { NameToken, ParsedName } from './name-normaliser';

/**
 * How far two names agree, strongest first:
 * - `exact`: the same person's name, allowing case, accents, order, an omitted particle or middle initial
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

export function compareNames(a: ParsedName, b: ParsedName, nearThreshold: number): NameAgreement {
  const level = tokenLevel(a, b);
  if (level !== null) return { level, similarity: 1 };
  const similarity = nameSimilarity(a, b);
  return { level: similarity >= nearThreshold ? 'near' : 'different', similarity };
}
