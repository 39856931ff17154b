import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { badRequest } from '../common/api-error';
import { parseWith } from '../common/http/zod-body';
import { fieldMappingSchema } from '../mapping/field-mapping.schema';
import {
  connectionTestResponseSchema,
  listMappingVersionsQuery,
  mappingVersionPageSchema,
  mappingVersionParam,
  mappingVersionSchema,
  mappingViewSchema,
  previewRequestSchema,
  previewResponseSchema,
  sampleMeetingResponseSchema,
} from './admin-api.schemas';
import { actorOf } from '../common/http/admin-actor';
import { AdminAuthGuard, AdminRequest, ReadOnlyAllowed } from '../common/http/admin-auth.guard';
import { ConnectionPreviewService } from './connection-preview.service';
import { ConnectionTestService } from './connection-test.service';
import { MappingAdminService } from './mapping-admin.service';
import { SampleMeetingService } from './sample-meeting.service';
import { ApiAdminRoute, ApiAdminWrite, ApiErrors, ApiZodBody, ApiZodQuery, ApiZodResponse } from '../common/http/openapi.decorators';

/** A connection's field mapping, previews of its notes, its credential check, and the provider's sample sent to it. */
@ApiTags('admin: connections')
@UseGuards(AdminAuthGuard)
@Controller('admin/connections')
export class ConnectionAdminController {
  constructor(
    private readonly mappings: MappingAdminService,
    private readonly previews: ConnectionPreviewService,
    private readonly tests: ConnectionTestService,
    private readonly samples: SampleMeetingService,
  ) {}

  @Get(':id/mapping')
  @ApiOperation({ summary: 'The field mapping in force: its version (0 = the built-in default) and document' })
  @ApiAdminRoute()
  @ApiZodResponse(200, mappingViewSchema, 'the current mapping')
  @ApiErrors(404)
  getMapping(@Param('id') id: string) {
    return this.mappings.get(id);
  }

  @Get(':id/mapping/versions')
  @ApiOperation({ summary: 'The saved mapping versions, newest first (version, when, by whom); follow nextCursor' })
  @ApiAdminRoute()
  @ApiZodQuery(listMappingVersionsQuery)
  @ApiZodResponse(200, mappingVersionPageSchema, 'one page of versions (empty while the built-in default is in force)')
  @ApiErrors(400, 404)
  mappingVersions(@Param('id') id: string, @Query() query: unknown) {
    return this.mappings.versions(id, parseWith(listMappingVersionsQuery, query, 'query'));
  }

  @Get(':id/mapping/versions/:version')
  @ApiOperation({ summary: 'One saved mapping version with its document' })
  @ApiParam({ name: 'version', schema: { type: 'integer', minimum: 1 }, description: 'A version number from the history' })
  @ApiAdminRoute()
  @ApiZodResponse(200, mappingVersionSchema, 'the version and its document')
  @ApiErrors(400, 404)
  mappingVersion(@Param('id') id: string, @Param('version') version: string) {
    return this.mappings.version(id, parseWith(mappingVersionParam, { version }, 'path').version);
  }

  @Put(':id/mapping')
  @ApiOperation({
    summary: 'Save a new mapping version; syncs from now on render with it and record its version',
    description:
      'The body is the whole mapping document; omitted keys take their defaults. Refused (400, one entry per ' +
      'problem with its JSON path) when invalid or when it asks for something the connection\'s ATS cannot do, ' +
      'e.g. routing a note to a custom field.',
  })
  @ApiAdminWrite()
  @ApiZodBody(fieldMappingSchema)
  @ApiZodResponse(200, mappingViewSchema, 'the saved version, with warnings about settings that are valid but probably unintended')
  @ApiErrors(400, 404, 409)
  putMapping(@Param('id') id: string, @Body() body: unknown, @Req() req: AdminRequest) {
    // An empty body would silently reset every setting to its default; a reset is an explicit `{}`.
    if (body === undefined) throw badRequest('send the mapping document as JSON (an empty object for the defaults)', [{ path: '$', message: 'required' }]);
    return this.mappings.put(id, body, actorOf(req));
  }

  @Post(':id/preview')
  @HttpCode(200)
  @ReadOnlyAllowed()
  @ApiOperation({
    summary: 'Render the note a sync would post for a payload or a stored event; posts nothing, stores nothing',
    description:
      'Matching reads the local candidate directory only (no ATS call). Action items are fetched only with ' +
      '"fetchActionItems": true. "mapping" tries an unsaved mapping. Read-only tokens may call it.',
  })
  @ApiAdminRoute()
  @ApiZodBody(previewRequestSchema)
  @ApiZodResponse(200, previewResponseSchema, 'what would be posted, and why')
  @ApiErrors(400, 404, 409)
  preview(@Param('id') id: string, @Body() body: unknown) {
    return this.previews.preview(id, parseWith(previewRequestSchema, body));
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check the credentials and permissions against the ATS',
    description:
      'Answers 200 with one entry per check even when the ATS refuses. When every check passes, this ' +
      'connection\'s syncs that failed with AUTH_FAILED, PERMISSION_DENIED or TEMPORARY are re-armed.',
  })
  @ApiAdminWrite()
  @ApiZodResponse(200, connectionTestResponseSchema, 'the checks, and how many failed syncs were re-armed')
  @ApiErrors(404)
  test(@Param('id') id: string, @Req() req: AdminRequest) {
    return this.tests.test(id, actorOf(req));
  }

  @Post(':id/sample-meeting')
  @HttpCode(200)
  @ApiOperation({
    summary: "Send the provider's sample meeting as a new event of this connection's account, as its webhook would",
    description:
      'For trying a connection end to end without the provider: the documented sample payload with a new event id, ' +
      'the time now and this connection\'s account and team, stored and routed like a signed webhook. It is matched ' +
      'and posted like any meeting, so it reaches the candidate its participants and name match (or the review queue). ' +
      '409 when the connection is disabled.',
  })
  @ApiAdminWrite()
  @ApiZodResponse(200, sampleMeetingResponseSchema, 'the new event and how many syncs it created')
  @ApiErrors(404, 409, 503)
  sendSample(@Param('id') id: string, @Req() req: AdminRequest) {
    return this.samples.send(id, actorOf(req));
  }
}
