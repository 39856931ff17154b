import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import type { AtsCandidate, CandidateQuery } from '../ats/ats-adapter.port';
import { AtsAdapterRegistry } from '../ats/ats-adapter.registry';
import { isAtsError } from '../ats/ats-error';
import { jsonSchemaOf } from '../common/http/openapi.decorators';
import { ConnectionsService } from '../connections/connections.service';
import { CandidateDirectoryRepository } from '../matching/candidate-directory.repository';
import { normaliseEmail, normalisePhone } from '../matching/identifier-normaliser';
import { SYNC_STATUSES, SyncStatus } from '../sync/sync.entity';
import { SyncRepository } from '../sync/sync.repository';
import type { candidateHitSchema } from './console-support.schemas';

type CandidateHit = z.output<typeof candidateHitSchema>;

/** What the text an operator typed is: an email, a phone (E.164) or part of a name. */
export function classifySearchText(q: string, defaultRegion = 'US'): { email?: string; phone?: string; name?: string } {
  const text = q.trim();
  if (text.includes('@')) return { email: normaliseEmail(text) ?? text.toLowerCase() };
  const digits = text.replace(/\D/g, '');
  if (/^\+?[\d\s().-]+$/.test(text) && digits.length >= 6) {
    const phone = normalisePhone(text, defaultRegion as never);
    if (phone) return { phone };
  }
  return { name: text };
}

/**
 * Read models the operator console needs beyond the resource routes: the providers and their connection
 * contracts as JSON Schema, a free-text candidate search for the review queue, and the overview's counts.
 */
@Injectable()
export class ConsoleSupportService {
  private readonly logger = new Logger(ConsoleSupportService.name);

  constructor(
    private readonly registry: AtsAdapterRegistry,
    private readonly connections: ConnectionsService,
    private readonly directory: CandidateDirectoryRepository,
    private readonly syncs: SyncRepository,
  ) {}

  providers() {
    return {
      items: this.registry
        .providers()
        .map((p) => this.registry.get(p))
        .map((adapter) => ({
          provider: adapter.provider,
          capabilities: adapter.capabilities,
          // Input side: what an operator sends (defaults are optional there).
          credentialsSchema: jsonSchemaOf(adapter.contract.credentials, 'input'),
          settingsSchema: jsonSchemaOf(adapter.contract.settings, 'input'),
          vendorDomains: [...adapter.contract.vendorDomains],
        })),
    };
  }

  /** The directory always; the ATS too when it can search by this kind of text (its hits join the directory's). */
  async searchCandidates(connectionId: string, q: string, limit: number) {
    const { connection, ctx } = await this.connections.context(connectionId);
    const region = typeof ctx.settings.defaultRegion === 'string' ? ctx.settings.defaultRegion : 'US';
    const text = classifySearchText(q, region);
    const local = await this.directory.searchText(connectionId, text, limit);
    const hits = new Map<string, CandidateHit>(local.map((e) => [e.externalId, { ...hitOf(e), source: 'directory' as const }]));

    const adapter = this.registry.get(connection.provider);
    const kind = text.email ? 'email' : text.phone ? 'phone' : 'name';
    const query: CandidateQuery = text.email ? { email: text.email } : text.phone ? { phone: text.phone } : { name: text.name };
    const atsSearched = connection.enabled && adapter.capabilities.search.includes(kind);
    let atsError: string | null = null;
    if (atsSearched) {
      try {
        for (const c of await adapter.searchCandidates(ctx, query)) {
          if (hits.size >= limit) break;
          if (!hits.has(c.externalId)) hits.set(c.externalId, { ...hitOf(c), source: 'ats' });
        }
      } catch (err) {
        atsError = isAtsError(err) ? `${err.code}: ${err.message}` : 'the ATS search failed unexpectedly; see the service log';
        if (!isAtsError(err)) this.logger.error(`candidate search on ${connection.provider} failed: ${(err as Error)?.message ?? String(err)}`);
      }
    }
    return { items: [...hits.values()], atsSearched, atsError };
  }

  async candidatesById(connectionId: string, ids: string[]) {
    await this.connections.entity(connectionId, { withDeleted: true });
    const found = await this.directory.getMany(connectionId, ids);
    const order = new Map(ids.map((id, i) => [id, i]));
    found.sort((a, b) => order.get(a.externalId)! - order.get(b.externalId)!);
    return { items: found.map((e) => ({ ...hitOf(e), source: 'directory' as const })), atsSearched: false, atsError: null };
  }

  async overview(now = new Date()) {
    const data = await this.syncs.overview(new Date(now.getTime() - 24 * 3600 * 1000));
    const byConnection = new Map<string, Record<SyncStatus, number>>();
    for (const row of data.byConnection) {
      const counts = byConnection.get(row.connection_id) ?? (Object.fromEntries(SYNC_STATUSES.map((s) => [s, 0])) as Record<SyncStatus, number>);
      counts[row.status] = row.n;
      byConnection.set(row.connection_id, counts);
    }
    const needsReview = data.byConnection.filter((r) => r.status === 'needs_review').reduce((n, r) => n + r.n, 0);
    return {
      connections: [...byConnection].map(([connectionId, counts]) => ({ connectionId, counts })),
      queue: {
        due: data.queue.due,
        oldestDueAt: data.queue.oldest_due_at ? new Date(data.queue.oldest_due_at).toISOString() : null,
        processing: data.queue.processing,
      },
      failuresLast24h: data.failures.map((f) => ({ code: f.code, count: f.n })),
      needsReview,
    };
  }
}

function hitOf(c: Pick<AtsCandidate, 'externalId' | 'displayName' | 'emails' | 'phones'>) {
  return { externalId: c.externalId, displayName: c.displayName, emails: c.emails ?? [], phones: c.phones ?? [] };
}
