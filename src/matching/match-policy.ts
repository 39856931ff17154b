import type { CountryCode } from 'libphonenumber-js/max';
import { classifyParticipant, emailDomain, mailboxOf, normaliseEmail, normalisePhone } from './identifier-normaliser';
import { AGREEMENT_RANK, compareNames, givenNameVariant, type NameAgreement } from './name-comparison';
import { nameKeyOf, parseName, type ParsedName } from './name-normaliser';
import type { MatchSettings } from './match-settings';

export { DEFAULT_MATCH_SETTINGS, readMatchSettings, type MatchSettings } from './match-settings';

/** A candidate as the directory or the ATS search returned it. */
export interface DirectoryCandidate {
  externalId: string;
  displayName: string;
  firstName: string | null;
  lastName: string | null;
  /** E.164. */
  phones: string[];
  /** Lower-case. */
  emails: string[];
  /**
   * True for directory rows: their phones and emails were normalised when stored (with the connection's region),
   * so they are compared as they are. Anything else is normalised first.
   */
  identifiersNormalised?: boolean;
}

export interface MatchInput {
  atsRecordName: string | null;
  participants: string[];
}

/** What to look the meeting up by, with the organisation's own numbers and domains already removed. */
export interface MatchQueryKeys {
  nameKey: string | null;
  phones: string[];
  emails: string[];
}

export type EvidenceKind = 'phone' | 'email' | 'exact_name' | 'near_name' | 'conflict';

export interface Evidence {
  kind: EvidenceKind;
  candidateId: string;
  detail: string;
}

export interface RankedCandidate {
  candidateId: string;
  displayName: string;
  score: number;
  evidence: Evidence[];
}

export interface MatchDecision {
  decision: 'matched' | 'unmatched' | 'needs_review';
  /** Set only when matched: a review never carries a guess. */
  candidateId: string | null;
  score: number;
  evidence: Evidence[];
  alternatives: RankedCandidate[];
  reason: string;
  /**
   * Set when the decision is held only because the directory has not completed a full refresh (a name-only
   * match on an ATS without name search): the completion of one is news for it.
   */
  waitsFor?: 'full_directory_refresh';
}

/** A candidate's phones (E.164) and emails (lower-case), as compared with the participants'. */
function candidateIdentifiers(c: DirectoryCandidate, defaultRegion: CountryCode): { phones: string[]; emails: string[] } {
  if (c.identifiersNormalised) return { phones: c.phones, emails: c.emails };
  return {
    phones: unique(c.phones.map((phone) => normalisePhone(phone, defaultRegion))),
    emails: unique(c.emails.map((email) => normaliseEmail(email))),
  };
}

/** The keys a candidate is stored under in the directory. */
export function candidateKeys(
  c: { firstName?: string | null; lastName?: string | null; displayName: string; phones: string[]; emails: string[] },
  defaultRegion: CountryCode = 'US',
): { nameKey: string | null; phones: string[]; emails: string[] } {
  const parsed = parseName(structuredName(c)) ?? parseName(c.displayName);
  return {
    nameKey: parsed === null ? null : nameKeyOf(parsed),
    phones: unique(c.phones.map((phone) => normalisePhone(phone, defaultRegion))),
    emails: unique(c.emails.map((email) => normaliseEmail(email))),
  };
}

export function matchQueryKeys(input: MatchInput, settings: MatchSettings): MatchQueryKeys {
  const { phones, emails } = readParticipants(input.participants, settings);
  const name = parseName(input.atsRecordName);
  return { nameKey: name === null ? null : nameKeyOf(name), phones, emails };
}

/**
 * Decides which candidate, if any, a meeting is about. It matches only when the evidence leaves no doubt:
 * a phone or email held by one candidate whose name agrees with the meeting's, identifiers shared by several
 * candidates of whom exactly one carries the meeting's name, or (when allowed) a name only one candidate carries.
 * Whatever points at somebody but not beyond doubt goes to review with the alternatives; no evidence is unmatched.
 */
export function decideMatch(
  input: MatchInput,
  candidates: DirectoryCandidate[],
  settings: MatchSettings,
): MatchDecision {
  const participants = readParticipants(input.participants, settings);
  const wanted = parseName(input.atsRecordName);
  const assessed = mergeById(candidates).map((candidate) => assess(candidate, participants, wanted, settings));
  countMailboxes(assessed);
  weigh(assessed, input.atsRecordName);
  const context: DecisionContext = { assessed, wanted, input, settings, ignored: participants.ignored };

  const identified = assessed.filter(hasIdentifier);
  if (identified.length > 0) return decideByIdentifier(identified, context);
  return decideByName(context);
}

interface Participants {
  phones: string[];
  emails: string[];
  /** How many participants were the organisation's own numbers or addresses. */
  ignored: number;
}

interface Assessment {
  candidate: DirectoryCandidate;
  phones: string[];
  emails: string[];
  /** Participant addresses this candidate holds only in another tagged form (participant → candidate's address). */
  viaMailbox: Map<string, string>;
  /** Null when the meeting names nobody or the candidate has no readable name. */
  name: NameAgreement | null;
  /** How many assessed candidates hold each of this candidate's matched identifiers, keyed `phone:…`/`email:…`. */
  holders: Map<string, number>;
  evidence: Evidence[];
  score: number;
}

interface DecisionContext {
  assessed: Assessment[];
  wanted: ParsedName | null;
  input: MatchInput;
  settings: MatchSettings;
  ignored: number;
}

function readParticipants(raw: string[], settings: MatchSettings): Participants {
  const internalNumbers = new Set(
    settings.internalNumbers.map((number) => normalisePhone(number, settings.defaultRegion) ?? number),
  );
  const internalDomains = settings.internalDomains.map((domain) => domain.trim().toLowerCase().replace(/^@/, ''));
  const isInternalDomain = (domain: string): boolean =>
    internalDomains.some((internal) => domain === internal || domain.endsWith(`.${internal}`));

  const phones = new Set<string>();
  const emails = new Set<string>();
  let ignored = 0;
  for (const participant of Array.isArray(raw) ? raw : []) {
    const identifier = classifyParticipant(participant, settings.defaultRegion);
    if (identifier.kind === 'phone') {
      if (internalNumbers.has(identifier.value)) ignored++;
      else phones.add(identifier.value);
    } else if (identifier.kind === 'email') {
      if (isInternalDomain(emailDomain(identifier.value))) ignored++;
      else emails.add(identifier.value);
    }
  }
  return { phones: [...phones], emails: [...emails], ignored };
}

function structuredName(c: { firstName?: string | null; lastName?: string | null }): string | null {
  const parts = [c.firstName, c.lastName].filter(
    (part): part is string => typeof part === 'string' && part.trim() !== '',
  );
  return parts.length > 0 ? parts.join(' ') : null;
}

/** The forms a candidate's name is weighed in: structured, and displayed when that reads differently. */
function nameForms(c: DirectoryCandidate): Array<string | null> {
  const structured = structuredName(c);
  return structured === c.displayName ? [structured] : [structured, c.displayName];
}

function unique(values: (string | null)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== null))];
}

/** The directory and the live search can both return one candidate; their identifiers add up. */
function mergeById(candidates: DirectoryCandidate[]): DirectoryCandidate[] {
  const byId = new Map<string, DirectoryCandidate>();
  for (const candidate of candidates) {
    const seen = byId.get(candidate.externalId);
    if (seen === undefined) byId.set(candidate.externalId, { ...candidate });
    else byId.set(candidate.externalId, {
      ...seen,
      phones: [...seen.phones, ...candidate.phones],
      emails: [...seen.emails, ...candidate.emails],
    });
  }
  return [...byId.values()];
}

/** The candidate's stored names (structured and displayed) compared with the meeting's; the closer one counts. */
function bestAgreement(candidate: DirectoryCandidate, wanted: ParsedName, threshold: number): NameAgreement | null {
  let best: NameAgreement | null = null;
  for (const form of nameForms(candidate)) {
    const parsed = parseName(form);
    if (parsed === null) continue;
    const agreement = compareNames(wanted, parsed, threshold);
    const better =
      best === null ||
      AGREEMENT_RANK[agreement.level] > AGREEMENT_RANK[best.level] ||
      (agreement.level === best.level && agreement.similarity > best.similarity);
    if (better) best = agreement;
  }
  return best;
}

function assess(
  candidate: DirectoryCandidate,
  participants: Participants,
  wanted: ParsedName | null,
  settings: MatchSettings,
): Assessment {
  const keys = candidateIdentifiers(candidate, settings.defaultRegion);
  const emails = participants.emails.filter((email) => keys.emails.includes(email));
  const viaMailbox = new Map<string, string>();
  if (emails.length < participants.emails.length && keys.emails.length > 0) {
    const byMailbox = new Map(keys.emails.map((email) => [mailboxOf(email), email]));
    for (const email of participants.emails) {
      const held = emails.includes(email) ? undefined : byMailbox.get(mailboxOf(email));
      if (held !== undefined) viaMailbox.set(email, held);
    }
  }
  return {
    candidate,
    phones: participants.phones.filter((phone) => keys.phones.includes(phone)),
    emails,
    viaMailbox,
    name: wanted === null ? null : bestAgreement(candidate, wanted, settings.nearNameThreshold),
    holders: new Map(),
    evidence: [],
    score: 0,
  };
}

/**
 * A participant address reaches a candidate whose address differs only by a sub-address tag (sam+ats@ and sam@),
 * unless another candidate holds it exactly: the address as written is the stronger evidence.
 */
function countMailboxes(assessed: Assessment[]): void {
  const exactlyHeld = new Set(assessed.flatMap((a) => a.emails));
  for (const a of assessed) {
    for (const [email] of a.viaMailbox) {
      if (exactlyHeld.has(email)) a.viaMailbox.delete(email);
      else a.emails.push(email);
    }
  }
}

function hasIdentifier(a: Assessment): boolean {
  return a.phones.length + a.emails.length > 0;
}

interface HeldIdentifier {
  kind: 'phone' | 'email';
  value: string;
  key: string;
}

function identifiersOf(a: Assessment): HeldIdentifier[] {
  return [
    ...a.phones.map((value) => ({ kind: 'phone' as const, value, key: `phone:${value}` })),
    ...a.emails.map((value) => ({ kind: 'email' as const, value, key: `email:${value}` })),
  ];
}

// Weights only rank candidates for reviewers; the decision itself follows the rules in decideMatch.
const WEIGHT = { identifier: 0.9, exactName: 0.6, compatibleName: 0.35, nearName: 0.25 } as const;

/** Fills in holders, evidence and score, which depend on what the other candidates hold. */
function weigh(assessed: Assessment[], atsRecordName: string | null): void {
  const holderCount = new Map<string, number>();
  for (const a of assessed) {
    for (const { key } of identifiersOf(a)) holderCount.set(key, (holderCount.get(key) ?? 0) + 1);
  }
  const exactNames = assessed.filter((a) => a.name?.level === 'exact').length;

  for (const a of assessed) {
    const id = a.candidate.externalId;
    const weights: number[] = [];
    for (const { kind, value, key } of identifiersOf(a)) {
      const holders = holderCount.get(key) ?? 1;
      a.holders.set(key, holders);
      const shared = holders > 1 ? ` (shared by ${holders} candidates)` : '';
      const tagged = kind === 'email' ? a.viaMailbox.get(value) : undefined;
      const where = tagged === undefined ? 'is on this candidate' : `reaches this candidate's ${tagged} (the same mailbox)`;
      a.evidence.push({ kind, candidateId: id, detail: `participant ${kind} ${value} ${where}${shared}` });
      weights.push(WEIGHT.identifier / holders);
    }
    const name = a.name;
    const shown = a.candidate.displayName;
    if (name?.level === 'exact') {
      const namesakes = exactNames > 1 ? ` (${exactNames} candidates carry it)` : '';
      a.evidence.push({ kind: 'exact_name', candidateId: id, detail: `name matches "${shown}"${namesakes}` });
      weights.push(WEIGHT.exactName / exactNames);
    } else if (name?.level === 'compatible') {
      a.evidence.push({ kind: 'near_name', candidateId: id, detail: `name is a shorter or longer form of "${shown}"` });
      weights.push(WEIGHT.compatibleName);
    } else if (name?.level === 'near') {
      const similarity = name.similarity.toFixed(2);
      const detail = `name is spelled like "${shown}" (similarity ${similarity})`;
      a.evidence.push({ kind: 'near_name', candidateId: id, detail });
      weights.push(WEIGHT.nearName * name.similarity);
    }
    let score = 1 - weights.reduce((rest, weight) => rest * (1 - weight), 1);
    if (name?.level === 'different' && hasIdentifier(a)) {
      const detail = `${describeIdentifiers(a)} is on "${shown}", but the meeting is about "${atsRecordName ?? ''}"`;
      a.evidence.push({ kind: 'conflict', candidateId: id, detail });
      score /= 2;
    }
    a.score = Math.round(score * 1000) / 1000;
  }
}

/**
 * The one candidate every matched identifier points at, provided at least one of them points at nobody else.
 * A number shared by several people says nothing on its own, and identifiers of different people cancel out.
 */
function identifierPick(identified: Assessment[]): Assessment | null {
  const allKeys = new Set(identified.flatMap((a) => identifiersOf(a).map(({ key }) => key)));
  for (const a of identified) {
    const keys = identifiersOf(a).map(({ key }) => key);
    const holdsAll = keys.length === allKeys.size;
    const holdsOneAlone = keys.some((key) => a.holders.get(key) === 1);
    if (holdsAll && holdsOneAlone) return a;
  }
  return null;
}

function decideByIdentifier(identified: Assessment[], context: DecisionContext): MatchDecision {
  const pick = identifierPick(identified);
  if (pick !== null) {
    const who = describe(pick);
    const by = describeIdentifiers(pick);
    if (context.wanted === null) {
      return matched(pick, context, `${by} belongs only to ${who}; the meeting gives no name to check`);
    }
    if (pick.name === null) {
      return matched(pick, context, `${by} belongs only to ${who}, who has no name on record to check`);
    }
    const named = `"${context.input.atsRecordName ?? ''}"`;
    const otherExact = context.assessed.filter((a) => a !== pick && a.name?.level === 'exact');
    switch (pick.name.level) {
      case 'exact':
        return matched(pick, context, `${by} belongs only to ${who}, whose name matches ${named}`);
      case 'compatible':
        if (otherExact.length === 0) {
          return matched(pick, context, `${by} belongs only to ${who}, whose name fits ${named}`);
        }
        conflict(pick, `${by} points here, but ${named} is exactly the name of ${otherExact.map(describe).join(', ')}`);
        return review(context, `${by} points to ${who}, but ${named} is exactly the name of another candidate`);
      case 'near':
        return review(context, `${by} points to ${who}, but the name is spelled differently from ${named}`);
      case 'different':
        return review(context, `${by} points to ${who}, whose name does not match ${named} (reused or shared?)`);
    }
  }

  const exact = identified.filter((a) => a.name?.level === 'exact');
  if (exact.length === 1) {
    const chosen = exact[0]!;
    const shared = [...chosen.holders.values()].some((holders) => holders > 1);
    const why = shared
      ? `${describeIdentifiers(chosen)} is shared by several candidates`
      : `participant identifiers point to several candidates`;
    return matched(chosen, context, `${why}, and only ${describe(chosen)} among them carries the exact name`);
  }
  const several = `participant identifiers point to several candidates (${identified.map(describe).join(', ')})`;
  if (context.wanted === null) return review(context, `${several} and the meeting gives no name`);
  if (exact.length > 1) return review(context, `${several}, and more than one carries the exact name`);
  return review(context, `${several}, and none carries the exact name`);
}

function decideByName(context: DecisionContext): MatchDecision {
  const noIdentifier = 'no participant phone or email matches a candidate';
  if (context.wanted === null) return unmatched(context, `${noIdentifier}, and the meeting gives no name`);
  const named = `"${context.input.atsRecordName ?? ''}"`;
  const exact = context.assessed.filter((a) => a.name?.level === 'exact');
  const similar = context.assessed.filter((a) => a.name?.level === 'compatible' || a.name?.level === 'near');
  // A longer or shorter form (John Adam Smith for John Smith) may be the same name; a different spelling is not.
  const alsoCarrying = context.assessed.filter((a) => a.name?.level === 'compatible');
  if (exact.length === 0 && similar.length === 0) {
    return unmatched(context, `${noIdentifier}, and no candidate is named ${named}`);
  }
  if (exact.length > 1) {
    return review(context, `${exact.length} candidates are named ${named} and nothing else tells them apart`);
  }
  if (exact.length === 0) {
    return review(context, `no candidate is named exactly ${named}; similar names need a person to confirm`);
  }
  const only = exact[0]!;
  if (alsoCarrying.length > 0) {
    const others = alsoCarrying.map(describe).join(', ');
    const why = `${describe(only)} is named ${named}, but ${others} may carry it in a longer or shorter form`;
    return review(context, why);
  }
  const goesBy = context.assessed.filter((a) => a !== only && mayGoBySameName(a.candidate, context.wanted!));
  if (goesBy.length > 0) {
    for (const a of goesBy) {
      a.evidence.push({ kind: 'near_name', candidateId: a.candidate.externalId, detail: `may also go by ${named}` });
      a.score = Math.max(a.score, WEIGHT.nearName);
    }
    const others = goesBy.map(describe).join(', ');
    return review(context, `${describe(only)} is named ${named}, but ${others} may go by that name too (a short form or another spelling of the given name)`);
  }
  if (!context.settings.acceptNameOnly) {
    return review(context, `only ${describe(only)} is named ${named}, but this connection does not accept names alone`);
  }
  return matched(only, context, `${noIdentifier}, and only ${describe(only)} is named ${named}`);
}

/** Dan Smith for Daniel Smith, Meg for Megan, Yuri for Yury: a person may be called either. */
function mayGoBySameName(candidate: DirectoryCandidate, wanted: ParsedName): boolean {
  for (const form of nameForms(candidate)) {
    const parsed = parseName(form);
    if (parsed !== null && givenNameVariant(wanted, parsed)) return true;
  }
  return false;
}

function describe(a: Assessment): string {
  return `"${a.candidate.displayName}" (${a.candidate.externalId})`;
}

function describeIdentifiers(a: Assessment): string {
  const parts = [...a.phones.map((phone) => `phone ${phone}`), ...a.emails.map((email) => `email ${email}`)];
  return `participant ${parts.join(' and ')}`;
}

function conflict(a: Assessment, detail: string): void {
  a.evidence.push({ kind: 'conflict', candidateId: a.candidate.externalId, detail });
  a.score = Math.round(a.score * 500) / 1000;
}

function ranked(assessed: Assessment[]): RankedCandidate[] {
  return assessed
    .filter((a) => a.evidence.length > 0)
    .sort((a, b) => b.score - a.score || a.candidate.displayName.localeCompare(b.candidate.displayName))
    .map((a) => ({
      candidateId: a.candidate.externalId,
      displayName: a.candidate.displayName,
      score: a.score,
      evidence: a.evidence,
    }));
}

function withIgnored(reason: string, context: DecisionContext): string {
  if (context.ignored === 0) return reason;
  const what =
    context.ignored === 1
      ? "participant was the organisation's own number or address"
      : "participants were the organisation's own numbers or addresses";
  return `${reason}; ${context.ignored} ${what} and did not count`;
}

function matched(pick: Assessment, context: DecisionContext, reason: string): MatchDecision {
  return {
    decision: 'matched',
    candidateId: pick.candidate.externalId,
    score: pick.score,
    evidence: pick.evidence,
    alternatives: ranked(context.assessed.filter((a) => a !== pick)),
    reason: withIgnored(capitalise(reason), context),
  };
}

function review(context: DecisionContext, reason: string): MatchDecision {
  const alternatives = ranked(context.assessed);
  return {
    decision: 'needs_review',
    candidateId: null,
    score: alternatives[0]?.score ?? 0,
    evidence: alternatives.flatMap((alternative) => alternative.evidence),
    alternatives,
    reason: withIgnored(capitalise(reason), context),
  };
}

function unmatched(context: DecisionContext, reason: string): MatchDecision {
  return {
    decision: 'unmatched',
    candidateId: null,
    score: 0,
    evidence: [],
    alternatives: [],
    reason: withIgnored(capitalise(reason), context),
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
