import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AtsAdapter, AtsCandidate, AtsContext, CandidateQuery } from '../ats/ats-adapter.port';
import { isAtsError } from '../ats/ats-error';
import { CandidateDirectoryRepository, DirectoryEntry, DirectoryLookup, DirectoryQuery, toAtsCandidate } from './candidate-directory.repository';
import type { CountryCode } from 'libphonenumber-js';
import { candidateKeys, decideMatch, MatchDecision, MatchInput, matchQueryKeys, readMatchSettings } from './match-policy';
import type { DirectoryNewsEntry } from './directory-news';
import type { MatchSettings } from './match-settings';

export interface FindResult {
  decision: MatchDecision;
  candidate: AtsCandidate | null;
  /** ATS calls spent on live searches. */
  atsCalls: number;
  /** Live searches that failed (matching went on with what it had). */
  searchErrors: string[];
  /** The live searches that ran, in order: what was asked and how many candidates the ATS answered. */
  searches: LiveSearch[];
  /** Candidates the live searches brought that the directory did not hold as they are (empty when not learning). */
  news: DirectoryNewsEntry[];
}

export interface LiveSearch {
  kind: 'phone' | 'email' | 'name';
  value: string;
  found: number;
  error?: string;
}

export interface FindOptions {
  /**
   * Whether what the live searches find is written to the directory (a sync) or only weighed (a preview, which
   * stores nothing). The decision is the same either way: it is made over the directory's entries and the
   * searches' answers together.
   */
  learn: boolean;
}

/** Live searches per meeting: enough for a phone, an email and the name; never a scan. */
export const MAX_LIVE_SEARCHES = 3;

/**
 * Finds the candidate a meeting is about: the directory first; when it is not decisive, the ATS's own
 * search (only the kinds the adapter offers, at most MAX_LIVE_SEARCHES calls), whose results also refresh
 * the directory. The decision itself is the pure policy in match-policy.ts.
 */
@Injectable()
export class CandidateFinderService {
  constructor(
    private readonly directory: CandidateDirectoryRepository,
    private readonly dataSource: DataSource,
  ) {}

  async find(adapter: AtsAdapter, ctx: AtsContext, input: MatchInput, options: FindOptions = { learn: true }): Promise<FindResult> {
    const settings = readMatchSettings(ctx.settings);
    const keys = matchQueryKeys(input, settings);
    const query = { ...keys, name: input.atsRecordName };
    const lookup = await this.directory.search(ctx.connectionId, query);
    let entries = lookup.entries;
    let decision = await this.decide(adapter, ctx.connectionId, input, settings, lookup, entries);
    let atsCalls = 0;
    const searchErrors: string[] = [];
    const searches: LiveSearch[] = [];
    let news: DirectoryNewsEntry[] = [];

    if (decision.decision !== 'matched') {
      const queries = liveSearches(adapter, keys, input.atsRecordName);
      const found: AtsCandidate[] = [];
      for (const q of queries) {
        atsCalls++;
        try {
          const answer = await adapter.searchCandidates(ctx, { [q.kind]: q.value } as CandidateQuery);
          found.push(...answer);
          searches.push({ ...q, found: answer.length });
        } catch (err) {
          // An auth or rate-limit failure must not be hidden behind "unmatched": let the sync retry it.
          if (isAtsError(err) && err.code !== 'NOT_FOUND' && err.code !== 'INVALID_REQUEST') throw err;
          searchErrors.push(`${q.kind} search: ${(err as Error).message}`);
          searches.push({ ...q, found: 0, error: (err as Error).message });
        }
      }
      if (found.length > 0) {
        if (options.learn) news = (await this.directory.upsertWithNews(ctx.connectionId, found, settings.defaultRegion)).news;
        // The searches' answers stand in for the directory's copies of the same candidates (they are newer).
        const byId = new Map<string, DirectoryEntry>(entries.map((e) => [e.externalId, e]));
        for (const c of found) byId.set(c.externalId, asEntry(c, settings.defaultRegion));
        entries = [...byId.values()];
        decision = await this.decide(adapter, ctx.connectionId, input, settings, lookup, entries);
      }
    }

    const chosen = decision.decision === 'matched' ? entries.find((e) => e.externalId === decision.candidateId) : undefined;
    return { decision, candidate: chosen ? toAtsCandidate(chosen) : null, atsCalls, searchErrors, searches, news };
  }

  /**
   * What the directory alone decides, with the same guards as `find` (a lookup cut short, a name-only match on
   * an ATS without name search): the first step of `find`, and the admin preview's answer.
   */
  fromDirectory(adapter: AtsAdapter, ctx: AtsContext, input: MatchInput): Promise<{ entries: DirectoryEntry[]; decision: MatchDecision }> {
    const settings = readMatchSettings(ctx.settings);
    return this.decideFromDirectory(adapter, ctx, input, settings, { ...matchQueryKeys(input, settings), name: input.atsRecordName });
  }

  private async decideFromDirectory(
    adapter: AtsAdapter,
    ctx: AtsContext,
    input: MatchInput,
    settings: MatchSettings,
    query: DirectoryQuery,
  ): Promise<{ entries: DirectoryEntry[]; decision: MatchDecision }> {
    const lookup = await this.directory.search(ctx.connectionId, query);
    return { entries: lookup.entries, decision: await this.decide(adapter, ctx.connectionId, input, settings, lookup, lookup.entries) };
  }

  /** The policy's decision over `entries`, with both guards. */
  private decide(
    adapter: AtsAdapter,
    connectionId: string,
    input: MatchInput,
    settings: MatchSettings,
    lookup: DirectoryLookup,
    entries: DirectoryEntry[],
  ): Promise<MatchDecision> {
    return this.guardNameOnly(guardTruncated(decideMatch(input, entries, settings), lookup, entries), entries, adapter, connectionId);
  }

  /**
   * A name held by one directory candidate only proves uniqueness if the directory holds everyone: when
   * the ATS cannot search by name and no full directory refresh has completed, a namesake may be missing,
   * so a match on the name alone goes to review instead.
   */
  private async guardNameOnly(decision: MatchDecision, entries: DirectoryEntry[], adapter: AtsAdapter, connectionId: string): Promise<MatchDecision> {
    const nameOnly = decision.evidence.length > 0 && decision.evidence.every((e) => e.kind === 'exact_name');
    if (decision.decision !== 'matched' || !nameOnly || adapter.capabilities.search.includes('name')) return decision;
    const rows: Array<{ last_full_at: Date | null }> = await this.dataSource.query(
      `SELECT last_full_at FROM directory_refresh_state WHERE connection_id = $1`,
      [connectionId],
    );
    if (rows[0]?.last_full_at) return decision;
    const chosen = entries.find((e) => e.externalId === decision.candidateId);
    return {
      ...decision,
      decision: 'needs_review',
      candidateId: null,
      alternatives: [
        { candidateId: decision.candidateId!, displayName: chosen?.displayName ?? decision.candidateId!, score: decision.score, evidence: decision.evidence },
        ...decision.alternatives,
      ],
      waitsFor: 'full_directory_refresh',
      reason: `${decision.reason}; but this ATS cannot search by name and the candidate directory has not completed a full refresh for this connection, so another candidate may carry the same name`,
    };
  }

  /** The candidate an operator chose, from the directory (or as a bare id the adapter can post to). */
  async chosen(connectionId: string, externalId: string): Promise<AtsCandidate> {
    const entry: DirectoryEntry | null = await this.directory.get(connectionId, externalId);
    if (entry) return toAtsCandidate(entry);
    return { externalId, firstName: null, lastName: null, displayName: externalId, phones: [], emails: [], updatedAt: null };
  }
}

/**
 * A lookup cut short cannot prove that a candidate is the only one with a name or a number: past the limit a
 * namesake or another holder may be missing. Only a match on a phone or email that also agrees exactly on the
 * name stands (the policy matches that whoever else carries the name); anything else goes to review.
 */
export function guardTruncated(decision: MatchDecision, lookup: DirectoryLookup, entries: DirectoryEntry[]): MatchDecision {
  if (decision.decision !== 'matched' || (!lookup.identifiersTruncated && !lookup.namesTruncated)) return decision;
  const kinds = new Set(decision.evidence.filter((e) => e.candidateId === decision.candidateId).map((e) => e.kind));
  const identified = kinds.has('phone') || kinds.has('email');
  if (!lookup.identifiersTruncated && identified && kinds.has('exact_name')) return decision;
  const chosen = entries.find((e) => e.externalId === decision.candidateId);
  const crowd = lookup.identifiersTruncated ? 'hold these phone numbers or emails' : 'carry names like this one';
  return {
    ...decision,
    decision: 'needs_review',
    candidateId: null,
    alternatives: [
      { candidateId: decision.candidateId!, displayName: chosen?.displayName ?? decision.candidateId!, score: decision.score, evidence: decision.evidence },
      ...decision.alternatives,
    ],
    reason: `${decision.reason}; but more candidates ${crowd} than one lookup returns, so another may fit as well`,
  };
}

/** The searches a sync runs when the directory is not decisive: the kinds the ATS offers, phones, emails, then the name. */
export function liveSearches(adapter: AtsAdapter, keys: { phones: string[]; emails: string[] }, name: string | null): Array<{ kind: LiveSearch['kind']; value: string }> {
  const kinds = adapter.capabilities.search;
  return [
    ...(kinds.includes('phone') ? keys.phones.map((value) => ({ kind: 'phone' as const, value })) : []),
    ...(kinds.includes('email') ? keys.emails.map((value) => ({ kind: 'email' as const, value })) : []),
    ...(kinds.includes('name') && name ? [{ kind: 'name' as const, value: name }] : []),
  ].slice(0, MAX_LIVE_SEARCHES);
}

/** A search answer as the directory would hold it (identifiers normalised with the connection's region). */
function asEntry(c: AtsCandidate, region: CountryCode): DirectoryEntry {
  const keys = candidateKeys(c, region);
  return {
    externalId: c.externalId,
    displayName: c.displayName,
    firstName: c.firstName,
    lastName: c.lastName,
    phones: keys.phones,
    emails: keys.emails,
    identifiersNormalised: true,
    meta: c.meta ?? null,
    atsUpdatedAt: c.updatedAt,
  };
}
