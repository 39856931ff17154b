import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseWith } from '../common/http/zod-body';
import { auditPageSchema, listAuditQuery } from './admin-api.schemas';
import { AdminAuthGuard } from '../common/http/admin-auth.guard';
import { AuditService } from '../audit/audit.service';
import { ApiAdminRoute, ApiErrors, ApiZodQuery, ApiZodResponse } from '../common/http/openapi.decorators';

@ApiTags('admin: audit')
@UseGuards(AdminAuthGuard)
@Controller('admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Who changed what through the admin API, newest first; follow nextCursor' })
  @ApiAdminRoute()
  @ApiZodQuery(listAuditQuery)
  @ApiZodResponse(200, auditPageSchema, 'one page of audit entries')
  @ApiErrors(400)
  list(@Query() query: unknown) {
    return this.audit.list(parseWith(listAuditQuery, query, 'query'));
  }
}
