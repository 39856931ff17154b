import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CronTime } from 'cron';
import { AdminAuthGuard, AdminRequest } from '../common/http/admin-auth.guard';
import { actorOf } from '../common/http/admin-actor';
import { ApiAdminRoute, ApiAdminWrite, ApiErrors, ApiZodBody, ApiZodResponse } from '../common/http/openapi.decorators';
import { parseWith } from '../common/http/zod-body';
import { AppConfig, InjectConfig } from '../config/app-config';
import { ErasureService } from '../erasure/erasure.service';
import { erasureAcceptedSchema, erasureRequestSchema, erasureViewSchema, retentionViewSchema } from './erasure-api.schemas';

@ApiTags('admin: data protection')
@UseGuards(AdminAuthGuard)
@Controller('admin')
export class ErasureController {
  constructor(
    private readonly erasures: ErasureService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Post('erasures')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Erase a person: event bodies, syncs\' notes and evidence, directory rows, and (optionally) the notes filed in the ATS',
    description:
      'The person is found as matching finds candidates: E.164 phone, email, exact name, or an ATS candidate id on one ' +
      'connection. Runs in the background; follow GET /admin/erasures/{id}. Events keep their id and envelope (a ' +
      're-delivery stays a duplicate); syncs keep status, timestamps and ids. dryRun reports and changes nothing.',
  })
  @ApiAdminWrite()
  @ApiZodBody(erasureRequestSchema)
  @ApiZodResponse(202, erasureAcceptedSchema, 'accepted; the erasure runs in the background')
  @ApiErrors(400, 404)
  request(@Body() body: unknown, @Req() req: AdminRequest) {
    const input = parseWith(erasureRequestSchema, body);
    return this.erasures.request(input, actorOf(req));
  }

  @Get('erasures/:id')
  @ApiOperation({ summary: 'An erasure\'s status, progress and report (ids and counts, never the identifiers)' })
  @ApiAdminRoute()
  @ApiZodResponse(200, erasureViewSchema, 'the erasure')
  @ApiErrors(404)
  get(@Param('id') id: string) {
    return this.erasures.view(id);
  }

  @Get('retention')
  @ApiOperation({ summary: 'What Debrief keeps, for how long, and when the next purge runs' })
  @ApiAdminRoute()
  @ApiZodResponse(200, retentionViewSchema, 'the retention in force')
  retention() {
    const days = this.config.RETENTION_DAYS;
    let next: string | null = null;
    try {
      next = new CronTime(this.config.JOB_RETENTION_CRON, this.config.JOB_TIMEZONE).sendAt().toUTC().toISO();
    } catch {
      next = null;
    }
    return {
      retentionDays: days,
      nextPurgeAt: next,
      kept: [
        { what: 'raw webhook bodies (participants, names, meeting notes, links)', keptFor: `${days} days after receipt, longer while a sync still needs the body`, then: 'body dropped; id, envelope and status kept (duplicates stay duplicates)' },
        { what: 'rendered notes on syncs', keptFor: `${days} days`, then: 'dropped; status, candidate id, note reference and attempts kept' },
        { what: 'match evidence on syncs (phones, emails, alternatives)', keptFor: 'as long as the sync, until erased', then: 'dropped by an erasure' },
        { what: 'candidate directory (names, phones, emails of ATS candidates)', keptFor: 'while the ATS has the candidate (refreshed every 15 min, fully daily)', then: 'deleted when gone from the ATS, or by an erasure' },
        { what: 'job runs', keptFor: `${this.config.JOB_RUNS_RETENTION_DAYS} days`, then: 'deleted' },
        { what: 'audit log', keptFor: 'indefinitely', then: 'holds no identifier of an erased person (a salted hash only)' },
      ],
    };
  }
}
