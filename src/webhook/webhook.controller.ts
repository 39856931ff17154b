import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AccessLogFacts } from '../observability/access-log';
import { ApiError } from '../common/api-error';
import { meetingPayloadSchema } from '../meeting/meeting-payload.schema';
import { WebhookIntakeService } from './webhook-intake.service';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhookController {
  constructor(private readonly intake: WebhookIntakeService) {}

  @Post('meetings')
  @HttpCode(200)
  @ApiOperation({ summary: "The provider's meeting.completed webhook: verified, validated, stored, then acknowledged" })
  @ApiHeader({ name: 'webhook-signature', required: false, description: 'Standard Webhooks `v1,<base64>` (or svix-signature)' })
  @ApiBody({ schema: z.toJSONSchema(meetingPayloadSchema, { io: 'input', unrepresentable: 'any' }) as object })
  @ApiResponse({ status: 200, description: '{"status":"accepted"|"duplicate"|"ignored"}' })
  @ApiResponse({ status: 400, description: 'malformed JSON or payload; `details` lists each JSON path' })
  @ApiResponse({ status: 401, description: 'missing or invalid signature' })
  @ApiResponse({ status: 413, description: 'body above the limit' })
  @ApiResponse({ status: 415, description: 'not application/json' })
  @ApiResponse({ status: 503, description: 'database unreachable; nothing stored, retry' })
  async receive(@Req() request: FastifyRequest): Promise<{ status: 'accepted' | 'duplicate' | 'ignored' }> {
    const raw = request.body;
    if (!Buffer.isBuffer(raw)) throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the payload as application/json');
    // The access-log line of this request names the event and its outcome (see observability/access-log.ts).
    return this.intake.receive(raw, request.headers, request.raw as AccessLogFacts);
  }
}
