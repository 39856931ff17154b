import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { connectionPageSchema, connectionViewSchema, listConnectionsQuery } from './admin-api.schemas';
import { AdminAuthGuard, AdminRequest } from '../common/http/admin-auth.guard';
import { actorOf } from '../common/http/admin-actor';
import { Page } from '../common/http/list-cursor';
import { ApiAdminRoute, ApiAdminWrite, ApiErrors, ApiZodBody, ApiZodQuery, ApiZodResponse } from '../common/http/openapi.decorators';
import { parseWith } from '../common/http/zod-body';
import { createConnectionSchema, updateConnectionSchema, ConnectionView } from '../connections/connection.schemas';
import { ConnectionDirectoryStatus, DirectoryProgress } from '../connections/connection-directory.status';
import { ConnectionsService } from '../connections/connections.service';

@ApiTags('admin: connections')
@UseGuards(AdminAuthGuard)
@Controller('admin/connections')
export class ConnectionsController {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly directory: ConnectionDirectoryStatus,
  ) {}

  /** Each view with its candidate directory's progress (`directory`). */
  private async withDirectory(views: ConnectionView[]): Promise<Array<ConnectionView & { directory?: DirectoryProgress | null }>> {
    const progress = await this.directory.of(views.map((v) => v.id));
    return views.map((v) => (progress.has(v.id) ? { ...v, directory: progress.get(v.id)! } : v));
  }

  @Post()
  @ApiOperation({ summary: 'Connect an organisation (account, optional team) to its ATS; credentials are write-only' })
  @ApiAdminWrite()
  @ApiZodBody(createConnectionSchema)
  @ApiZodResponse(201, connectionViewSchema, 'the connection (credentials are never returned)')
  @ApiErrors(400)
  async create(@Body() body: unknown, @Req() req: AdminRequest): Promise<ConnectionView> {
    return (await this.withDirectory([await this.connections.create(parseWith(createConnectionSchema, body), actorOf(req))]))[0]!;
  }

  @Get()
  @ApiOperation({ summary: 'List connections, oldest first, filtered; follow nextCursor' })
  @ApiAdminRoute()
  @ApiZodQuery(listConnectionsQuery)
  @ApiZodResponse(200, connectionPageSchema, 'one page of connections')
  @ApiErrors(400)
  async list(@Query() query: unknown): Promise<Page<ConnectionView>> {
    const page = await this.connections.page(parseWith(listConnectionsQuery, query, 'query'));
    return { ...page, items: await this.withDirectory(page.items) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One connection' })
  @ApiAdminRoute()
  @ApiZodResponse(200, connectionViewSchema, 'the connection')
  @ApiErrors(404)
  async get(@Param('id') id: string): Promise<ConnectionView> {
    return (await this.withDirectory([await this.connections.get(id)]))[0]!;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a connection; `credentials` replaces the stored credentials as a whole' })
  @ApiAdminWrite()
  @ApiZodBody(updateConnectionSchema)
  @ApiZodResponse(200, connectionViewSchema, 'the connection as changed')
  @ApiErrors(400, 404)
  async update(@Param('id') id: string, @Body() body: unknown, @Req() req: AdminRequest): Promise<ConnectionView> {
    return (await this.withDirectory([await this.connections.update(id, parseWith(updateConnectionSchema, body), actorOf(req))]))[0]!;
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
