import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { AtsAdapter, AtsCandidate, AtsContext, CreatedNote, NoteDraft } from '../ats/ats-adapter.port';
import { AtsAdapterRegistry } from '../ats/ats-adapter.registry';
import { AtsError, isAtsError } from '../ats/ats-error';
import { postNoteOnce } from '../ats/kit/note-poster';
import { AppConfig, InjectConfig } from '../config/app-config';
import { ConnectionsService } from '../connections/connections.service';
import { FieldMappingRepository } from '../mapping/field-mapping.repository';
import { CandidateFinderService } from '../matching/candidate-finder.service';
import { RematchOnNewsService } from './rematch-on-news.service';
import { ActionItemsFetcher } from '../meeting/action-items.fetcher';
import type { MeetingCompleted } from '../meeting/meeting-completed.model';
import { normaliseMeeting } from '../meeting/normalise-meeting';
import { MetricsService } from '../observability/metrics.service';
import { validateStored } from '../meeting/validated-payloads';
import type { PipelineErrorCode, SyncErrorCode } from './failure-policy';
import { planNote, planVisibility } from './note-plan';
import { decideRetry } from './retry-policy';
import type { SyncInputs } from './sync-inputs';
import { AttemptRecord, ClaimedSync, SyncPatch, SyncRepository } from './sync.repository';

/** A failure that is not the ATS's: bad stored data or configuration. Fails the sync at once. */
class SyncFailure extends Error {
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export { referenceMarker } from './note-plan';

/**
 * One attempt at one sync: load (event, connection, mapping; then the match and the action items) → plan the
 * note (`planNote`, shared with preview) → post → record.
 * Every outcome, including failures, ends in SyncRepository.finish with the attempt's history.
 */
@Injectable()
export class SyncPipelineService {
  private readonly fetcher: ActionItemsFetcher;

  constructor(
    private readonly state: SyncRepository,
    private readonly connections: ConnectionsService,
    private readonly registry: AtsAdapterRegistry,
    private readonly mappings: FieldMappingRepository,
    private readonly finder: CandidateFinderService,
    private readonly news: RematchOnNewsService,
    private readonly metrics: MetricsService,
    private readonly logger: PinoLogger,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.logger.setContext(SyncPipelineService.name);
    this.fetcher = new ActionItemsFetcher({
      allowedHosts: config.ASSET_ALLOWED_HOSTS,
      timeoutMs: config.ASSET_TIMEOUT_MS,
      maxBytes: config.ASSET_MAX_BYTES,
    });
  }

  async process(sync: ClaimedSync): Promise<SyncPatch['status'] | 'lease_lost'> {
    const startedAt = new Date();
    const log = this.logger.logger.child({ eventId: sync.eventId, syncId: sync.id, connectionId: sync.connectionId, attempt: sync.attempts });
    let provider = 'unknown';
    try {
      const inputs = sync.inputs;
      const meeting = this.meetingOf(sync.eventId, inputs);
      const connection = inputs.connection;
      if (connection === null) throw new SyncFailure('CONNECTION_MISSING', `connection ${sync.connectionId} is not stored`);
      provider = connection.provider;
      if (!connection.enabled || connection.deletedAt) {
        return this.end(sync, startedAt, { status: 'skipped', visibilityReason: 'the connection is disabled' }, 'skipped', log);
      }
      const ctx = this.connections.contextOf(connection);
      const adapter = this.registry.get(connection.provider);
      const { version, mapping } = this.mappings.fromStored(connection.id, inputs.mapping);

      const planned = { capabilities: adapter.capabilities, syncId: sync.id };
      const visibility = planVisibility(meeting, planned, mapping);
      if (visibility.action === 'skip') {
        return this.end(sync, startedAt, { status: 'skipped', mappingVersion: version, visibilityReason: visibility.reason }, 'skipped', log);
      }

      const target = await this.target(sync, adapter, ctx, meeting);
      if (!target.candidate) {
        return this.end(
          sync,
          startedAt,
          { status: target.match.decision as 'unmatched' | 'needs_review', match: target.match, mappingVersion: version },
          target.match.decision as string,
          log,
          { atsCalls: target.atsCalls },
        );
      }

      const actionItems = await this.fetcher.fetch(meeting.assets.actionItemsUrl);
      const plan = planNote(meeting, planned, mapping, { candidate: target.candidate, decision: String(target.match.decision) }, actionItems);
      const { rendered, draft } = plan.note!;
      const postCtx: AtsContext =
        plan.author.strategy === 'fixed' ? { ...ctx, settings: { ...ctx.settings, userId: plan.author.userId } } : ctx;

      const created = await this.post(adapter, postCtx, target.candidate, draft, sync.noteUncertain);
      return this.end(
        sync,
        startedAt,
        {
          status: 'synced',
          candidateId: target.candidate.externalId,
          candidateName: target.candidate.displayName,
          match: target.match,
          mappingVersion: version,
          visibility: created.visibility,
          visibilityReason: visibility.reason,
          actionItemsStatus: actionItems.status === 'unavailable' ? `unavailable: ${actionItems.reason}` : actionItems.status,
          renderedNote: { title: rendered.title, text: rendered.text, html: rendered.html, customFields: rendered.customFields },
          noteRef: { externalNoteId: created.externalNoteId, visibility: created.visibility, authorId: created.authorId, postedAt: new Date().toISOString(), ...(created.remarks?.length ? { remarks: created.remarks } : {}) },
          noteUncertain: false,
          lastErrorCode: null,
          lastErrorMessage: null,
        },
        'synced',
        log,
        { externalNoteId: created.externalNoteId, atsCalls: target.atsCalls },
      );
    } catch (err) {
      return this.fail(sync, startedAt, err, provider, log);
    }
  }

  private meetingOf(eventId: string, inputs: SyncInputs): MeetingCompleted {
    if (!inputs.event.found) throw new SyncFailure('EVENT_MISSING', `event ${eventId} is not stored`);
    if (inputs.event.rawBody === null) throw new SyncFailure('PAYLOAD_PURGED', 'the event payload was purged by retention');
    const validation = validateStored(eventId, inputs.event.rawBody);
    if (!validation.ok) throw new SyncFailure('INVALID_PAYLOAD', 'the stored payload no longer validates');
    return normaliseMeeting(validation.payload);
  }

  /** The operator's choice when the sync was resolved by hand; otherwise the matcher's. */
  private async target(sync: ClaimedSync, adapter: AtsAdapter, ctx: AtsContext, meeting: MeetingCompleted) {
    if (sync.resolution) {
      const candidate = await this.finder.chosen(ctx.connectionId, sync.resolution.candidateId);
      // The matcher's evidence and alternatives stay with the operator's choice: they are why it was asked.
      const review = await this.matcherOutcome(sync.id);
      return {
        candidate,
        atsCalls: 0,
        match: {
          decision: 'resolved',
          candidateId: candidate.externalId,
          by: sync.resolution.by,
          at: sync.resolution.at,
          ...(review ? { review } : {}),
        } as Record<string, unknown>,
      };
    }
    const started = process.hrtime.bigint();
    const found = await this.finder.find(adapter, ctx, { atsRecordName: meeting.meeting.atsRecordName, participants: meeting.meeting.participants });
    if (found.atsCalls > 0) this.metrics.atsRequest(adapter.provider, 'search', 'ok', Number(process.hrtime.bigint() - started) / 1e9);
    if (found.news.length > 0) {
      // Other meetings waiting for the candidates this search brought need not wait for the ladder.
      this.news.rearm(ctx.connectionId, found.news, sync.id).catch((err: unknown) =>
        this.logger.warn({ err: (err as Error).message }, 'could not re-arm syncs for directory news'),
      );
    }
    return {
      candidate: found.candidate,
      atsCalls: found.atsCalls,
      match: { ...found.decision, ...(found.searchErrors.length ? { searchErrors: found.searchErrors } : {}) } as Record<string, unknown>,
    };
  }

  /** What the matcher decided before an operator stepped in (kept through later attempts of the resolved sync). */
  private async matcherOutcome(syncId: string): Promise<Record<string, unknown> | null> {
    const match = await this.state.matchOf(syncId);
    if (match?.decision === 'resolved') return (match.review as Record<string, unknown> | undefined) ?? null;
    return match;
  }

  /** After an uncertain attempt, look for the note before posting, so a retry never makes a second one. */
  private async post(adapter: AtsAdapter, ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft, uncertain: boolean): Promise<CreatedNote> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const { note, found } = await postNoteOnce(adapter, ctx, candidate, draft, { previousAttemptUncertain: uncertain });
      this.metrics.atsRequest(adapter.provider, 'createNote', found ? 'found' : 'ok', seconds());
      return note;
    } catch (err) {
      this.metrics.atsRequest(adapter.provider, 'createNote', isAtsError(err) ? err.code : 'error', seconds());
      throw err;
    }
  }

  private async fail(sync: ClaimedSync, startedAt: Date, err: unknown, provider: string, log: PinoLogger['logger']) {
    const code: SyncErrorCode = isAtsError(err) || err instanceof SyncFailure ? err.code : 'INTERNAL';
    const message = err instanceof Error ? err.message : String(err);
    const retryAfter = isAtsError(err) ? err.retryAfterSeconds : null;
    const uncertain = sync.noteUncertain || (isAtsError(err) && err.uncertain);
    const decision = decideRetry(code, sync.attempts, {
      maxAttempts: this.config.SYNC_MAX_ATTEMPTS,
      baseSeconds: this.config.SYNC_BACKOFF_BASE_SECONDS,
      maxSeconds: this.config.SYNC_BACKOFF_MAX_SECONDS,
    }, retryAfter);
    if (code === 'INTERNAL') log.error({ err, provider }, 'sync attempt failed unexpectedly');
    const patch: SyncPatch =
      decision.action === 'retry'
        ? { status: 'pending', nextAttemptAt: new Date(Date.now() + decision.delaySeconds * 1000), lastErrorCode: code, lastErrorMessage: message, noteUncertain: uncertain }
        : { status: 'failed', lastErrorCode: code, lastErrorMessage: message, noteUncertain: uncertain };
    return this.end(sync, startedAt, patch, decision.action === 'retry' ? 'retry' : 'failed', log, {
      decision: decision.reason,
      ...(decision.action === 'retry' ? { retryInSeconds: decision.delaySeconds } : {}),
      ...(err instanceof AtsError && err.status ? { httpStatus: err.status } : {}),
    }, code, message);
  }

  private async end(
    sync: ClaimedSync,
    startedAt: Date,
    patch: SyncPatch,
    outcome: string,
    log: PinoLogger['logger'],
    detail: Record<string, unknown> = {},
    errorCode: string | null = null,
    errorMessage: string | null = null,
  ): Promise<SyncPatch['status'] | 'lease_lost'> {
    const attempt: AttemptRecord = { startedAt, outcome, errorCode, errorMessage, detail };
    const kept = await this.state.finish(sync, patch, attempt);
    if (!kept) {
      log.warn({ outcome }, 'sync lease lost before the attempt ended; another worker owns it now');
      return 'lease_lost';
    }
    log.info({ outcome, status: patch.status, errorCode, ...detail }, 'sync attempt finished');
    return patch.status;
  }
}
