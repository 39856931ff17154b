import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseWith } from '../common/http/zod-body';
import { SyncAdminService } from '../sync/sync-admin.service';
import { resyncRequestSchema, resyncResponseSchema } from './admin-api.schemas';
import { AdminAuthGuard, AdminRequest } from '../common/http/admin-auth.guard';
import { actorOf } from '../common/http/admin-actor';
import { ApiAdminWrite, ApiErrors, ApiZodBody, ApiZodResponse } from '../common/http/openapi.decorators';

@ApiTags('admin: syncs')
@UseGuards(AdminAuthGuard)
@Controller('admin')
export class ResyncController {
  constructor(private readonly syncs: SyncAdminService) {}

  @Post('resync')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Re-arm every sync matching a filter, e.g. all failed syncs of last week, in one call',
    description:
      'statuses defaults to ["failed"]; from/to bound the sync\'s creation time (from inclusive, to exclusive). ' +
      'Synced syncs are only included when statuses names "synced" and includeSynced is true: such a re-run ' +
      'looks for the note it posted before posting, and posts again when that note is gone (or the ATS cannot ' +
      'find it). dryRun answers what would be re-armed.',
  })
  @ApiAdminWrite()
  @ApiZodBody(resyncRequestSchema)
  @ApiZodResponse(200, resyncResponseSchema, 'how many syncs were re-armed, and the first ids')
  @ApiErrors(400)
  resync(@Body() body: unknown, @Req() req: AdminRequest) {
    const input = parseWith(resyncRequestSchema, body);
    return this.syncs.resync(
      {
        statuses: input.statuses,
        connectionId: input.connectionId,
        from: input.from ? new Date(input.from) : undefined,
        to: input.to ? new Date(input.to) : undefined,
        dryRun: input.dryRun,
      },
      actorOf(req),
    );
  }
}
