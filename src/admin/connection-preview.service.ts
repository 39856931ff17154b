import { Injectable } from '@nestjs/common';
import type { AtsCapabilities } from '../ats/ats-adapter.port';
import { AtsAdapterRegistry } from '../ats/ats-adapter.registry';
import { ApiError, badRequest, conflict, notFound } from '../common/api-error';
import { AppConfig, InjectConfig } from '../config/app-config';
import type { ConnectionEntity } from '../connections/connection.entity';
import { ConnectionsService } from '../connections/connections.service';
import { FieldMappingRepository } from '../mapping/field-mapping.repository';
import type { FieldMapping } from '../mapping/field-mapping.schema';
import { validateMappingFor } from '../mapping/field-mapping.validation';
import type { VisibilityDecision } from '../mapping/private-meeting.policy';
import { CandidateFinderService } from '../matching/candidate-finder.service';
import type { MatchDecision } from '../matching/match-policy';
import { ActionItemsFetcher } from '../meeting/action-items.fetcher';
import type { ActionItemsResult } from '../meeting/action-items.parser';
import type { MeetingCompleted } from '../meeting/meeting-completed.model';
import { normaliseMeeting } from '../meeting/normalise-meeting';
import { EventRepository } from '../sync/event.repository';
import { planNote } from '../sync/note-plan';
import { SyncRepository } from '../sync/sync.repository';
import { toJsonPath, validatePayload } from '../meeting/meeting-payload.schema';
import type { z } from 'zod';
import type { previewRequestSchema, previewResponseSchema } from './admin-api.schemas';

export type PreviewRequest = z.output<typeof previewRequestSchema>;
export type PreviewResponse = z.output<typeof previewResponseSchema>;

/**
 * Renders what a sync of this connection would post for a payload, without posting or storing anything:
 * the match is the pipeline's (directory, then the same read-only ATS searches), the mapping is the saved one or an unsaved draft, and action items
 * are only fetched when asked (the same guarded fetcher a sync uses).
 */
@Injectable()
export class ConnectionPreviewService {
  private readonly fetcher: ActionItemsFetcher;

  constructor(
    private readonly events: EventRepository,
    private readonly syncs: SyncRepository,
    private readonly connections: ConnectionsService,
    private readonly registry: AtsAdapterRegistry,
    private readonly mappings: FieldMappingRepository,
    private readonly finder: CandidateFinderService,
    @InjectConfig() config: AppConfig,
  ) {
    this.fetcher = new ActionItemsFetcher({
      allowedHosts: config.ASSET_ALLOWED_HOSTS,
      timeoutMs: config.ASSET_TIMEOUT_MS,
      maxBytes: config.ASSET_MAX_BYTES,
    });
  }

  async preview(connectionId: string, request: PreviewRequest): Promise<PreviewResponse> {
    const connection = await this.connections.entity(connectionId);
    const adapter = this.registry.get(connection.provider);
    const meeting = request.eventId !== undefined ? await this.storedMeeting(request.eventId) : parsedMeeting(request.payload);
    const { mapping, mappingVersion, mappingSource } = await this.mappingFor(connection, adapter.capabilities, request.mapping);
    const notes: string[] = [];

    const routing = await this.routingOf(connection, meeting);
    const sync = request.eventId !== undefined ? await this.existingSync(request.eventId, connection.id) : null;
    const match = sync?.resolution
      ? resolvedMatch(sync.resolution)
      : await this.matchAsSync(connection, meeting, { directoryOnly: request.directoryOnly, notes });
    if (match.source === 'directory' && match.decision !== 'matched' && adapter.capabilities.search.length > 0) {
      notes.push(
        `matching read the local candidate directory only; a sync would also search the ATS (${adapter.capabilities.search.join(', ')}) ` +
          'and may find the candidate there',
      );
    }

    const { result: actionItems, info: actionItemsInfo } = await this.actionItems(meeting, request.fetchActionItems);
    if (!actionItemsInfo.fetched && meeting.assets.actionItemsUrl) {
      notes.push('action items were not fetched (send "fetchActionItems": true to fetch them as a sync would)');
    }

    const matched = match.decision === 'matched' || match.decision === 'resolved';
    const plan = planNote(
      meeting,
      { capabilities: adapter.capabilities, syncId: sync?.id ?? null },
      mapping,
      { candidate: matched && match.candidateId ? { externalId: match.candidateId } : null, decision: match.decision },
      actionItems,
    );
    const decision = plan.visibility;
    if (!sync) notes.push('the reference marker ends with the sync id a real sync gets; "preview" stands in for it');

    const note: PreviewResponse['note'] = plan.note
      ? {
          title: plan.note.rendered.title,
          text: plan.note.rendered.text,
          html: plan.note.rendered.html,
          format: adapter.capabilities.richText ? 'html' : 'text',
          visibility: plan.note.draft.visibility,
          referenceMarker: plan.referenceMarker,
          author: plan.author,
        }
      : null;
    if (!connection.enabled) notes.push('the connection is disabled: a sync would be skipped');

    return {
      connectionId: connection.id,
      provider: connection.provider,
      eventId: meeting.eventId,
      mappingVersion,
      mappingSource,
      wouldPost: connection.enabled && routing.routed && plan.outcome === 'post',
      routing,
      visibility: visibilityView(decision),
      match,
      actionItems: actionItemsInfo,
      note,
      notes,
    };
  }

  private async storedMeeting(eventId: string): Promise<MeetingCompleted> {
    const event = await this.events.find(eventId);
    if (!event) throw notFound('event');
    if (event.raw_body === null) throw conflict('the event payload was purged by retention; preview a payload instead');
    let body: unknown;
    try {
      body = JSON.parse(event.raw_body);
    } catch {
      throw conflict('the stored event body is not JSON');
    }
    const validation = validatePayload(body);
    if (!validation.ok) throw conflict('the stored payload does not validate', validation.issues);
    return normaliseMeeting(validation.payload);
  }

  private async mappingFor(connection: ConnectionEntity, capabilities: AtsCapabilities, draft: unknown) {
    if (draft !== undefined) {
      const validation = validateMappingFor(draft, capabilities, ['mapping']);
      if (!validation.ok) throw badRequest('invalid field mapping', validation.problems);
      return { mapping: validation.mapping, mappingVersion: null, mappingSource: 'draft' as const };
    }
    const current = await this.mappings.current(connection.id);
    return {
      mapping: current.mapping as FieldMapping,
      mappingVersion: current.version,
      mappingSource: current.version === 0 ? ('default' as const) : ('saved' as const),
    };
  }

  private existingSync(eventId: string, connectionId: string) {
    return this.syncs.findFor(eventId, connectionId);
  }

  /** Intake's routing rule (asked of the database, where it is written), with the reason in words. */
  private async routingOf(connection: ConnectionEntity, meeting: MeetingCompleted): Promise<{ routed: boolean; reason: string }> {
    const rule = await this.events.routing(connection.id, meeting.accountId, meeting.teamId);
    if (rule?.routed) {
      return { routed: true, reason: connection.teamId === null ? 'same account (the connection covers every team)' : 'same account and team' };
    }
    if (!rule?.sameAccount) {
      return { routed: false, reason: `the meeting belongs to account ${meeting.accountId}, the connection to ${connection.accountId}` };
    }
    return { routed: false, reason: `the connection is for team ${connection.teamId}, the meeting's team is ${meeting.teamId ?? 'none'}` };
  }

  /**
   * What a sync would decide: the pipeline's finder, with the same read-only ATS searches a sync runs when the
   * directory is not decisive (their answers are weighed, not stored). `directoryOnly` reads the directory
   * alone, needing no credentials. A search the ATS refuses (credentials, rate limit) leaves the directory's
   * answer, said in `notes`: a sync would retry it.
   */
  private async matchAsSync(
    connection: ConnectionEntity,
    meeting: MeetingCompleted,
    options: { directoryOnly: boolean; notes: string[] },
  ): Promise<PreviewResponse['match']> {
    const input = { atsRecordName: meeting.meeting.atsRecordName, participants: meeting.meeting.participants };
    const adapter = this.registry.get(connection.provider);
    if (!options.directoryOnly) {
      try {
        const found = await this.finder.find(adapter, this.connections.contextOf(connection), input, { learn: false });
        return {
          ...matchView(found.decision, found.candidate?.displayName ?? null),
          source: found.searches.length > 0 ? 'directory+ats' : 'directory',
          searches: found.searches,
        };
      } catch (err) {
        options.notes.push(`the ATS search failed (${(err as Error).message}); the match below is the directory's, and a sync would retry the search`);
      }
    }
    // The directory needs no credentials: none are decrypted.
    const ctx = { connectionId: connection.id, credentials: {}, settings: connection.settings ?? {} };
    const { entries, decision } = await this.finder.fromDirectory(adapter, ctx, input);
    const chosen = entries.find((e) => e.externalId === decision.candidateId);
    return { ...matchView(decision, chosen?.displayName ?? null), source: 'directory', searches: [] };
  }

  private async actionItems(
    meeting: MeetingCompleted,
    fetch: boolean,
  ): Promise<{ result: ActionItemsResult; info: PreviewResponse['actionItems'] }> {
    const url = meeting.assets.actionItemsUrl;
    if (!url) return { result: { status: 'none' }, info: { fetched: false, status: 'none', reason: 'the payload has no actionItemsUrl' } };
    if (!fetch) {
      return {
        result: { status: 'none' },
        info: { fetched: false, status: 'not_fetched', reason: 'not fetched in preview; the note above leaves them out' },
      };
    }
    const result = await this.fetcher.fetch(url);
    if (result.status === 'ok') return { result, info: { fetched: true, status: 'ok', count: result.items.length } };
    if (result.status === 'unavailable') return { result, info: { fetched: true, status: 'unavailable', reason: result.reason } };
    return { result, info: { fetched: true, status: 'none' } };
  }
}

/** The payload of a preview request, validated exactly as the webhook validates it (paths under `$.payload`). */
function parsedMeeting(payload: unknown): MeetingCompleted {
  const validation = validatePayload(payload);
  if (!validation.ok) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      'invalid payload',
      validation.issues.map((i) => ({ path: i.path.replace(/^\$/, toJsonPath(['payload'])), message: i.message })),
    );
  }
  return normaliseMeeting(validation.payload);
}

function matchView(decision: MatchDecision, candidateName: string | null): Omit<PreviewResponse['match'], 'source' | 'searches'> {
  return {
    decision: decision.decision,
    candidateId: decision.candidateId,
    candidateName,
    score: decision.score,
    evidence: decision.evidence,
    alternatives: decision.alternatives,
    reason: decision.reason,
  };
}

function resolvedMatch(resolution: { candidateId: string; by: string; at: string }): PreviewResponse['match'] {
  return {
    source: 'resolution',
    searches: [],
    decision: 'resolved',
    candidateId: resolution.candidateId,
    candidateName: null,
    score: null,
    evidence: [],
    alternatives: [],
    reason: `resolved by ${resolution.by} at ${resolution.at}`,
  };
}

function visibilityView(decision: VisibilityDecision): PreviewResponse['visibility'] {
  return decision.action === 'post'
    ? { action: 'post', visibility: decision.visibility, omitLinks: decision.omitLinks, reason: decision.reason }
    : { action: 'skip', visibility: null, omitLinks: false, reason: decision.reason };
}
