import { Injectable } from '@nestjs/common';
import type { CountryCode } from 'libphonenumber-js';
import { PinoLogger } from 'nestjs-pino';
import { AtsAdapterRegistry } from '../ats/ats-adapter.registry';
import { AtsError } from '../ats/ats-error';
import { AuditService } from '../audit/audit.service';
import { ApiError, badRequest, notFound } from '../common/api-error';
import { AppConfig, InjectConfig } from '../config/app-config';
import { ConnectionsService } from '../connections/connections.service';
import { CandidateDirectoryRepository } from '../matching/candidate-directory.repository';
import { EventRepository } from '../sync/event.repository';
import { SyncRepository } from '../sync/sync.repository';
import { ErasureRepository, ErasureRow } from './erasure.repository';
import { identifierHash, identifierIsPerson, identifierKinds, matchMentions, payloadConcerns, personKeys, PersonKeys, PersonRequest } from './person-identifiers';

export interface ErasureRequest {
  connectionId?: string;
  person: PersonRequest;
  deleteNotesInAts?: boolean;
  dryRun?: boolean;
}

/** A note Debrief filed in an ATS for the person. */
export interface NoteEntry {
  syncId: string;
  eventId: string;
  connectionId: string;
  provider: string | null;
  candidateId: string;
  externalNoteId: string;
  postedAt: string | null;
  /** Why it is still in the ATS (left notes only). */
  reason?: string;
}

interface Counts {
  found: number;
  purged: number;
}

export interface ErasureReport {
  events: Counts;
  syncs: Counts;
  directory: Counts;
  notes: { deleted: NoteEntry[]; alreadyGone: NoteEntry[]; left: NoteEntry[]; wouldDelete: NoteEntry[] };
}

interface Progress {
  phase: Phase;
  candidates: Array<{ connectionId: string; externalId: string }>;
  directoryRowIds: string[];
  eventCursor: string;
  erasedEventIds: string[];
  syncCursor: string;
  notes: NoteEntry[];
  noteIndex: number;
  noteFailures: number;
}

/** Steps in order; each saves where it is after every page, so a stopped run resumes there. */
const PHASES = ['directory', 'events', 'syncs', 'notes', 'directory-delete', 'done'] as const;
type Phase = (typeof PHASES)[number];

const PAGE = 500;
const LEASE_SECONDS = 300;
/** Runs that may fail on one ATS note (rate limits, outages) before it is reported as left in the ATS. */
const NOTE_FAILURES_ALLOWED = 5;
const MIN_UUID = '00000000-0000-0000-0000-000000000000';

const emptyReport = (): ErasureReport => ({
  events: { found: 0, purged: 0 },
  syncs: { found: 0, purged: 0 },
  directory: { found: 0, purged: 0 },
  notes: { deleted: [], alreadyGone: [], left: [], wouldDelete: [] },
});

/**
 * Erases a person from everything Debrief holds (event bodies, syncs' notes and evidence, the candidate
 * directory) and, on request, the notes Debrief filed in the ATS. Reads and purges go through each table's
 * owner. Runs in the background, resumable: every step saves its position, and every purge is conditional, so
 * running again erases nothing more and fails nothing.
 */
@Injectable()
export class ErasureService {
  private salt: Promise<string> | null = null;

  constructor(
    private readonly erasures: ErasureRepository,
    private readonly events: EventRepository,
    private readonly syncs: SyncRepository,
    private readonly directory: CandidateDirectoryRepository,
    private readonly connections: ConnectionsService,
    private readonly adapters: AtsAdapterRegistry,
    private readonly audit: AuditService,
    private readonly logger: PinoLogger,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.logger.setContext(ErasureService.name);
  }

  /** Records the request (audited by its id and a salted hash, never the identifiers) and starts it. */
  async request(input: ErasureRequest, actor: string): Promise<{ id: string }> {
    let region: CountryCode = 'US';
    if (input.connectionId !== undefined) {
      const connection = await this.connections.entity(input.connectionId, { withDeleted: true }).catch((err: unknown) => {
        throw err instanceof ApiError ? notFound('connection') : err;
      });
      region = regionOf(connection.settings);
    } else if (input.person.atsCandidateId != null) {
      throw badRequest('invalid erasure', [{ path: '$.connectionId', message: 'an ATS candidate id is only unique within a connection: name the connection' }]);
    }
    const keys = personKeys(input.person, region);
    if (!keys.ok) throw badRequest('invalid erasure', [{ path: keys.path, message: keys.message }]);
    const hash = identifierHash(await this.hashSalt(), keys.keys);
    const row = await this.erasures.create({
      connectionId: input.connectionId ?? null,
      person: keys.keys,
      identifierHash: hash,
      identifierKinds: identifierKinds(keys.keys),
      dryRun: input.dryRun === true,
      deleteNotesInAts: input.deleteNotesInAts === true,
      actor,
    });
    await this.audit.record({
      actor,
      action: 'erasure.request',
      targetType: 'erasure',
      targetId: row.id,
      detail: {
        identifierHash: hash,
        identifierKinds: row.identifierKinds,
        connectionId: row.connectionId,
        dryRun: row.dryRun,
        deleteNotesInAts: row.deleteNotesInAts,
      },
    });
    this.start(row.id);
    return { id: row.id };
  }

  /** Status and report of one erasure, without the identifiers. */
  async view(id: string) {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.erasures.get(id) : null;
    if (!row) throw notFound('erasure');
    const progress = row.progress as Partial<Progress>;
    const report = { ...emptyReport(), ...(row.report as Partial<ErasureReport>) };
    return {
      id: row.id,
      status: row.status,
      dryRun: row.dryRun,
      deleteNotesInAts: row.deleteNotesInAts,
      connectionId: row.connectionId,
      identifierKinds: row.identifierKinds,
      identifierHash: row.identifierHash,
      progress: {
        phase: progress.phase ?? 'directory',
        step: PHASES.indexOf(progress.phase ?? 'directory') + 1,
        steps: PHASES.length,
        notesDone: progress.noteIndex ?? 0,
        notesTotal: progress.notes?.length ?? (progress as { notesTotal?: number }).notesTotal ?? 0,
      },
      runs: row.runs,
      lastError: row.lastError,
      report,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      finishedAt: row.finishedAt ? row.finishedAt.toISOString() : null,
    };
  }

  /** Runs every open erasure nobody holds (the `erasure` job): picks up what a stopped instance left. */
  async runDue(signal?: AbortSignal): Promise<{ ran: number; completed: number }> {
    let ran = 0;
    let completed = 0;
    for (const id of await this.erasures.due(20)) {
      if (signal?.aborted) break;
      const status = await this.run(id);
      if (status !== null) ran++;
      if (status === 'completed') completed++;
    }
    return { ran, completed };
  }

  /** Starts an erasure in the background; the job resumes it if this instance stops. */
  start(id: string): void {
    setImmediate(() => {
      this.run(id).catch((err: unknown) => this.logger.error({ erasureId: id, err: (err as Error).message }, 'erasure run failed'));
    });
  }

  /** Works on one erasure until it ends or a step must wait; null when another run holds it or it has ended. */
  async run(id: string): Promise<ErasureRow['status'] | null> {
    const row = await this.erasures.claim(id, LEASE_SECONDS);
    if (!row) return null;
    if (!row.person) {
      await this.erasures.finish(id, 'failed', row.report, 'the identifiers are gone');
      return 'failed';
    }
    const progress: Progress = { ...initialProgress(), ...(row.progress as Partial<Progress>) };
    const report: ErasureReport = { ...emptyReport(), ...(row.report as Partial<ErasureReport>) };
    const save = () => this.erasures.saveProgress(id, { ...progress }, { ...report }, LEASE_SECONDS);
    try {
      const region = await this.regionFor(row.connectionId);
      while (progress.phase !== 'done') {
        const more = await this.step(row, row.person, region, progress, report);
        if (!more) progress.phase = PHASES[PHASES.indexOf(progress.phase) + 1]!;
        await save();
      }
    } catch (err) {
      const message = err instanceof AtsError ? `${err.code}: ${err.message}` : (err as Error).message;
      await this.erasures.release(id, message.slice(0, 500));
      this.logger.warn({ erasureId: id, phase: progress.phase, err: message }, 'erasure stopped; the next run resumes it');
      return 'running';
    }
    await this.erasures.finish(id, 'completed', { ...report }, null);
    await this.audit.record({
      actor: row.actor,
      action: row.dryRun ? 'erasure.dry-run' : 'erasure.complete',
      targetType: 'erasure',
      targetId: id,
      detail: {
        identifierHash: row.identifierHash,
        events: report.events,
        syncs: report.syncs,
        directory: report.directory,
        notesDeleted: report.notes.deleted.length,
        notesLeft: report.notes.left.length,
      },
    });
    return 'completed';
  }

  /** One page of the current phase; answers whether the phase has more. */
  private async step(row: ErasureRow, keys: PersonKeys, region: CountryCode, progress: Progress, report: ErasureReport): Promise<boolean> {
    const dry = row.dryRun;
    switch (progress.phase) {
      case 'directory': {
        const found = await this.directory.findForErasure(row.connectionId, keys);
        progress.directoryRowIds = found.map((f) => f.id);
        progress.candidates = unique([
          ...found.map((f) => ({ connectionId: f.connectionId, externalId: f.externalId })),
          ...(keys.atsCandidateId !== null && row.connectionId !== null ? [{ connectionId: row.connectionId, externalId: keys.atsCandidateId }] : []),
        ]);
        report.directory.found = found.length;
        return false;
      }
      case 'events': {
        const page = await this.events.pageForErasure(progress.eventCursor, PAGE, row.connectionId, progress.candidates);
        const concerned = page.filter((e) => e.chosen || (e.rawBody !== null && payloadConcerns(e.rawBody, keys, region)));
        report.events.found += concerned.length;
        progress.erasedEventIds.push(...concerned.map((e) => e.id));
        if (!dry) report.events.purged += await this.events.purgeBodies(concerned.map((e) => e.id));
        if (page.length > 0) progress.eventCursor = page[page.length - 1]!.id;
        return page.length === PAGE;
      }
      case 'syncs': {
        const page = await this.syncs.pageForErasure(progress.syncCursor, PAGE, row.connectionId);
        const erasedEvents = new Set(progress.erasedEventIds);
        const candidates = new Set(progress.candidates.map((c) => `${c.connectionId}\u0000${c.externalId}`));
        const lateEvents: string[] = [];
        const about: typeof page = [];
        const mentioned: typeof page = [];
        for (const s of page) {
          const chosen =
            (s.candidateId !== null && candidates.has(`${s.connectionId}\u0000${s.candidateId}`)) ||
            (s.candidateName !== null && keys.nameKey !== null && identifierIsPerson(s.candidateName, { ...keys, emails: [], phones: [] }, region));
          const isAbout = chosen || erasedEvents.has(s.eventId);
          if (chosen && !erasedEvents.has(s.eventId)) lateEvents.push(s.eventId);
          if (isAbout) about.push(s);
          else if (matchMentions(s.match, keys, region)) mentioned.push(s);
          if (isAbout && s.candidateId !== null && typeof s.noteRef?.externalNoteId === 'string') {
            progress.notes.push({
              syncId: s.id,
              eventId: s.eventId,
              connectionId: s.connectionId,
              provider: null,
              candidateId: s.candidateId,
              externalNoteId: s.noteRef.externalNoteId,
              postedAt: typeof s.noteRef.postedAt === 'string' ? s.noteRef.postedAt : null,
            });
          }
        }
        report.syncs.found += about.length + mentioned.length;
        // A sync chosen for the person by name only: its meeting was about them too.
        if (lateEvents.length > 0) {
          const late = unique(lateEvents);
          progress.erasedEventIds.push(...late);
          report.events.found += late.length;
          if (!dry) report.events.purged += await this.events.purgeBodies(late);
        }
        if (!dry) {
          report.syncs.purged += await this.syncs.purgePersonal(about.filter((s) => s.holdsPersonal).map((s) => s.id));
          // Named only as an alternative: the evidence goes, the rest is about someone else.
          report.syncs.purged += await this.syncs.purgeMatch(mentioned.map((s) => s.id));
        }
        if (page.length > 0) progress.syncCursor = page[page.length - 1]!.id;
        return page.length === PAGE;
      }
      case 'notes': {
        const note = progress.notes[progress.noteIndex];
        if (!note) return false;
        await this.eraseNote(row, note, progress, report);
        progress.noteIndex++;
        progress.noteFailures = 0;
        return progress.noteIndex < progress.notes.length;
      }
      case 'directory-delete': {
        if (!dry) report.directory.purged += await this.directory.deleteByIds(progress.directoryRowIds);
        return false;
      }
      default:
        return false;
    }
  }

  private async eraseNote(row: ErasureRow, note: NoteEntry, progress: Progress, report: ErasureReport): Promise<void> {
    let context: Awaited<ReturnType<ConnectionsService['context']>>;
    try {
      context = await this.connections.context(note.connectionId);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      report.notes.left.push({ ...note, reason: 'the connection no longer exists' });
      return;
    }
    const entry = { ...note, provider: context.connection.provider };
    const adapter = this.adapters.has(entry.provider) ? this.adapters.get(entry.provider) : null;
    if (!adapter?.deleteNote || !adapter.capabilities.noteDeletion) {
      report.notes.left.push({ ...entry, reason: `${entry.provider}'s API cannot delete notes: remove it in ${entry.provider}` });
      return;
    }
    if (!row.deleteNotesInAts) {
      report.notes.left.push({ ...entry, reason: 'deleteNotesInAts was not requested' });
      return;
    }
    if (row.dryRun) {
      report.notes.wouldDelete.push(entry);
      return;
    }
    try {
      const outcome = await adapter.deleteNote(context.ctx, { candidateId: entry.candidateId, externalNoteId: entry.externalNoteId });
      (outcome === 'deleted' ? report.notes.deleted : report.notes.alreadyGone).push(entry);
    } catch (err) {
      if (!(err instanceof AtsError)) throw err;
      const passing = err.code === 'RATE_LIMITED' || err.code === 'TEMPORARY';
      if (passing && ++progress.noteFailures < NOTE_FAILURES_ALLOWED) throw err;
      report.notes.left.push({ ...entry, reason: `${entry.provider} refused the deletion: ${err.code}` });
    }
  }

  private async regionFor(connectionId: string | null): Promise<CountryCode> {
    if (connectionId === null) return 'US';
    const connection = await this.connections.entity(connectionId, { withDeleted: true }).catch(() => null);
    return connection ? regionOf(connection.settings) : 'US';
  }

  private hashSalt(): Promise<string> {
    if (this.config.ERASURE_HASH_SALT) return Promise.resolve(this.config.ERASURE_HASH_SALT);
    this.salt ??= this.erasures.storedSalt().catch((err: unknown) => {
      this.salt = null;
      throw err;
    });
    return this.salt;
  }
}

function initialProgress(): Progress {
  return {
    phase: 'directory',
    candidates: [],
    directoryRowIds: [],
    eventCursor: '',
    erasedEventIds: [],
    syncCursor: MIN_UUID,
    notes: [],
    noteIndex: 0,
    noteFailures: 0,
  };
}

function regionOf(settings: Record<string, unknown> | null | undefined): CountryCode {
  const region = settings?.defaultRegion;
  return typeof region === 'string' && /^[A-Z]{2}$/.test(region) ? (region as CountryCode) : 'US';
}

function unique<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
