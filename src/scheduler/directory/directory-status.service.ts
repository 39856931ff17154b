import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConnectionDirectoryStatus, DirectoryProgress } from '../../connections/connection-directory.status';
import { CandidateDirectoryRepository } from '../../matching/candidate-directory.repository';
import { HELD_LOCKS_SQL, JOB_LOCK_NAMESPACE } from '../advisory-lock.session';
import { DirectoryRefreshStateRepository } from './directory-refresh-state.repository';

/** Provides each connection's directory progress to the connection views: size, refresh state, and whether a refresh holds its lock. */
@Injectable()
export class DirectoryStatusService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly status: ConnectionDirectoryStatus,
    private readonly states: DirectoryRefreshStateRepository,
    private readonly directory: CandidateDirectoryRepository,
  ) {}

  onModuleInit(): void {
    this.status.provide((ids) => this.read(ids));
  }

  async read(connectionIds: string[]): Promise<Map<string, DirectoryProgress>> {
    const keys = connectionIds.map((id) => `directory:${id}`);
    const [states, counts, held] = await Promise.all([
      this.states.getMany(connectionIds),
      this.directory.counts(connectionIds),
      this.dataSource.query(HELD_LOCKS_SQL, [JOB_LOCK_NAMESPACE, keys]) as Promise<Array<{ key: string }>>,
    ]);
    const byId = new Map(states.map((s) => [s.connectionId, s]));
    const running = new Set(held.map((h) => h.key.slice('directory:'.length)));
    return new Map(
      connectionIds.map((id) => {
        const state = byId.get(id);
        return [
          id,
          {
            candidates: counts.get(id) ?? 0,
            complete: !!state?.lastFullAt && state.fullRequestedAt === null,
            running: running.has(id),
            pages: state?.pages ?? 0,
            lastFullRefreshAt: state?.lastFullAt ? new Date(state.lastFullAt).toISOString() : null,
          },
        ];
      }),
    );
  }
}
