import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { openApiSchema, parseWith } from '../common/zod-body';
import { SYNC_STATUSES } from '../sync/sync.entity';
import { SyncAdminService } from '../sync/sync-admin.service';
import { AdminAuthGuard, AdminRequest } from './admin-auth.guard';

const statusList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(SYNC_STATUSES)));

export const listSyncsQuery = z.object({
  status: statusList.optional(),
  eventId: z.string().min(1).max(255).optional(),
  connectionId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(500).optional(),
});

export const resolveSyncSchema = z.strictObject({ candidateId: z.string().trim().min(1).max(255) });

@ApiTags('admin: syncs')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('admin')
export class SyncsAdminController {
  constructor(private readonly syncs: SyncAdminService) {}

  @Get('syncs')
  @ApiOperation({ summary: 'List syncs, newest first; `status` takes a comma-separated list; follow `nextCursor`' })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'eventId', required: false })
  @ApiQuery({ name: 'connectionId', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  list(@Query() query: unknown) {
    return this.syncs.list(parseWith(listSyncsQuery, query, 'query'));
  }

  @Get('syncs/:id')
  @ApiOperation({ summary: 'One sync: status, candidate, match evidence and alternatives, the note as posted, every attempt' })
  get(@Param('id') id: string) {
    return this.syncs.get(id);
  }

  @Post('syncs/:id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a failed, skipped, unmatched or needs_review sync again now' })
  retry(@Param('id') id: string) {
    return this.syncs.retry(id);
  }

  @Post('syncs/:id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Post a needs_review or unmatched sync to the candidate an operator chose' })
  @ApiBody({ schema: openApiSchema(resolveSyncSchema) })
  resolve(@Param('id') id: string, @Body() body: unknown, @Req() req: AdminRequest) {
    const { candidateId } = parseWith(resolveSyncSchema, body);
    return this.syncs.resolve(id, candidateId, req.adminActor?.id ?? 'unknown');
  }

  @Get('events/:id')
  @ApiOperation({ summary: 'One webhook event as received, with its syncs' })
  event(@Param('id') id: string) {
    return this.syncs.event(id);
  }

  @Post('events/:id/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create the syncs that connections added since the event arrived should have' })
  replay(@Param('id') id: string) {
    return this.syncs.replay(id);
  }
}
