import { Injectable } from '@nestjs/common';
import type { CountryCode } from 'libphonenumber-js';
import { DataSource } from 'typeorm';
import type { AtsCandidate } from '../ats/ats-adapter.port';
import { candidateKeys, DirectoryCandidate, MatchQueryKeys } from './match-policy';

export interface DirectoryEntry extends DirectoryCandidate {
  meta: Record<string, unknown> | null;
  atsUpdatedAt: Date | null;
}

/**
 * The local mirror of each connection's candidates, keyed for the lookups matching needs: exact name
 * key, E.164 phones and lower-cased emails. Filled by directory refreshes and by live search results.
 */
@Injectable()
export class CandidateDirectoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts or refreshes candidates (one statement for the whole batch). */
  async upsert(connectionId: string, candidates: AtsCandidate[], defaultRegion: CountryCode = 'US'): Promise<number> {
    if (candidates.length === 0) return 0;
    const unique = new Map(candidates.map((c) => [c.externalId, c]));
    const rows = [...unique.values()].map((c) => {
      const keys = candidateKeys(c, defaultRegion);
      return {
        external_id: c.externalId,
        display_name: c.displayName,
        first_name: c.firstName,
        last_name: c.lastName,
        name_key: keys.nameKey,
        phones: keys.phones,
        emails: keys.emails,
        meta: c.meta ?? null,
        ats_updated_at: c.updatedAt ? c.updatedAt.toISOString() : null,
      };
    });
    await this.dataSource.query(
      `INSERT INTO candidates (connection_id, external_id, display_name, first_name, last_name, name_key, phones, emails, meta, ats_updated_at, refreshed_at)
       SELECT $1, r.external_id, r.display_name, r.first_name, r.last_name, r.name_key,
              ARRAY(SELECT jsonb_array_elements_text(r.phones)), ARRAY(SELECT jsonb_array_elements_text(r.emails)),
              r.meta, r.ats_updated_at, now()
       FROM jsonb_to_recordset($2::jsonb) AS r(external_id text, display_name text, first_name text, last_name text,
              name_key text, phones jsonb, emails jsonb, meta jsonb, ats_updated_at timestamptz)
       ON CONFLICT (connection_id, external_id) DO UPDATE SET
         display_name = EXCLUDED.display_name, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
         name_key = EXCLUDED.name_key, phones = EXCLUDED.phones, emails = EXCLUDED.emails,
         meta = COALESCE(EXCLUDED.meta, candidates.meta), ats_updated_at = EXCLUDED.ats_updated_at, refreshed_at = now()`,
      [connectionId, JSON.stringify(rows)],
    );
    return rows.length;
  }

  /** Everyone who shares the meeting's name key, a phone or an email. */
  async lookup(connectionId: string, keys: MatchQueryKeys, limit = 50): Promise<DirectoryEntry[]> {
    if (!keys.nameKey && keys.phones.length === 0 && keys.emails.length === 0) return [];
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `SELECT external_id, display_name, first_name, last_name, phones, emails, meta, ats_updated_at FROM candidates
       WHERE connection_id = $1 AND (name_key = $2 OR phones && $3::text[] OR emails && $4::text[])
       LIMIT $5`,
      [connectionId, keys.nameKey, keys.phones, keys.emails, limit],
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
}

function toEntry(r: Record<string, any>): DirectoryEntry {
  return {
    externalId: r.external_id,
    displayName: r.display_name,
    firstName: r.first_name,
    lastName: r.last_name,
    phones: r.phones ?? [],
    emails: r.emails ?? [],
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
