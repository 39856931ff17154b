import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ObservabilityModule } from '../observability/observability.module';
import { EventStoreRepository } from './event-store.repository';
import { WebhookSignatureService } from './signature/webhook-signature.service';
import { WebhookEventEntity } from './webhook-event.entity';
import { WebhookIntakeService } from './webhook-intake.service';
import { WebhookController } from './webhook.controller';

/** Intake: verifies, stores the event (table `webhook_events`) and its syncs in one statement, answers. */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEventEntity]), ObservabilityModule],
  controllers: [WebhookController],
  providers: [WebhookSignatureService, EventStoreRepository, WebhookIntakeService],
  exports: [WebhookIntakeService],
})
export class WebhookModule {}
