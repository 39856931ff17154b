import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule, AppModuleOptions } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { HostileInputPipe } from './common/http/hostile-input.pipe';
import { answerOversizedBodiesReadably, httpServerOptions } from './common/http/http-server';
import { registerConsole } from './common/http/console-static';
import { logHookRoutes } from './observability/access-log';

const WEBHOOK_PREFIX = '/webhooks/';

/**
 * Builds the Nest application on Fastify. JSON bodies are read as raw bytes: the webhook route receives
 * the Buffer untouched (its signature is checked on those bytes before anything is parsed); every other
 * route gets the parsed object, and malformed JSON there is a 400 in the common error shape.
 */
export async function createApp(options: AppModuleOptions & { logger?: boolean }): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter(httpServerOptions(options.config));
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    bufferLogs: options.logger !== false,
    ...(options.logger === false ? { logger: false as const } : {}),
    abortOnError: false,
    // Body parsing is ours (below): Nest's parser would hand the webhook a parsed object, not its bytes.
    bodyParser: false,
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useGlobalPipes(new HostileInputPipe(options.config.JSON_MAX_DEPTH));
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  logHookRoutes(fastify);
  answerOversizedBodiesReadably(fastify, options.config.HTTP_OVERSIZED_DISCARD_BYTES);
  fastify.removeContentTypeParser(['application/json']);
  fastify.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json(;.*)?$/i,
    { parseAs: 'buffer' },
    (request: FastifyRequest, body: Buffer | string, done: (err: Error | null, body?: unknown) => void) => {
      const raw = Buffer.isBuffer(body) ? body : Buffer.from(body);
      if ((request.url ?? '').startsWith(WEBHOOK_PREFIX)) return done(null, raw);
      if (raw.length === 0) return done(null, undefined);
      try {
        done(null, JSON.parse(raw.toString('utf8')));
      } catch (err) {
        const error = new Error(`the body is not valid JSON: ${(err as Error).message}`) as Error & { statusCode: number };
        error.statusCode = 400;
        done(error);
      }
    },
  );

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Debrief')
      .setDescription('Files finished meetings into the right candidate in your ATS. Admin routes need `Authorization: Bearer <ADMIN_TOKEN>`.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  await registerConsole(fastify);
  return app;
}
