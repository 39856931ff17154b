import { rowsOf } from '../common/query-rows';
import { Injectable } from '@nestjs/common';
import type { CountryCode } from 'libphonenumber-js';
import { DataSource } from 'typeorm';
import { preparedVariant } from '../common/prepared-statement';
import type { AtsCandidate } from '../ats/ats-adapter.port';
import { candidateKeys, DirectoryCandidate, MatchQueryKeys } from './match-policy';
import { mailboxOf } from './identifier-normaliser';
import { candidateLookupKeys, mailboxKeys, queryNameKeys } from './name-lookup-keys';
import type { DirectoryNewsEntry } from './directory-news';

export interface DirectoryEntry extends DirectoryCandidate {
  meta: Record<string, unknown> | null;
  atsUpdatedAt: Date | null;
}

/** What a meeting is looked up by. */
export interface DirectoryQuery extends MatchQueryKeys {
  /**
   * The meeting's name as written. Its spelling variants and initials make the name lookup complete; without it
   * the name is read back from `nameKey`, which has lost them.
   */
  name?: string | null;
}

export interface DirectoryLookup {
  entries: DirectoryEntry[];
  /** More candidates carry the meeting's phones or emails than one lookup returns. */
  identifiersTruncated: boolean;
  /** More candidates carry names like the meeting's than one lookup returns. */
  namesTruncated: boolean;
}

/**
 * Holders or carriers handed to the policy per lookup. Past a few namesakes a name decides nothing anyway (the
 * answer says it was cut short), and every row costs a heap fetch and the policy's time to weigh it.
 */
export const DIRECTORY_LOOKUP_LIMIT = 10;
/** Near spellings are suggestions for reviewers: a few are enough, and only when few carry the name itself. */
const NEAR_NAME_LIMIT = 5;
const NEAR_NAMES_BELOW = 3;

const ENTRY_COLUMNS = 'external_id, display_name, first_name, last_name, phones, emails, meta, ats_updated_at';

/** The tiers of a lookup, in the order the policy weighs them. */
const HOLDERS = 0;
const CARRIERS = 1;
const NEAR = 2;
const GIVEN = 3;

/**
 * One statement of a directory lookup: each scan is a materialized CTE, planned to fetch every match (so through
 * its GIN index: with a LIMIT in view the planner bets on a sequential scan finding enough rows early, which it
 * does not for rare keys), yet run only as far as the LIMITs of its tiers pull rows from it.
 */
class TieredLookup {
  private readonly params: unknown[];
  private readonly scans: string[] = [];
  private readonly taken: string[] = [];
  private readonly ownScans = new Set<number>();

  constructor(connectionId: string) {
    this.params = [connectionId];
  }

  param(value: unknown): string {
    return `$${this.params.push(value)}`;
  }

  /** A tier with a scan of its own. */
  tier(tier: number, where: string, max: number): void {
    const name = `t${tier}`;
    this.ownScans.add(tier);
    this.scans.push(`${name} AS MATERIALIZED (SELECT ${ENTRY_COLUMNS} FROM candidates WHERE connection_id = $1 AND (${where}))`);
    this.taken.push(`(SELECT ${tier} AS tier, ${ENTRY_COLUMNS} FROM ${name} LIMIT ${max})`);
  }

  /**
   * Tiers sharing one scan by name keys: a row is in each tier whose keys it carries. With `gate`, the scan runs
   * only when the given tier's own scan finds fewer than `fewerThan` rows: Postgres counts them first (reading at
   * most that many) and skips the scan otherwise (a one-time filter), all within this one statement. Its keys
   * reach the planner as a sub-select, so it plans the scan without weighing each key's statistics: that costs
   * more than the scan itself, which most meetings skip (bench:matching, 1,000,000 candidates: p99 3.9-4.1 ms
   * against 4.1-4.5 ms with the keys in view).
   */
  sharedTiers(
    keys: string[],
    tiers: Array<[tier: number, keys: string[], max: number]>,
    gate?: { tier: number; fewerThan: number },
  ): void {
    const present = tiers.filter(([, tierKeys]) => tierKeys.length > 0);
    const flags = present.map(([tier, tierKeys]) => `name_keys && ${this.param(tierKeys)}::text[] AS in_${tier}, `).join('');
    const name = `s${this.scans.length}`;
    const gated =
      gate && this.ownScans.has(gate.tier)
        ? ` AND (SELECT count(*) FROM (SELECT FROM t${gate.tier} LIMIT ${gate.fewerThan}) AS few) < ${gate.fewerThan}`
        : '';
    this.scans.push(
      `${name} AS MATERIALIZED (SELECT ${flags}${ENTRY_COLUMNS} FROM candidates WHERE connection_id = $1 AND name_keys && (SELECT ${this.param([...new Set(keys)])}::text[])${gated})`,
    );
    for (const [tier, , max] of present) this.taken.push(`(SELECT ${tier} AS tier, ${ENTRY_COLUMNS} FROM ${name} WHERE in_${tier} LIMIT ${max})`);
  }

  async run(dataSource: DataSource): Promise<Array<Record<string, any>>> {
    if (this.taken.length === 0) return [];
    // Prepared: the tiers present make one of a few texts (keys travel as parameters, limits are constants), so
    // each connection parses it once; Postgres still plans per keys while that pays (plan_cache_mode auto).
    return preparedVariant('directory_lookup', `WITH ${this.scans.join(', ')} ${this.taken.join(' UNION ALL ')}`).run(dataSource, this.params);
  }
}

/**
 * The local mirror of each connection's candidates, keyed for the lookups matching needs: name keys
 * (name-lookup-keys.ts), E.164 phones and lower-cased emails, each behind a GIN index. Filled by directory
 * refreshes and by live search results.
 */
@Injectable()
export class CandidateDirectoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts or refreshes candidates (one statement for the whole batch). */
  async upsert(connectionId: string, candidates: AtsCandidate[], defaultRegion: CountryCode = 'US'): Promise<number> {
    return (await this.write(connectionId, candidates, defaultRegion, false)).stored;
  }

  /**
   * As `upsert`, and answers which of them are news: new to the directory, or with other name keys, phones
   * or emails than it held. The old values are read in the same statement (its snapshot precedes the write).
   */
  async upsertWithNews(
    connectionId: string,
    candidates: AtsCandidate[],
    defaultRegion: CountryCode = 'US',
  ): Promise<{ stored: number; news: DirectoryNewsEntry[] }> {
    return this.write(connectionId, candidates, defaultRegion, true);
  }

  private async write(
    connectionId: string,
    candidates: AtsCandidate[],
    defaultRegion: CountryCode,
    withNews: boolean,
  ): Promise<{ stored: number; news: DirectoryNewsEntry[] }> {
    if (candidates.length === 0) return { stored: 0, news: [] };
    const unique = new Map(candidates.map((c) => [c.externalId, c]));
    const rows = [...unique.values()].map((c) => {
      const keys = candidateKeys(c, defaultRegion);
      return {
        external_id: c.externalId,
        display_name: c.displayName,
        first_name: c.firstName,
        last_name: c.lastName,
        name_key: keys.nameKey,
        name_keys: candidateLookupKeys(c, keys.emails),
        phones: keys.phones,
        emails: keys.emails,
        meta: c.meta ?? null,
        ats_updated_at: c.updatedAt ? c.updatedAt.toISOString() : null,
      };
    });
    const insert = `INSERT INTO candidates (connection_id, external_id, display_name, first_name, last_name, name_key, name_keys, phones, emails, meta, ats_updated_at, refreshed_at)
       SELECT $1, r.external_id, r.display_name, r.first_name, r.last_name, r.name_key,
              ARRAY(SELECT jsonb_array_elements_text(r.name_keys)),
              ARRAY(SELECT jsonb_array_elements_text(r.phones)), ARRAY(SELECT jsonb_array_elements_text(r.emails)),
              r.meta, r.ats_updated_at, now()
       FROM jsonb_to_recordset($2::jsonb) AS r(external_id text, display_name text, first_name text, last_name text,
              name_key text, name_keys jsonb, phones jsonb, emails jsonb, meta jsonb, ats_updated_at timestamptz)
       ON CONFLICT (connection_id, external_id) DO UPDATE SET
         display_name = EXCLUDED.display_name, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
         name_key = EXCLUDED.name_key, name_keys = EXCLUDED.name_keys, phones = EXCLUDED.phones, emails = EXCLUDED.emails,
         meta = COALESCE(EXCLUDED.meta, candidates.meta), ats_updated_at = EXCLUDED.ats_updated_at, refreshed_at = now()`;
    const params = [connectionId, JSON.stringify(rows)];
    if (!withNews) {
      await this.dataSource.query(insert, params);
      return { stored: rows.length, news: [] };
    }
    const changed: Array<{ external_id: string; name_keys: string[]; phones: string[]; emails: string[] }> = await this.dataSource.query(
      `WITH old AS (
         SELECT external_id, name_keys, phones, emails FROM candidates
         WHERE connection_id = $1 AND external_id IN (SELECT r.external_id FROM jsonb_to_recordset($2::jsonb) AS r(external_id text))
       ), up AS (${insert} RETURNING external_id, name_keys, phones, emails)
       SELECT up.external_id, up.name_keys, up.phones, up.emails FROM up LEFT JOIN old USING (external_id)
       WHERE old.external_id IS NULL OR old.name_keys IS DISTINCT FROM up.name_keys
          OR old.phones IS DISTINCT FROM up.phones OR old.emails IS DISTINCT FROM up.emails`,
      params,
    );
    return {
      stored: rows.length,
      news: changed.map((r) => ({ externalId: r.external_id, nameKeys: r.name_keys ?? [], phones: r.phones ?? [], emails: r.emails ?? [] })),
    };
  }

  /**
   * Moves the entries a bulk write left in the GIN indexes' pending lists into the indexes proper. Until then
   * (or until autovacuum gets to it) every lookup scans those lists entry by entry, which after a large refresh
   * costs milliseconds per match. Answers how many pending pages were cleaned.
   */
  async flushPendingIndexEntries(): Promise<number> {
    const rows: Array<{ pages: string }> = await this.dataSource.query(
      `SELECT coalesce(sum(gin_clean_pending_list(i.indexrelid)), 0)::bigint AS pages
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
       WHERE i.indrelid = 'candidates'::regclass AND am.amname = 'gin'`,
    );
    return Number(rows[0]?.pages ?? 0);
  }

  /** Everyone who carries one of the meeting's phones or emails, or a name like its name (at most `limit` of each). */
  async lookup(connectionId: string, query: DirectoryQuery, limit = DIRECTORY_LOOKUP_LIMIT): Promise<DirectoryEntry[]> {
    return (await this.search(connectionId, query, limit)).entries;
  }

  /**
   * The lookup matching uses, in one statement: holders of the meeting's phones and emails, carriers of the same
   * or a compatible name, and, only when hardly anyone carries such a name, a few near spellings and a few
   * namesakes who may go by the meeting's given name (Dan for Daniel). When holders or name carriers are more
   * than `limit`, the answer says so: a decision that relies on someone being the only one cannot trust it.
   *
   * One statement rather than a second one for the near names: most names are carried by one or two people, so
   * most meetings need them, and measured with bench:combined a round trip costs the service and Postgres more
   * than planning the extra scan, which Postgres skips when the name's carriers are enough.
   */
  async search(connectionId: string, query: DirectoryQuery, limit = DIRECTORY_LOOKUP_LIMIT): Promise<DirectoryLookup> {
    const name = query.name !== undefined ? query.name : query.nameKey;
    // The name is parsed once for every kind of key; the near and given ones are used only if few carry the name.
    const names = queryNameKeys(name, ['strict', 'near', 'given']);
    const tiers = new TieredLookup(connectionId);
    if (query.phones.length > 0 || query.emails.length > 0) {
      // An address is also looked up by its mailbox, untagged (emails) and as the mailbox of tagged ones (m: keys).
      const emails = [...new Set([...query.emails, ...query.emails.map(mailboxOf)])];
      const phones = tiers.param(query.phones);
      const mailboxes = query.emails.length > 0 ? ` OR name_keys && ${tiers.param(mailboxKeys(query.emails, 'query'))}::text[]` : '';
      tiers.tier(HOLDERS, `phones && ${phones}::text[] OR emails && ${tiers.param(emails)}::text[]${mailboxes}`, limit + 1);
    }
    if (names.strict.length > 0) tiers.tier(CARRIERS, `name_keys && ${tiers.param(names.strict)}::text[]`, limit + 1);
    if (names.near.length + names.given.length > 0) {
      // Near spellings and such namesakes have places of their own: near spellings may be many, and one namesake
      // who may go by this name already stops a name-only match, so a few of each are enough. One scan finds
      // both, each row flagged with the tier it is in; it runs only when fewer than NEAR_NAMES_BELOW carry the name.
      tiers.sharedTiers(
        [...names.near, ...names.given],
        [
          [NEAR, names.near, NEAR_NAME_LIMIT],
          [GIVEN, names.given, NEAR_NAME_LIMIT],
        ],
        { tier: CARRIERS, fewerThan: NEAR_NAMES_BELOW },
      );
    }
    const rows = await tiers.run(this.dataSource);

    const counts = [0, 0, 0, 0];
    const byId = new Map<string, DirectoryEntry>();
    for (const row of rows) {
      const t = row.tier as 0 | 1 | 2 | 3;
      // The row past the limit only tells that there are more; it is not handed on.
      if (++counts[t]! > limit) continue;
      if (!byId.has(row.external_id)) byId.set(row.external_id, toEntry(row));
    }
    return { entries: [...byId.values()], identifiersTruncated: counts[HOLDERS]! > limit, namesTruncated: counts[CARRIERS]! > limit };
  }

  /** How many candidates each connection's directory holds. */
  async counts(connectionIds: string[]): Promise<Map<string, number>> {
    const rows: Array<{ connection_id: string; n: number }> = await this.dataSource.query(
      `SELECT connection_id, count(*)::int AS n FROM candidates WHERE connection_id = ANY($1::uuid[]) GROUP BY connection_id`,
      [connectionIds],
    );
    return new Map(rows.map((r) => [r.connection_id, r.n]));
  }

  /**
   * An operator's free-text search (the review queue): an email or an E.164 phone exactly, otherwise a part of
   * the display name, case-insensitively. Names first by how early the text appears, then alphabetically.
   */
  async searchText(connectionId: string, text: { email?: string; phone?: string; name?: string }, limit: number): Promise<DirectoryEntry[]> {
    const params: unknown[] = [connectionId];
    const ors: string[] = [];
    if (text.email) ors.push(`emails && ARRAY[$${params.push(text.email)}]::text[]`);
    if (text.phone) ors.push(`phones && ARRAY[$${params.push(text.phone)}]::text[]`);
    let order = 'display_name';
    if (text.name) {
      const like = `%${text.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      ors.push(`display_name ILIKE $${params.push(like)}`);
      order = `strpos(lower(display_name), lower($${params.push(text.name)})), display_name`;
    }
    if (ors.length === 0) return [];
    params.push(limit);
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `SELECT ${ENTRY_COLUMNS} FROM candidates WHERE connection_id = $1 AND (${ors.join(' OR ')})
       ORDER BY ${order}, external_id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toEntry);
  }

  async get(connectionId: string, externalId: string): Promise<DirectoryEntry | null> {
    return (await this.getMany(connectionId, [externalId]))[0] ?? null;
  }

  async getMany(connectionId: string, externalIds: string[]): Promise<DirectoryEntry[]> {
    if (externalIds.length === 0) return [];
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `SELECT external_id, display_name, first_name, last_name, phones, emails, meta, ats_updated_at FROM candidates
       WHERE connection_id = $1 AND external_id = ANY($2::text[])`,
      [connectionId, externalIds],
    );
    return rows.map(toEntry);
  }

  /**
   * Erasure: directory rows holding one of the phones or emails, carrying the exact name key, or being the given
   * candidate of the given connection; only that connection's rows when `connectionId` is set.
   */
  async findForErasure(
    connectionId: string | null,
    keys: { phones: string[]; emails: string[]; nameKey: string | null; atsCandidateId: string | null },
  ): Promise<Array<{ id: string; connectionId: string; externalId: string }>> {
    const rows: Array<{ id: string; connection_id: string; external_id: string }> = await this.dataSource.query(
      `SELECT id::text AS id, connection_id, external_id FROM candidates
       WHERE ($1::uuid IS NULL OR connection_id = $1::uuid)
         AND (phones && $2::text[] OR emails && $3::text[] OR name_key = $4::text
              OR ($1::uuid IS NOT NULL AND external_id = $5::text))
       ORDER BY id`,
      [connectionId, keys.phones, keys.emails, keys.nameKey, keys.atsCandidateId],
    );
    return rows.map((r) => ({ id: r.id, connectionId: r.connection_id, externalId: r.external_id }));
  }

  /** Erasure: deletes directory rows by id; answers how many were still there. */
  async deleteByIds(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = rowsOf(await this.dataSource.query(`DELETE FROM candidates WHERE id = ANY($1::bigint[]) RETURNING 1`, [ids]));
    return rows.length;
  }
}

function toEntry(r: Record<string, any>): DirectoryEntry {
  return {
    externalId: r.external_id,
    displayName: r.display_name,
    firstName: r.first_name,
    lastName: r.last_name,
    phones: r.phones ?? [],
    emails: r.emails ?? [],
    identifiersNormalised: true,
    meta: r.meta,
    atsUpdatedAt: r.ats_updated_at,
  };
}

/** The adapter's view of a directory entry, to post a note on it. */
export function toAtsCandidate(e: DirectoryEntry): AtsCandidate {
  return {
    externalId: e.externalId,
    firstName: e.firstName,
    lastName: e.lastName,
    displayName: e.displayName,
    phones: e.phones,
    emails: e.emails,
    updatedAt: e.atsUpdatedAt,
    meta: e.meta ?? undefined,
  };
}
