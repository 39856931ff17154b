import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AppConfig, InjectConfig } from '../config/app-config';
import { ConnectionsService } from '../connections/connections.service';
import { DirectoryNewsEntry, newsReaches } from '../matching/directory-news';
import { matchQueryKeys, readMatchSettings } from '../matching/match-policy';
import { validatePayload } from '../meeting/meeting-payload.schema';
import { normaliseMeeting } from '../meeting/normalise-meeting';
import { EventRepository } from './event.repository';
import { SyncRepository } from './sync.repository';

/** A sync being matched while the news arrived is looked at again this often, this many times at most. */
const RECHECK_MS = 1_000;
const MAX_RECHECKS = 30;

/**
 * The re-match ladder waits for moments when a candidate is likely to have appeared; when Debrief itself sees
 * one appear (a directory refresh, a live search), the unmatched syncs it concerns are re-armed at once. A
 * sync is concerned when its meeting's directory lookup would now reach a new or changed candidate. Syncs
 * being matched at that moment may have looked before the change: they are looked at again once they end.
 */
@Injectable()
export class RematchOnNewsService implements BeforeApplicationShutdown {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly events: EventRepository,
    private readonly state: SyncRepository,
    private readonly connections: ConnectionsService,
    private readonly logger: PinoLogger,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.logger.setContext(RematchOnNewsService.name);
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Re-arms the connection's unmatched syncs that `news` concerns; answers their ids. `except`: the sync that brought it. */
  async rearm(connectionId: string, news: readonly DirectoryNewsEntry[], except: string | null = null): Promise<string[]> {
    return this.pass(connectionId, news, except, null, 0);
  }

  /** A full refresh completed: syncs held in review only for want of one are matched again. */
  fullDirectoryCompleted(connectionId: string): Promise<string[]> {
    return this.state.rearmHeldForFullDirectory(connectionId);
  }

  private async pass(
    connectionId: string,
    news: readonly DirectoryNewsEntry[],
    except: string | null,
    only: ReadonlySet<string> | null,
    round: number,
  ): Promise<string[]> {
    if (news.length === 0 || this.stopped) return [];
    const rows = (await this.events.openForNews(connectionId, this.config.REMATCH_WINDOW_DAYS)).filter(
      (r) => r.id !== except && (only === null || only.has(r.id)),
    );
    if (rows.length === 0) return [];
    const connection = await this.connections.entity(connectionId, { withDeleted: true });
    // Re-arming for a connection that is off would only turn the sync into `skipped`.
    if (!connection.enabled || connection.deletedAt) return [];
    const settings = readMatchSettings(connection.settings ?? {});
    const due: Array<{ id: string; rematchCount: number }> = [];
    const busy = new Set<string>();
    for (const row of rows) {
      const input = inputOf(row.raw_body);
      if (!input) continue;
      if (!newsReaches({ ...matchQueryKeys(input, settings), name: input.atsRecordName }, news)) continue;
      if (row.status === 'unmatched') due.push({ id: row.id, rematchCount: row.rematch_count });
      else busy.add(row.id);
    }
    const rearmed = await this.state.rearmForRematch(due);
    if (rearmed.length > 0) this.logger.info({ connectionId, rearmed: rearmed.length }, 'unmatched syncs re-armed: the directory learned of their candidate');
    if (busy.size > 0 && round < MAX_RECHECKS && !this.stopped) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.pass(connectionId, news, except, busy, round + 1).catch((err: unknown) =>
          this.logger.warn({ connectionId, err: (err as Error).message }, 'could not re-arm syncs for directory news'),
        );
      }, RECHECK_MS);
      timer.unref();
      this.timers.add(timer);
    }
    return rearmed;
  }
}

function inputOf(rawBody: string | null): { atsRecordName: string | null; participants: string[] } | null {
  if (rawBody === null) return null;
  try {
    const validation = validatePayload(JSON.parse(rawBody));
    if (!validation.ok) return null;
    const meeting = normaliseMeeting(validation.payload).meeting;
    return { atsRecordName: meeting.atsRecordName, participants: meeting.participants };
  } catch {
    return null;
  }
}
