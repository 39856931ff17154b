import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AtsAdapterRegistry } from '../../ats/ats-adapter.registry';
import { AppConfig, InjectConfig } from '../../config/app-config';
import { CONNECTION_CHANGES_CHANNEL } from '../../connections/connection-changes';
import { PgChannelListener } from '../../database/pg-channel-listener';
import { ConnectionsService } from '../../connections/connections.service';
import { AdvisoryLockSession } from '../advisory-lock.session';
import { DirectoryRefreshService } from './directory-refresh.service';
import { DirectoryRefreshStateRepository } from './directory-refresh-state.repository';

/** How long a triggered refresh waits for a run elsewhere to release the connection's directory. */
const LOCK_WAIT_MS = 10 * 60_000;
const LOCK_POLL_MS = 1_000;

/**
 * A connection's directory is refreshed in full as soon as the connection is created or enabled, or its
 * provider, credentials or settings change (announced on CONNECTION_CHANGES_CHANNEL by every instance that
 * stores such a change): in the background, under the same per-connection advisory lock as the scheduled
 * refreshes, page by page with the cursor saved, and past the per-run page cap until the listing is complete.
 * The request is recorded first (`full_requested_at`), so a refresh that cannot finish here is finished by
 * the scheduled ones.
 */
@Injectable()
export class DirectoryRefreshTrigger implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly listener: PgChannelListener;
  private readonly stopping = new AbortController();
  private readonly active = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly refresh: DirectoryRefreshService,
    private readonly states: DirectoryRefreshStateRepository,
    private readonly connections: ConnectionsService,
    private readonly registry: AtsAdapterRegistry,
    private readonly logger: PinoLogger,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.logger.setContext(DirectoryRefreshTrigger.name);
    this.listener = new PgChannelListener(
      { url: (dataSource.options as { url?: string }).url, channel: CONNECTION_CHANGES_CHANNEL, applicationName: 'debrief-directory' },
      (connectionId) => {
        if (!connectionId) return;
        this.requestNow(connectionId).catch((err: unknown) =>
          this.logger.warn({ connectionId, err: (err as Error).message }, 'could not start a directory refresh after a connection change'),
        );
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SCHEDULER_ENABLED) return;
    await this.listener.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.listener.stop();
    await Promise.allSettled([...this.active.values()]);
  }

  /** Records a full refresh request for the connection and runs it now, in the background. */
  async requestNow(connectionId: string): Promise<void> {
    await this.states.requestFull([connectionId]);
    this.start(connectionId);
  }

  private start(connectionId: string): void {
    if (this.active.has(connectionId)) {
      // A change during a refresh: the one running may have read the old settings; run again after it.
      this.again.add(connectionId);
      return;
    }
    const run = (async () => {
      do {
        this.again.delete(connectionId);
        await this.refreshUntilComplete(connectionId).catch((err: unknown) =>
          this.logger.warn({ connectionId, err: (err as Error).message }, 'directory refresh after a connection change failed; the schedule retries'),
        );
      } while (this.again.has(connectionId) && !this.stopping.signal.aborted);
    })().finally(() => this.active.delete(connectionId));
    this.active.set(connectionId, run);
  }

  private async refreshUntilComplete(connectionId: string): Promise<void> {
    const connection = await this.connections.entity(connectionId);
    if (!connection.enabled || !this.registry.has(connection.provider)) return;
    const adapter = this.registry.get(connection.provider);
    if (!adapter.capabilities.listing) return;
    const key = `directory:${connectionId}`;
    const session = await AdvisoryLockSession.open((this.dataSource.options as { url?: string }).url);
    let locked = false;
    try {
      const deadline = Date.now() + LOCK_WAIT_MS;
      while (!(locked = await session.tryLock(key))) {
        if (this.stopping.signal.aborted || Date.now() > deadline) return;
        await sleep(LOCK_POLL_MS, this.stopping.signal);
      }
      for (;;) {
        if (this.stopping.signal.aborted || !session.alive) return;
        const outcome = await this.refresh.refreshConnection(connectionId, adapter, this.stopping.signal);
        this.logger.info({ connectionId, status: outcome.status, mode: outcome.mode, pages: outcome.pages, candidates: outcome.candidates }, 'directory refresh after a connection change');
        if (outcome.status === 'continuing') continue;
        if (outcome.status !== 'completed') return;
        // A request made while this one ran (a newer change) still stands: it is answered by another pass.
        const state = await this.states.get(connectionId);
        if (state?.fullRequestedAt === null && state.lastFullAt !== null) return;
      }
    } finally {
      if (locked) await session.unlock(key).catch(() => undefined);
      await session.close();
    }
  }

}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
