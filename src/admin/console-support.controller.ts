import { Controller, Get, Param, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseWith } from '../common/http/zod-body';
import { AdminAuthGuard, AdminRequest } from '../common/http/admin-auth.guard';
import { ApiAdminRoute, ApiErrors, ApiZodQuery, ApiZodResponse } from '../common/http/openapi.decorators';
import {
  candidateSearchQuery,
  candidateSearchResponseSchema,
  overviewSchema,
  providerListSchema,
  sessionViewSchema,
} from './console-support.schemas';
import { ConsoleSupportService } from './console-support.service';

/** Read-only routes the operator console is built on; any admin client may use them. */
@ApiTags('admin: console')
@UseGuards(AdminAuthGuard)
@Controller('admin')
export class ConsoleSupportController {
  constructor(private readonly support: ConsoleSupportService) {}

  @Get('session')
  @ApiOperation({ summary: 'Who this token is: its audit label and whether it may only read' })
  @ApiAdminRoute()
  @ApiZodResponse(200, sessionViewSchema, 'the token\'s label and rights')
  session(@Req() req: AdminRequest) {
    return { actor: req.adminActor!.id, readOnly: req.adminActor!.readOnly };
  }

  @Get('providers')
  @ApiOperation({
    summary: 'Every registered ATS provider: capabilities and the JSON Schema of its credentials and settings',
    description: 'Forms for a new connection are generated from these schemas, so a new provider needs no client change.',
  })
  @ApiAdminRoute()
  @ApiZodResponse(200, providerListSchema, 'the providers, by name')
  providers() {
    return this.support.providers();
  }

  @Get('connections/:id/candidates')
  @ApiOperation({
    summary: 'Search a connection\'s candidates by name, email or phone: the local directory, and the ATS where it can search so',
    description: 'For choosing a candidate by hand (the review queue). The directory\'s hits come first; an ATS failure is reported, not thrown.',
  })
  @ApiAdminRoute()
  @ApiZodQuery(candidateSearchQuery as never)
  @ApiZodResponse(200, candidateSearchResponseSchema, 'matching candidates')
  @ApiErrors(400, 404)
  searchCandidates(@Param('id') id: string, @Query() query: unknown) {
    const { q, ids, limit } = parseWith(candidateSearchQuery, query, 'query');
    return q !== undefined ? this.support.searchCandidates(id, q, limit) : this.support.candidatesById(id, ids ?? []);
  }

  @Get('overview')
  @ApiOperation({ summary: 'Syncs by status per connection, the due queue, failures by code over the last 24 h, the review count' })
  @ApiAdminRoute()
  @ApiZodResponse(200, overviewSchema, 'the counts')
  overview() {
    return this.support.overview();
  }
}
