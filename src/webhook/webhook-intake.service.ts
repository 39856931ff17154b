import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { ApiError, isDataException, isDatabaseUnavailable } from '../common/api-error';
import { findInputProblem } from '../common/http/input-inspection';
import { AppConfig, InjectConfig } from '../config/app-config';
import type { AccessLogFacts } from '../observability/access-log';
import { MetricsService } from '../observability/metrics.service';
import { EventStoreRepository, type StoreEventResult } from './event-store.repository';
import { MEETING_COMPLETED, MeetingPayload, validateEnvelope, validatePayload } from '../meeting/meeting-payload.schema';
import { rememberValidated } from '../meeting/validated-payloads';
import { Headers } from './signature/signature-verifier';
import { WebhookSignatureService } from './signature/webhook-signature.service';

export type IntakeStatus = 'accepted' | 'duplicate' | 'ignored';

/** The signature scheme recorded for an event an operator sent through the admin API. */
const ADMIN_SCHEME = 'admin';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

interface IntakeEvent {
  id: string;
  eventType: string;
  createdAt: number;
  accountId: string;
  teamId: string | null;
}

@Injectable()
export class WebhookIntakeService {
  constructor(
    private readonly signatures: WebhookSignatureService,
    private readonly events: EventStoreRepository,
    private readonly metrics: MetricsService,
    private readonly logger: PinoLogger,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.logger.setContext(WebhookIntakeService.name);
  }

  /**
   * Verify the raw body, decode it, classify the event, store it; only a durable write answers 200.
   * `facts` receives the event id, outcome and syncs created, for the request's access-log line.
   */
  async receive(raw: Buffer, headers: Headers, facts: AccessLogFacts = {}): Promise<{ status: IntakeStatus }> {
    const verification = this.signatures.verify(raw, headers);
    if (!verification.ok) {
      this.metrics.webhookReceived('unauthorized');
      this.logger.warn({ reason: verification.reason }, 'webhook refused: signature');
      throw new ApiError(401, 'INVALID_SIGNATURE', verification.reason);
    }
    const { text, body } = this.decode(raw);
    const { status } = await this.accept(text, body, verification.scheme, facts);
    return { status };
  }

  /**
   * A payload an authenticated operator sent through the admin API (the provider's sample meeting): no signature
   * to verify, otherwise classified, validated, stored and routed exactly as a webhook. Stored with the scheme
   * `admin`, so the event's page says where it came from.
   */
  receiveFromAdmin(payload: unknown): Promise<{ status: IntakeStatus; syncsCreated: number }> {
    return this.accept(JSON.stringify(payload), payload, ADMIN_SCHEME, {});
  }

  private async accept(
    text: string,
    body: unknown,
    scheme: string,
    facts: AccessLogFacts,
  ): Promise<{ status: IntakeStatus; syncsCreated: number }> {
    const { event, status, payload } = this.classify(body);
    facts.eventId = event.id;
    const result = await this.store(event, status, scheme, text);
    // The worker reading this event back in this process need not validate the text again.
    if (payload && !result.duplicate) rememberValidated(event.id, text, payload);
    const outcome: IntakeStatus = result.duplicate ? 'duplicate' : status;
    this.metrics.webhookReceived(outcome);
    facts.outcome = outcome;
    facts.syncs = result.syncsCreated;
    // The access-log line says as much at info level; this one adds the signature scheme for debugging.
    this.logger.debug({ eventId: event.id, outcome, syncs: result.syncsCreated, scheme }, 'webhook received');
    return { status: outcome, syncsCreated: result.syncsCreated };
  }

  /** The body as text (the one that was signed, stored as is) and as JSON; anything else is a 400. */
  private decode(raw: Buffer): { text: string; body: unknown } {
    let text: string;
    let body: unknown;
    try {
      // Strict: invalid UTF-8 is refused rather than stored with replacement characters (the stored body
      // must be the one that was signed). The BOM is kept, so JSON.parse refuses it as before.
      text = STRICT_UTF8.decode(raw);
      body = JSON.parse(text);
    } catch (err) {
      this.metrics.webhookReceived('invalid');
      const message = `the body is not valid JSON: ${(err as Error).message}`;
      // `details` has the same shape as for schema errors, so a client reads one field for every 400.
      throw new ApiError(400, 'MALFORMED_JSON', message, [{ path: '$', message }]);
    }
    // Refused rather than trimmed: the stored body stays the one that was signed, and every stored one can be
    // read back (serialising a value nested thousands deep overflows the stack).
    const tooDeep = findInputProblem(body, { maxDepth: this.config.JSON_MAX_DEPTH, text: false });
    if (tooDeep) {
      this.metrics.webhookReceived('invalid');
      throw new ApiError(400, 'INVALID_PAYLOAD', `the payload is nested deeper than ${this.config.JSON_MAX_DEPTH} levels`, [tooDeep]);
    }
    return { text, body };
  }

  /** A meeting.completed event is validated in full and routed; another type is kept for audit, never routed. */
  private classify(body: unknown): { event: IntakeEvent; status: 'accepted' | 'ignored'; payload?: MeetingPayload } {
    const envelope = validateEnvelope(body);
    if (!envelope.ok) {
      this.metrics.webhookReceived('invalid');
      // Name every problem at once: the full schema's issues include the envelope's.
      const full = validatePayload(body);
      const issues = full.ok ? envelope.issues : full.issues;
      throw new ApiError(400, 'INVALID_PAYLOAD', 'the payload does not match the meeting.completed schema', issues);
    }
    if (envelope.envelope.eventType === MEETING_COMPLETED) {
      const validation = validatePayload(body);
      if (!validation.ok) {
        this.metrics.webhookReceived('invalid');
        throw new ApiError(400, 'INVALID_PAYLOAD', 'the payload does not match the meeting.completed schema', validation.issues);
      }
      const p = validation.payload;
      return {
        event: { id: p.id, eventType: p.eventType, createdAt: p.createdAt, accountId: p.data.organization.accountId, teamId: p.data.organization.teamId ?? null },
        status: 'accepted',
        payload: p,
      };
    }
    // Another event type need not look like a meeting.
    const e = envelope.envelope;
    return { event: { id: e.id, eventType: e.eventType, createdAt: e.createdAt, accountId: e.accountId ?? '', teamId: e.teamId }, status: 'ignored' };
  }

  /** One write: the event and its syncs. An unreachable database is a 503 (nothing stored); an unstorable value a 400. */
  private async store(event: IntakeEvent, status: 'accepted' | 'ignored', signatureScheme: string, rawBody: string): Promise<StoreEventResult> {
    try {
      return await this.events.store({
        id: event.id,
        eventType: event.eventType,
        accountId: event.accountId,
        teamId: event.teamId,
        providerCreatedAt: new Date(event.createdAt),
        status,
        signatureScheme,
        rawBody,
      });
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        this.metrics.webhookReceived('unavailable');
        this.logger.error({ eventId: event.id, err: (err as Error).message }, 'webhook not stored: database unreachable');
        throw new ApiError(503, 'DATABASE_UNAVAILABLE', 'the database is unreachable; nothing was stored, retry later');
      }
      // A value the schema let through but Postgres cannot store is still bad input, not a server fault.
      if (isDataException(err)) {
        this.metrics.webhookReceived('invalid');
        this.logger.error({ eventId: event.id, err: (err as Error).message }, 'webhook refused: a value the schema let through cannot be stored');
        throw new ApiError(400, 'INVALID_PAYLOAD', 'the payload holds a value that cannot be stored', [
          { path: '$', message: (err as Error).message },
        ]);
      }
      throw err;
    }
  }
}
