import { mailboxOf } from './identifier-normaliser';
import { otherFormsOf } from './name-comparison';
import { parseName, type NameToken, type ParsedName } from './name-normaliser';

/**
 * Keys the candidate directory is searched by name with (`candidates.name_keys`, a GIN-indexed text[]), so that
 * a lookup finds the people the policy could consider the same or a near name without scanning the table.
 *
 * The guarantee the strict keys give (name-comparison.ts): whenever compareNames calls two names `exact` or
 * `compatible` (up to six identifying tokens each), the meeting's strict query keys and the candidate's stored
 * keys share at least one key:
 * - two shared identifying tokens → a shared pair key `p:`;
 * - one shared token, where one side is that token alone (or a meeting of one token) → `s:` / `t:`;
 * - one shared token, the rest covered by initials → `n:` (an initial next to a token, stored) meets the
 *   first letter of the meeting's other token or one of its own initials; `f:` (the first letter of another
 *   token next to a token, stored) meets one of the meeting's initials.
 * - parts written joined on one side and apart on the other (van Houten / Vanhouten, Seo-yeon / Seoyeon,
 *   O Connor / O'Connor) → both sides also carry, for each run of up to three adjacent tokens, the keys the
 *   name would have with that run written as one part, as far as they mention that part.
 * Near keys (`d:`) find names one typo apart (one letter added, dropped or changed) in one token while another
 * token is equal: Jon/John Smith, Dmitriy/Dmitry Ivanov, Katherine/Catherine Doe. Typos in every token are left
 * to the ATS's own search.
 * Spelling variants (Müller/Mueller) are covered because every spelling the normaliser accepts gets its keys.
 * Given-name keys find the namesakes the policy asks a person about before a name alone decides (Dan /
 * Daniel, Meg / Megan, Bill / William Smith), next to the family name: `g:` is the given name as written and
 * `h:` each short form it starts with; a meeting looks up its own short forms and listed nicknames as `g:`
 * and itself as `h:`. Another romanisation (Yuri / Yury) is one letter off, which the `d:` keys find.
 */
export interface NameQueryKeys {
  /** Finds every candidate whose name is exact or compatible (plus a few that are not). */
  strict: string[];
  /** Finds near spellings; a lookup may cut them short. */
  near: string[];
  /** Finds namesakes whose given name may be written like this one (Dan for Daniel, Bill for William). */
  given: string[];
}

// Names longer than this are rare; past it the pair keys would grow quadratically for nothing.
const MAX_TOKENS = 6;
const MAX_INITIALS = 4;
/** Shorter tokens are typed right or are too short for one letter to tell a typo from another name. */
const MIN_TYPO_LENGTH = 3;
/** Short forms that start like the name (Dan, Meg, Chris) are this long; shorter ones are not looked for. */
const SHORT_FORM_MIN = 3;
const SHORT_FORM_MAX = 5;
const MAX_JOINED = 3;

/** Every key a candidate is stored under, from each form of its name (structured first + last, displayed). */
export function storedNameKeys(forms: ReadonlyArray<string | null | undefined>): string[] {
  const keys = new Set<string>();
  for (const form of forms) {
    const parsed = parseName(form);
    if (parsed === null) continue;
    for (const key of keysOf(parsed, 'stored')) keys.add(key);
  }
  return [...keys];
}

/**
 * Mailbox keys (`m:`), kept beside the name keys so that one GIN index serves both: a stored address with a
 * sub-address tag is also found by its untagged mailbox, and a meeting's address looks its mailbox up.
 */
export function mailboxKeys(emails: readonly string[], purpose: 'stored' | 'query'): string[] {
  const keys = new Set<string>();
  for (const email of emails) {
    const mailbox = mailboxOf(email);
    if (purpose === 'query' || mailbox !== email) keys.add(`m:${mailbox}`);
  }
  return [...keys];
}

/** Everything a directory row is stored under (`candidates.name_keys`): its names' keys and its mailboxes. */
export function candidateLookupKeys(
  c: { firstName?: string | null; lastName?: string | null; displayName: string },
  emails: readonly string[],
): string[] {
  const structured = [c.firstName, c.lastName].filter((part) => part && part.trim() !== '').join(' ');
  return [...storedNameKeys([structured, c.displayName]), ...mailboxKeys(emails, 'stored')];
}

/**
 * What to look a meeting's name up by; only the kinds asked for are computed (the others are empty), as a lookup
 * needs near and given-name keys only when few carry the name.
 */
export function queryNameKeys(
  raw: string | null | undefined,
  kinds: ReadonlyArray<keyof NameQueryKeys> = ['strict', 'near', 'given'],
): NameQueryKeys {
  const keys: NameQueryKeys = { strict: [], near: [], given: [] };
  const parsed = parseName(raw);
  if (parsed !== null) for (const kind of kinds) keys[kind] = [...keysOf(parsed, kind)];
  return keys;
}

function keysOf(parsed: ParsedName, purpose: 'stored' | 'strict' | 'near' | 'given', withJoined = true): Set<string> {
  const keys = new Set<string>();
  const tokens = parsed.significant.slice(0, MAX_TOKENS);
  const initials = [...new Set(parsed.initials)].slice(0, MAX_INITIALS);
  const add = (key: string) => keys.add(key);

  if (purpose === 'given') {
    if (tokens.length >= 2) givenNameKeys(tokens, purpose, add);
    return keys;
  }

  if (purpose !== 'near') {
    fullKeys(parsed, tokens).forEach((key) => add(`k:${key}`));
    forEachPair(tokens, (a, b) => {
      for (const x of a.spellings) for (const y of b.spellings) add(pairKey(x, y));
    });
    if (withJoined) joinedKeys(parsed, purpose, add);
  }

  if (purpose === 'stored') {
    for (const token of tokens) for (const spelling of token.spellings) add(`t:${spelling}`);
    if (tokens.length === 1) for (const spelling of tokens[0]!.spellings) add(`s:${spelling}`);
    // n: the name carries an initial next to a token; f: a token's first letter next to another token.
    for (const initial of initials) for (const token of tokens) for (const s of token.spellings) add(`n:${initial}|${s}`);
    forEachOrdered(tokens, (token, other) => {
      for (const s of token.spellings) add(`f:${other.text[0]}|${s}`);
    });
  }

  if (purpose === 'strict') {
    if (tokens.length === 1 && initials.length === 0) {
      // A one-token name is compatible with everyone who carries that token.
      for (const spelling of tokens[0]!.spellings) add(`t:${spelling}`);
    } else {
      for (const token of tokens) for (const spelling of token.spellings) add(`s:${spelling}`);
    }
    // The candidate's initials may stand for this name's other tokens, or this name's initials for theirs.
    forEachOrdered(tokens, (token, other) => {
      for (const s of token.spellings) add(`n:${other.text[0]}|${s}`);
    });
    for (const initial of initials) {
      for (const token of tokens) {
        for (const s of token.spellings) {
          add(`f:${initial}|${s}`);
          add(`n:${initial}|${s}`);
        }
      }
    }
  }

  if (purpose === 'stored' && tokens.length >= 2) givenNameKeys(tokens, purpose, add);

  if (purpose !== 'strict') {
    // Stored and queried alike: the token itself and each one-letter deletion of it, next to another token
    // as spelled. Two tokens one edit apart always share one of these forms.
    if (tokens.length === 1) {
      for (const variant of typoForms(tokens[0]!.text)) add(`d:${variant}|`);
    }
    forEachOrdered(tokens, (token, other) => {
      for (const variant of typoForms(token.text)) for (const s of other.spellings) add(`d:${variant}|${s}`);
    });
  }
  return keys;
}

function givenNameKeys(tokens: NameToken[], purpose: 'stored' | 'given', add: (key: string) => void): void {
  const given = tokens[0]!.text;
  const family = tokens[tokens.length - 1]!.text;
  const prefixes = (name: string) => {
    const out: string[] = [];
    for (let length = SHORT_FORM_MIN; length <= Math.min(SHORT_FORM_MAX, name.length - 1); length++) out.push(name.slice(0, length));
    return out;
  };
  if (purpose === 'stored') {
    add(`g:${given}|${family}`);
    for (const prefix of prefixes(given)) add(`h:${prefix}|${family}`);
    return;
  }
  for (const form of [...prefixes(given), ...otherFormsOf(given)]) add(`g:${form}|${family}`);
  if (given.length >= SHORT_FORM_MIN && given.length <= SHORT_FORM_MAX) add(`h:${given}|${family}`);
}

function pairKey(x: string, y: string): string {
  return `p:${x < y ? `${x}|${y}` : `${y}|${x}`}`;
}

/** Keys of a name rewritten with one part joined that still say something about that part. */
const JOINED_KINDS = new Set(['p', 's', 't', 'n', 'f']);

/**
 * For each run of adjacent tokens read as one part (Vanhouten, Seoyeon, OConnor), the keys the name would have
 * had written that way, as far as they mention that part.
 */
function joinedKeys(parsed: ParsedName, purpose: 'stored' | 'strict', add: (key: string) => void): void {
  const tokens = parsed.tokens.slice(0, MAX_TOKENS + 1);
  for (let i = 0; i < tokens.length; i++) {
    for (let length = 2; length <= MAX_JOINED && i + length <= tokens.length; length++) {
      if (length === tokens.length) continue;
      const part = tokens.slice(i, i + length).join('');
      const rewritten = parseName([...tokens.slice(0, i), part, ...tokens.slice(i + length)].join(' '));
      if (rewritten === null) continue;
      for (const key of keysOf(rewritten, purpose, false)) {
        const kind = key.slice(0, key.indexOf(':'));
        if (JOINED_KINDS.has(kind) && key.slice(kind.length + 1).split('|').includes(part)) add(key);
      }
    }
  }
}

/** The sorted significant tokens in each accepted spelling (the name's own key when nothing is significant). */
function fullKeys(parsed: ParsedName, tokens: NameToken[]): string[] {
  if (tokens.length === 0) return [[...parsed.tokens].sort().join(' ')];
  let combos: string[][] = [[]];
  for (const token of tokens) {
    combos = combos.flatMap((combo) => token.spellings.map((spelling) => [...combo, spelling]));
    if (combos.length > 8) combos = combos.slice(0, 8);
  }
  return combos.map((combo) => combo.sort().join(' '));
}

function typoForms(text: string): string[] {
  const chars = Array.from(text);
  if (chars.length < MIN_TYPO_LENGTH) return [text];
  const forms = new Set([text]);
  for (let i = 0; i < chars.length; i++) forms.add([...chars.slice(0, i), ...chars.slice(i + 1)].join(''));
  return [...forms];
}

function forEachPair(tokens: NameToken[], visit: (a: NameToken, b: NameToken) => void): void {
  for (let i = 0; i < tokens.length; i++) for (let j = i + 1; j < tokens.length; j++) visit(tokens[i]!, tokens[j]!);
}

/** Every (token, other token) at different positions: a repeated token still pairs with itself. */
function forEachOrdered(tokens: NameToken[], visit: (token: NameToken, other: NameToken) => void): void {
  for (let i = 0; i < tokens.length; i++) for (let j = 0; j < tokens.length; j++) if (i !== j) visit(tokens[i]!, tokens[j]!);
}
