import { Injectable } from '@nestjs/common';
import type { AtsAdapter, AtsCandidate, AtsContext, CandidateQuery } from '../ats/ats-adapter.port';
import { isAtsError } from '../ats/ats-error';
import { CandidateDirectoryRepository, DirectoryEntry, toAtsCandidate } from './candidate-directory.repository';
import { decideMatch, MatchDecision, MatchInput, matchQueryKeys, readMatchSettings } from './match-policy';

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
  constructor(private readonly directory: CandidateDirectoryRepository) {}

  async find(adapter: AtsAdapter, ctx: AtsContext, input: MatchInput): Promise<FindResult> {
    const settings = readMatchSettings(ctx.settings);
    const keys = matchQueryKeys(input, settings);
    let entries = await this.directory.lookup(ctx.connectionId, keys);
    let decision = decideMatch(input, entries, settings);
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
        for (const e of await this.directory.lookup(ctx.connectionId, keys)) byId.set(e.externalId, e);
        for (const e of await this.directory.getMany(ctx.connectionId, found.map((c) => c.externalId))) byId.set(e.externalId, e);
        entries = [...byId.values()];
        decision = decideMatch(input, entries, settings);
      }
    }

    const chosen = decision.decision === 'matched' ? entries.find((e) => e.externalId === decision.candidateId) : undefined;
    return { decision, candidate: chosen ? toAtsCandidate(chosen) : null, atsCalls, searchErrors };
  }

  /** The candidate an operator chose, from the directory (or as a bare id the adapter can post to). */
  async chosen(connectionId: string, externalId: string): Promise<AtsCandidate> {
    const entry: DirectoryEntry | null = await this.directory.get(connectionId, externalId);
    if (entry) return toAtsCandidate(entry);
    return { externalId, firstName: null, lastName: null, displayName: externalId, phones: [], emails: [], updatedAt: null };
  }
}
