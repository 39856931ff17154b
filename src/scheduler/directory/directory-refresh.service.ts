import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import type { AtsAdapter, AtsContext } from '../../ats/ats-adapter.port';
import { AtsAdapterRegistry } from '../../ats/ats-adapter.registry';
import { isAtsError } from '../../ats/ats-error';
import { AppConfig, InjectConfig } from '../../config/app-config';
import { ConnectionsService } from '../../connections/connections.service';
import { CandidateDirectoryRepository } from '../../matching/candidate-directory.repository';
import { readMatchSettings } from '../../matching/match-policy';
import { RematchOnNewsService } from '../../sync/rematch-on-news.service';
import { JobContext, JobResult } from '../scheduled-job';
import { planRefresh, RefreshMode } from './directory-refresh.plan';
import { DirectoryRefreshStateRepository } from './directory-refresh-state.repository';

export interface ConnectionRefreshOutcome {
  connectionId: string;
  provider: string;
  /** completed: listing reached its end; continuing: stopped at the page cap (or shutdown), resumes next run. */
  status: 'completed' | 'continuing' | 'failed' | 'skipped' | 'busy';
  mode?: RefreshMode;
  pages?: number;
  candidates?: number;
  /** Directory entries a completed full refresh did not see again (deleted or merged in the ATS). */
  pruned?: number;
  reason?: string;
}

/**
 * Keeps each connection's candidate directory fresh from the ATS's own listing: incrementally by
 * updated-since where the ATS offers it, in full on the slower schedule (and until a first full refresh has
 * completed). The adapter's HTTP client keeps to the connection's rate limit; a run reads at most
 * DIRECTORY_MAX_PAGES_PER_RUN pages per connection and saves the cursor after every page.
 */
@Injectable()
export class DirectoryRefreshService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: ConnectionsService,
    private readonly registry: AtsAdapterRegistry,
    private readonly directory: CandidateDirectoryRepository,
    private readonly states: DirectoryRefreshStateRepository,
    private readonly rematch: RematchOnNewsService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(DirectoryRefreshService.name);
  }

  async refreshAll(context: JobContext, { requestFull }: { requestFull: boolean }): Promise<JobResult> {
    const rows: Array<{ id: string; provider: string }> = await this.dataSource.query(
      `SELECT id, provider FROM connections WHERE enabled AND deleted_at IS NULL ORDER BY created_at, id`,
    );
    const outcomes: ConnectionRefreshOutcome[] = [];
    const listable: Array<{ id: string; provider: string; adapter: AtsAdapter }> = [];
    for (const row of rows) {
      const adapter = this.registry.has(row.provider) ? this.registry.get(row.provider) : null;
      if (!adapter?.capabilities.listing) {
        outcomes.push({ connectionId: row.id, provider: row.provider, status: 'skipped', reason: 'the ATS adapter cannot list candidates' });
      } else {
        listable.push({ ...row, adapter });
      }
    }
    // Recorded before any listing, so a connection this run cannot reach (busy, failing) still gets its full refresh later.
    if (requestFull) await this.states.requestFull(listable.map((c) => c.id));

    for (const connection of listable) {
      if (context.signal.aborted) break;
      const lock = await context.tryLock(`directory:${connection.id}`);
      if (!lock) {
        outcomes.push({ connectionId: connection.id, provider: connection.provider, status: 'busy', reason: 'another run is refreshing this connection' });
        continue;
      }
      try {
        outcomes.push(await this.refreshConnection(connection.id, connection.adapter, context.signal));
      } finally {
        await lock.release();
      }
    }
    const count = (status: ConnectionRefreshOutcome['status']) => outcomes.filter((o) => o.status === status).length;
    return {
      outcome: count('failed') > 0 ? 'partial' : 'succeeded',
      summary: {
        connections: outcomes.length,
        completed: count('completed'),
        continuing: count('continuing'),
        failed: count('failed'),
        skipped: count('skipped') + count('busy'),
        details: outcomes.slice(0, 50),
      },
    };
  }

  async refreshConnection(connectionId: string, adapter: AtsAdapter, signal: AbortSignal): Promise<ConnectionRefreshOutcome> {
    const base = { connectionId, provider: adapter.provider };
    const state = await this.states.get(connectionId);
    const plan = planRefresh(state, adapter.capabilities.incrementalListing);
    if (plan.action === 'none') return { ...base, status: 'skipped', reason: plan.reason };

    let ctx: AtsContext;
    try {
      ctx = (await this.connections.context(connectionId)).ctx;
    } catch (err) {
      return this.failed(base, plan.mode, 0, 0, err);
    }
    const region = readMatchSettings(ctx.settings).defaultRegion;
    const { mode, updatedSince } = plan;
    // Handed to every pass, full ones too: whether it serves the pass is the adapter's call.
    const syncState = state?.syncState ?? null;
    if (plan.action === 'start') await this.states.start(connectionId, mode, updatedSince);
    // A saved cursor may have expired at the ATS: then the same listing starts over, once.
    let resumingFrom = plan.action === 'resume' ? plan.cursor : null;
    let cursor = resumingFrom;
    let pages = 0;
    let candidates = 0;

    while (pages < this.config.DIRECTORY_MAX_PAGES_PER_RUN) {
      if (signal.aborted) return { ...base, status: 'continuing', mode, pages, candidates, reason: 'shutting down' };
      let page;
      try {
        page = await adapter.listCandidates(ctx, { cursor, updatedSince, pageSize: this.config.DIRECTORY_PAGE_SIZE, syncState });
      } catch (err) {
        if (resumingFrom !== null && isAtsError(err) && (err.code === 'INVALID_REQUEST' || err.code === 'NOT_FOUND')) {
          resumingFrom = null;
          cursor = null;
          await this.states.start(connectionId, mode, updatedSince);
          continue;
        }
        return this.failed(base, mode, pages, candidates, err);
      }
      resumingFrom = null;
      const { stored, news } = await this.directory.upsertWithNews(connectionId, page.candidates, region);
      await this.states.savePage(connectionId, page.nextCursor, stored);
      await this.announce(connectionId, () => this.rematch.rearm(connectionId, news));
      pages++;
      candidates += stored;
      if (page.nextCursor === null) {
        const done = await this.states.complete(connectionId, page.syncState);
        const pruned = done.mode === 'full' ? await this.pruneUnseen(connectionId, done.startedAt) : undefined;
        if (done.mode === 'full') await this.announce(connectionId, () => this.rematch.fullDirectoryCompleted(connectionId));
        await this.tidyIndexes(candidates);
        return { ...base, status: 'completed', mode, pages, candidates, ...(pruned !== undefined ? { pruned } : {}) };
      }
      cursor = page.nextCursor;
    }
    await this.tidyIndexes(candidates);
    return { ...base, status: 'continuing', mode, pages, candidates, reason: 'page cap reached; the next run continues from the saved cursor' };
  }

  /** Meetings waiting for what the refresh brought are re-armed; a failure there does not fail the refresh (the ladder remains). */
  private async announce(connectionId: string, rearm: () => Promise<string[]>): Promise<void> {
    try {
      await rearm();
    } catch (err) {
      this.logger.warn({ connectionId, err: (err as Error).message }, 'could not re-arm syncs after a directory refresh');
    }
  }

  /** After writing, matching should not pay for it: see CandidateDirectoryRepository.flushPendingIndexEntries. */
  private async tidyIndexes(written: number): Promise<void> {
    if (written === 0) return;
    try {
      await this.directory.flushPendingIndexEntries();
    } catch (err) {
      // Only speed is at stake (autovacuum does the same later); the refresh itself succeeded.
      this.logger.warn({ err: (err as Error).message }, 'could not flush the directory indexes after a refresh');
    }
  }

  /** Everything a full listing returned was refreshed after it started; the rest is no longer in the ATS. */
  private async pruneUnseen(connectionId: string, startedAt: Date): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `WITH gone AS (DELETE FROM candidates WHERE connection_id = $1 AND refreshed_at < $2 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [connectionId, startedAt],
    );
    return rows[0]?.n ?? 0;
  }

  private async failed(
    base: { connectionId: string; provider: string },
    mode: RefreshMode,
    pages: number,
    candidates: number,
    err: unknown,
  ): Promise<ConnectionRefreshOutcome> {
    const message = isAtsError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
    await this.states.fail(base.connectionId, message);
    return { ...base, status: 'failed', mode, pages, candidates, reason: message };
  }
}
