import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AtsAdapterRegistry } from '../../ats/ats-adapter.registry';
import { AppConfig, InjectConfig } from '../../config/app-config';
import { CONNECTION_CHANGES_CHANNEL } from '../../connections/connection-changes';
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
  private listener: Client | null = null;
  private running = false;
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
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SCHEDULER_ENABLED) return;
    this.running = true;
    await this.listen();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
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

  /** A dedicated connection for LISTEN; re-established when it drops. */
  private async listen(): Promise<void> {
    if (!this.running) return;
    const client = new Client({ connectionString: (this.dataSource.options as { url?: string }).url, application_name: 'debrief-directory' });
    client.on('error', () => undefined);
    client.on('notification', (message) => {
      const connectionId = message.payload;
      if (!connectionId) return;
      this.requestNow(connectionId).catch((err: unknown) =>
        this.logger.warn({ connectionId, err: (err as Error).message }, 'could not start a directory refresh after a connection change'),
      );
    });
    client.on('end', () => {
      if (this.listener === client) {
        this.listener = null;
        if (this.running) setTimeout(() => void this.listen(), 2000).unref();
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CONNECTION_CHANGES_CHANNEL}`);
      this.listener = client;
      if (!this.running) await client.end();
    } catch {
      await client.end().catch(() => undefined);
      if (this.running) setTimeout(() => void this.listen(), 2000).unref();
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
