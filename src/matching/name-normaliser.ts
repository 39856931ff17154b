import { foldSpelledOut, foldToAscii } from './ascii-fold';
import { BoundedCache } from '../common/bounded-cache';

/** The keys a name is looked up and compared by. */
export interface NameKeys {
  /** Canonical key: folded tokens without particles and initials, sorted, joined by ' '. */
  full: string;
  /** Folded tokens in reading order (given names first), titles and degrees removed. */
  tokens: string[];
}

export interface NameToken {
  text: string;
  /** Accepted spellings: the folded one, and the spelled-out one when it differs (muller, mueller). */
  spellings: string[];
}

/** A name taken apart for comparison: the canonical key throws away what the comparison still needs. */
export interface ParsedName {
  tokens: string[];
  /** Tokens that identify the person: not particles, initials or generations. */
  significant: NameToken[];
  particles: string[];
  initials: string[];
  /** Jr, Sr, III…: kept apart because a father and son share every other token. */
  generations: string[];
}

// Lower-case, already folded. A particle is only a particle before another name (van Houten); at the end of a
// name it is the family name itself (Wei Di).
const PARTICLES = new Set([
  'van', 'von', 'de', 'da', 'di', 'del', 'della', 'delle', 'der', 'den', 'des', 'les', 'dos', 'das', 'bin', 'binti',
  'bint', 'ibn', 'al', 'el', 'ben', 'ter', 'ten', 'zu', 'af', 'av',
]);
// Le, La, Lo, Du and Do are particles in French, Italian or Portuguese names but common family names in
// Vietnamese and Chinese (An Le, Thị Hoa Đỗ, Wei Du). Dropping them would turn one person's full name into
// another's or into bare given names, so they count unless they follow a particle (de la Cruz).
const SURNAME_PARTICLES = new Set(['le', 'la', 'lo', 'du', 'do']);
const TITLES = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'dame', 'mme', 'mlle', 'herr', 'frau',
  'sra', 'srta', 'dra', 'ing', 'dipl', 'mag', 'lic', 'licda', 'dott', 'dottssa', 'drs', 'mevr', 'dhr', 'engr',
  'rev', 'sig', 'sigra',
]);
/** Señor and Senhor abbreviate like Senior: only in front of a name is it a form of address. */
const LEADING_TITLES = new Set(['sr']);
const GENERATIONS = new Set(['jr', 'jnr', 'sr', 'snr', 'ii', 'iii', 'iv']);
const DEGREES = new Set(['phd', 'md', 'esq', 'mba', 'dds', 'cpa', 'rn']);

// O'Brien, O’Brien and OBrien are one name, so apostrophes join rather than split.
const APOSTROPHES = /['’‘ʼʻ`´′]/g;
const SEPARATORS = /[^\p{L}\p{N}]+/u;
const LATIN_LETTER = /^[a-z]$/;
// A company, a requisition number or a nickname in brackets after a name is not part of it.
const BRACKETED = /[([{][^()[\]{}]*[)\]}]/g;
// Chinese and Korean names are written with or without a space between family and given name (李娜, 李 娜;
// 김서연, 김 서연): each Han character and Hangul syllable counts as a token of its own, so both forms agree.
const SYLLABIC = /([\p{Script=Han}\uAC00-\uD7A3])/gu;

function foldedTokens(text: string): string[] {
  return text.split(SEPARATORS).filter((token) => token.length > 0);
}

function withoutBrackets(raw: string): string {
  const stripped = raw.replace(BRACKETED, ' ');
  return /[\p{L}\p{N}]/u.test(stripped) ? stripped : raw;
}

function isTrailer(token: string): boolean {
  return GENERATIONS.has(token) || DEGREES.has(token);
}

/** `Last, First` becomes `First Last`; a part holding only `Jr.` or `PhD` is a trailer, not a given name. */
function readingOrder(raw: string): string {
  const parts = raw.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  if (parts.length < 2) return parts.join(' ');
  const names = parts.filter((part) => !foldedTokens(foldToAscii(part)).every(isTrailer));
  const trailers = parts.filter((part) => !names.includes(part));
  const [surname, ...given] = names;
  const ordered = surname === undefined ? [] : [...given, surname];
  return [...ordered, ...trailers].join(' ');
}

/**
 * The name taken apart (null when nothing of a name is left). Answers are shared and frozen: a directory
 * returns the same names again and again (namesakes, a busy candidate), and parsing is most of matching's CPU.
 */
export function parseName(raw: string | null | undefined): Readonly<ParsedName> | null {
  if (typeof raw !== 'string') return null;
  return parsedNames.getOrCompute(raw, () => {
    const parsed = parseNameOnce(raw);
    if (parsed !== null) {
      for (const list of [parsed.tokens, parsed.significant, parsed.particles, parsed.initials, parsed.generations]) Object.freeze(list);
      for (const token of parsed.significant) Object.freeze(Object.freeze(token).spellings);
      Object.freeze(parsed);
    }
    return parsed;
  });
}

const parsedNames = new BoundedCache<string, ParsedName | null>(20_000);

function parseNameOnce(raw: string): ParsedName | null {
  // Syllables are split before folding: folding decomposes a Hangul syllable into its letters.
  const ordered = readingOrder(withoutBrackets(raw.normalize('NFC').replace(APOSTROPHES, ''))).replace(SYLLABIC, ' $1 ');
  let folded = foldedTokens(foldToAscii(ordered));
  let spelled = foldedTokens(foldSpelledOut(ordered));
  // Both folds only swap letters for letters, so tokens line up; if they ever do not, drop the variant.
  if (spelled.length !== folded.length) spelled = folded;

  let start = 0;
  let end = folded.length;
  while (end - start > 1 && (TITLES.has(folded[start]!) || (start === 0 && LEADING_TITLES.has(folded[start]!)))) start++;
  while (end - start > 1 && DEGREES.has(folded[end - 1]!)) end--;
  folded = folded.slice(start, end);
  spelled = spelled.slice(start, end);
  if (folded.length === 0) return null;

  const parsed: ParsedName = { tokens: folded, significant: [], particles: [], initials: [], generations: [] };
  const several = folded.length > 1;
  // A particle needs a name after it to belong to; the last token that is not one is the family name.
  let lastName = folded.length - 1;
  while (lastName > 0 && (GENERATIONS.has(folded[lastName]!) || PARTICLES.has(folded[lastName]!))) lastName--;
  folded.forEach((text, index) => {
    const particle = PARTICLES.has(text) || (SURNAME_PARTICLES.has(text) && PARTICLES.has(folded[index - 1] ?? ''));
    if (several && index < lastName && particle) parsed.particles.push(text);
    else if (several && GENERATIONS.has(text)) parsed.generations.push(text);
    else if (several && LATIN_LETTER.test(text)) parsed.initials.push(text);
    else {
      const variant = spelled[index]!;
      parsed.significant.push({ text, spellings: variant === text ? [text] : [text, variant] });
    }
  });
  return parsed;
}

/** The lookup key of a parsed name; falls back to every token when nothing significant is left ("J. R."). */
export function nameKeyOf(parsed: ParsedName): string {
  const significant = parsed.significant.map((token) => token.text);
  return (significant.length > 0 ? significant : [...parsed.tokens]).sort().join(' ');
}

export function normaliseName(raw: string | null | undefined): NameKeys | null {
  const parsed = parseName(raw);
  return parsed === null ? null : { full: nameKeyOf(parsed), tokens: parsed.tokens };
}
