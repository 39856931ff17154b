import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseWith } from '../common/http/zod-body';
import { SyncAdminService } from '../sync/sync-admin.service';
import {
  eventViewSchema,
  listSyncsQuery,
  replayResponseSchema,
  resolveSyncSchema,
  syncDetailSchema,
  syncPageSchema,
} from './admin-api.schemas';
import { actorOf } from '../common/http/admin-actor';
import { AdminAuthGuard, AdminRequest } from '../common/http/admin-auth.guard';
import { ApiAdminRoute, ApiAdminWrite, ApiErrors, ApiZodBody, ApiZodQuery, ApiZodResponse } from '../common/http/openapi.decorators';

export { listSyncsQuery, resolveSyncSchema };

@ApiTags('admin: syncs')
@UseGuards(AdminAuthGuard)
@Controller('admin')
export class SyncsAdminController {
  constructor(private readonly syncs: SyncAdminService) {}

  @Get('syncs')
  @ApiOperation({ summary: 'List syncs, newest first; `status` takes a comma-separated list; follow `nextCursor`' })
  @ApiAdminRoute()
  @ApiZodQuery(listSyncsQuery)
  @ApiZodResponse(200, syncPageSchema, 'one page of syncs')
  @ApiErrors(400)
  list(@Query() query: unknown) {
    const { from, to, ...rest } = parseWith(listSyncsQuery, query, 'query');
    return this.syncs.list({ ...rest, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined });
  }

  @Get('syncs/:id')
  @ApiOperation({ summary: 'One sync: status, candidate, match evidence and alternatives, the note as posted, every attempt' })
  @ApiAdminRoute()
  @ApiZodResponse(200, syncDetailSchema, 'the sync')
  @ApiErrors(404)
  get(@Param('id') id: string) {
    return this.syncs.get(id);
  }

  @Post('syncs/:id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a failed, skipped, unmatched or needs_review sync again now' })
  @ApiAdminWrite()
  @ApiZodResponse(200, syncDetailSchema, 'the sync, pending again')
  @ApiErrors(404, 409)
  retry(@Param('id') id: string, @Req() req: AdminRequest) {
    return this.syncs.retry(id, actorOf(req));
  }

  @Post('syncs/:id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Post a needs_review, unmatched or failed sync to the candidate an operator chose (409 while its note may already be posted)' })
  @ApiAdminWrite()
  @ApiZodBody(resolveSyncSchema)
  @ApiZodResponse(200, syncDetailSchema, 'the sync, pending again with the chosen candidate')
  @ApiErrors(400, 404, 409)
  resolve(@Param('id') id: string, @Body() body: unknown, @Req() req: AdminRequest) {
    const { candidateId } = parseWith(resolveSyncSchema, body);
    return this.syncs.resolve(id, candidateId, actorOf(req));
  }

  @Get('events/:id')
  @ApiOperation({ summary: 'One webhook event as received, with its syncs' })
  @ApiAdminRoute()
  @ApiZodResponse(200, eventViewSchema, 'the event and its syncs')
  @ApiErrors(404)
  event(@Param('id') id: string) {
    return this.syncs.event(id);
  }

  @Post('events/:id/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create the syncs that connections added since the event arrived should have' })
  @ApiAdminWrite()
  @ApiZodResponse(200, replayResponseSchema, 'the syncs created')
  @ApiErrors(404, 409)
  replay(@Param('id') id: string, @Req() req: AdminRequest) {
    return this.syncs.replay(id, actorOf(req));
  }
}
