import { Module } from '@nestjs/common';
import { EventStoreRepository } from './event-store.repository';
import { WebhookSignatureService } from './signature/webhook-signature.service';
import { WebhookIntakeService } from './webhook-intake.service';
import { WebhookController } from './webhook.controller';

@Module({
  controllers: [WebhookController],
  providers: [WebhookSignatureService, EventStoreRepository, WebhookIntakeService],
})
export class WebhookModule {}
