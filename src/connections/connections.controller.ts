import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminAuthGuard } from '../admin/admin-auth.guard';
import { openApiSchema, parseWith } from '../common/zod-body';
import { createConnectionSchema, updateConnectionSchema, ConnectionView } from './connection.schemas';
import { ConnectionsService } from './connections.service';

@ApiTags('admin: connections')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('admin/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  @ApiOperation({ summary: 'Connect an organisation (account, optional team) to its ATS; credentials are write-only' })
  @ApiBody({ schema: openApiSchema(createConnectionSchema) })
  create(@Body() body: unknown): Promise<ConnectionView> {
    return this.connections.create(parseWith(createConnectionSchema, body));
  }

  @Get()
  @ApiOperation({ summary: 'List connections' })
  list(@Query('provider') provider?: string, @Query('accountId') accountId?: string): Promise<ConnectionView[]> {
    return this.connections.list({ provider, accountId });
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<ConnectionView> {
    return this.connections.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a connection; `credentials` replaces the stored credentials as a whole' })
  @ApiBody({ schema: openApiSchema(updateConnectionSchema) })
  update(@Param('id') id: string, @Body() body: unknown): Promise<ConnectionView> {
    return this.connections.update(id, parseWith(updateConnectionSchema, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a connection (kept for the history of its syncs; no new event routes to it)' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.connections.remove(id);
  }
}
