import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { connectionPageSchema, connectionViewSchema, listConnectionsQuery } from './admin-api.schemas';
import { AdminAuthGuard, AdminRequest } from '../common/http/admin-auth.guard';
import { actorOf } from '../common/http/admin-actor';
import { Page } from '../common/http/list-cursor';
import { ApiAdminRoute, ApiAdminWrite, ApiErrors, ApiZodBody, ApiZodQuery, ApiZodResponse } from '../common/http/openapi.decorators';
import { parseWith } from '../common/http/zod-body';
import { createConnectionSchema, updateConnectionSchema, ConnectionView } from '../connections/connection.schemas';
import { ConnectionsService } from '../connections/connections.service';

@ApiTags('admin: connections')
@UseGuards(AdminAuthGuard)
@Controller('admin/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  @ApiOperation({ summary: 'Connect an organisation (account, optional team) to its ATS; credentials are write-only' })
  @ApiAdminWrite()
  @ApiZodBody(createConnectionSchema)
  @ApiZodResponse(201, connectionViewSchema, 'the connection (credentials are never returned)')
  @ApiErrors(400)
  create(@Body() body: unknown, @Req() req: AdminRequest): Promise<ConnectionView> {
    return this.connections.create(parseWith(createConnectionSchema, body), actorOf(req));
  }

  @Get()
  @ApiOperation({ summary: 'List connections, oldest first, filtered; follow nextCursor' })
  @ApiAdminRoute()
  @ApiZodQuery(listConnectionsQuery)
  @ApiZodResponse(200, connectionPageSchema, 'one page of connections')
  @ApiErrors(400)
  list(@Query() query: unknown): Promise<Page<ConnectionView>> {
    return this.connections.page(parseWith(listConnectionsQuery, query, 'query'));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One connection' })
  @ApiAdminRoute()
  @ApiZodResponse(200, connectionViewSchema, 'the connection')
  @ApiErrors(404)
  get(@Param('id') id: string): Promise<ConnectionView> {
    return this.connections.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a connection; `credentials` replaces the stored credentials as a whole' })
  @ApiAdminWrite()
  @ApiZodBody(updateConnectionSchema)
  @ApiZodResponse(200, connectionViewSchema, 'the connection as changed')
  @ApiErrors(400, 404)
  update(@Param('id') id: string, @Body() body: unknown, @Req() req: AdminRequest): Promise<ConnectionView> {
    return this.connections.update(id, parseWith(updateConnectionSchema, body), actorOf(req));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a connection (kept for the history of its syncs; no new event routes to it)' })
  @ApiAdminWrite()
  @ApiResponse({ status: 204, description: 'removed' })
  @ApiErrors(404)
  async remove(@Param('id') id: string, @Req() req: AdminRequest): Promise<void> {
    await this.connections.remove(id, actorOf(req));
  }
}
