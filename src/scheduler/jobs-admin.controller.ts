import { Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AdminAuthGuard } from '../common/http/admin-auth.guard';
import { ApiError, notFound } from '../common/api-error';
import { JobRunnerService } from './job-runner.service';

const jobRunSchema = z.object({
  id: z.string(),
  job: z.string(),
  trigger: z.enum(['schedule', 'manual']),
  instance: z.string().describe('host:pid:random of the instance that ran it'),
  startedAt: z.string().describe('ISO 8601'),
  finishedAt: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  outcome: z.enum(['running', 'succeeded', 'partial', 'failed', 'abandoned']),
  summary: z.record(z.string(), z.unknown()).nullable().describe('what the run did: counts and a few ids'),
  error: z.string().nullable(),
});

const jobStatusSchema = z.object({
  name: z.string(),
  description: z.string(),
  schedule: z.string().describe('cron expression'),
  scheduleVariable: z.string().describe('environment variable that sets the schedule'),
  scheduled: z.boolean().describe('false when SCHEDULER_ENABLED=false on this instance'),
  nextRunAt: z.string().nullable(),
  running: z.boolean().describe('some instance holds the job lock now'),
  lastRun: jobRunSchema.nullable(),
});

const jobsListSchema = z.object({ timeZone: z.string(), jobs: z.array(jobStatusSchema) });

const schemaOf = (schema: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

@ApiTags('admin: jobs')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('admin/jobs')
export class JobsAdminController {
  constructor(private readonly runner: JobRunnerService) {}

  @Get()
  @ApiOperation({ summary: 'Scheduled jobs: schedule, next run, whether one is running, and the last run (any instance)' })
  @ApiResponse({ status: 200, description: 'every job', schema: schemaOf(jobsListSchema) })
  @ApiResponse({ status: 401, description: 'missing or invalid admin token' })
  async list() {
    const jobs = await this.runner.status();
    return { timeZone: this.runner.timeZone, jobs };
  }

  @Post(':name/run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run one job now on this instance and answer how the run ended' })
  @ApiParam({ name: 'name', description: 'stale-lease-sweeper | rematch | recovery | directory-refresh | directory-full-refresh | retention | erasure' })
  @ApiResponse({ status: 200, description: 'the run, finished (outcome succeeded, partial or failed)', schema: schemaOf(jobRunSchema) })
  @ApiResponse({ status: 401, description: 'missing or invalid admin token' })
  @ApiResponse({ status: 403, description: 'a read-only token' })
  @ApiResponse({ status: 404, description: 'no job of that name' })
  @ApiResponse({ status: 409, description: 'JOB_LOCKED: another run of this job (on any instance) holds its lock' })
  async run(@Param('name') name: string) {
    if (!this.runner.has(name)) throw notFound(`job "${name}"`);
    const result = await this.runner.run(name, 'manual');
    if (result.status === 'locked') throw new ApiError(409, 'JOB_LOCKED', `job "${name}" is running on another instance; try again when it has finished`);
    return result.run;
  }
}
