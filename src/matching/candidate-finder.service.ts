import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AtsAdapter, AtsCandidate, AtsContext, CandidateQuery } from '../ats/ats-adapter.port';
import { isAtsError } from '../ats/ats-error';
import { CandidateDirectoryRepository, DirectoryEntry, DirectoryLookup, DirectoryQuery, toAtsCandidate } from './candidate-directory.repository';
import { decideMatch, MatchDecision, MatchInput, matchQueryKeys, readMatchSettings } from './match-policy';
import type { MatchSettings } from './match-settings';

export interface FindResult {
  decision: MatchDecision;
  candidate: AtsCandidate | null;
  /** ATS calls spent on live searches. */
  atsCalls: number;
  /** Live searches that failed (matching went on with what it had). */
  searchErrors: string[];
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

  async find(adapter: AtsAdapter, ctx: AtsContext, input: MatchInput): Promise<FindResult> {
    const settings = readMatchSettings(ctx.settings);
    const keys = matchQueryKeys(input, settings);
    const query = { ...keys, name: input.atsRecordName };
    let { entries, decision } = await this.decideFromDirectory(adapter, ctx, input, settings, query);
    let atsCalls = 0;
    const searchErrors: string[] = [];

    if (decision.decision !== 'matched') {
      const queries: CandidateQuery[] = [
        ...(adapter.capabilities.search.includes('phone') ? keys.phones.map((phone) => ({ phone })) : []),
        ...(adapter.capabilities.search.includes('email') ? keys.emails.map((email) => ({ email })) : []),
        ...(adapter.capabilities.search.includes('name') && input.atsRecordName ? [{ name: input.atsRecordName }] : []),
      ].slice(0, MAX_LIVE_SEARCHES);
      const found: AtsCandidate[] = [];
      for (const query of queries) {
        atsCalls++;
        try {
          found.push(...(await adapter.searchCandidates(ctx, query)));
        } catch (err) {
          // An auth or rate-limit failure must not be hidden behind "unmatched": let the sync retry it.
          if (isAtsError(err) && err.code !== 'NOT_FOUND' && err.code !== 'INVALID_REQUEST') throw err;
          searchErrors.push(`${Object.keys(query)[0]} search: ${(err as Error).message}`);
        }
      }
      if (found.length > 0) {
        await this.directory.upsert(ctx.connectionId, found, settings.defaultRegion);
        const byId = new Map<string, DirectoryEntry>();
        const lookup = await this.directory.search(ctx.connectionId, query);
        for (const e of lookup.entries) byId.set(e.externalId, e);
        for (const e of await this.directory.getMany(ctx.connectionId, found.map((c) => c.externalId))) byId.set(e.externalId, e);
        entries = [...byId.values()];
        decision = await this.decide(adapter, ctx.connectionId, input, settings, lookup, entries);
      }
    }

    const chosen = decision.decision === 'matched' ? entries.find((e) => e.externalId === decision.candidateId) : undefined;
    return { decision, candidate: chosen ? toAtsCandidate(chosen) : null, atsCalls, searchErrors };
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
