import { mailboxOf } from './identifier-normaliser';
import type { MatchQueryKeys } from './match-policy';
import { mailboxKeys, queryNameKeys } from './name-lookup-keys';

/** A candidate the directory has just learned of, or whose name or identifiers just changed, by its lookup keys. */
export interface DirectoryNewsEntry {
  externalId: string;
  nameKeys: string[];
  phones: string[];
  emails: string[];
}

/**
 * Whether the directory lookup for `query` would reach one of `news`: the same keys as the lookup's tiers
 * (identifiers, mailboxes, strict, near and given-name keys), compared in memory. A meeting it reaches was
 * decided without that candidate, so it is worth matching again now rather than at the next ladder step.
 */
export function newsReaches(query: MatchQueryKeys & { name?: string | null }, news: readonly DirectoryNewsEntry[]): boolean {
  if (news.length === 0) return false;
  const names = queryNameKeys(query.name !== undefined ? query.name : query.nameKey);
  const nameKeys = new Set([...names.strict, ...names.near, ...names.given]);
  if (query.emails.length > 0) for (const k of mailboxKeys(query.emails, 'query')) nameKeys.add(k);
  const emails = new Set([...query.emails, ...query.emails.map(mailboxOf)]);
  const phones = new Set(query.phones);
  return news.some(
    (c) => c.phones.some((p) => phones.has(p)) || c.emails.some((e) => emails.has(e)) || c.nameKeys.some((k) => nameKeys.has(k)),
  );
}
