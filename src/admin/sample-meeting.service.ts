import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { conflict } from '../common/api-error';
import { ConnectionsService } from '../connections/connections.service';
import { sampleMeetingEvent } from '../meeting/sample-meeting';
import { WebhookIntakeService } from '../webhook/webhook-intake.service';

/** The provider's sample meeting, sent to a connection from the admin API through the webhook's own intake. */
@Injectable()
export class SampleMeetingService {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly intake: WebhookIntakeService,
    private readonly audit: AuditService,
  ) {}

  async send(connectionId: string, actor: string): Promise<{ eventId: string; syncsCreated: number }> {
    const connection = await this.connections.entity(connectionId);
    // A disabled connection takes no new syncs: the sample would be stored and go nowhere.
    if (!connection.enabled) throw conflict('the connection is disabled: enable it, then send the sample', [{ path: '$.enabled', message: 'is false' }]);
    const eventId = `evt_sample_${randomUUID()}`;
    const { syncsCreated } = await this.intake.receiveFromAdmin(sampleMeetingEvent(connection, eventId, new Date()));
    await this.audit.record({
      actor,
      action: 'connection.sample',
      targetType: 'connection',
      targetId: connection.id,
      detail: { eventId, syncsCreated },
    });
    return { eventId, syncsCreated };
  }
}
