import { DynamicModule, Global, Module, RequestMethod } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { AdminModule } from './admin/admin.module';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { dataSourceOptions } from './database/data-source-options';
import { accessLogOptions, HOOK_LOGGED_ROUTES } from './observability/access-log';
import { AuditModule } from './audit/audit.module';
import { ObservabilityModule } from './observability/observability.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { SyncModule } from './sync/sync.module';
import { WebhookModule } from './webhook/webhook.module';

export interface AppModuleOptions {
  config: AppConfig;
  /** The database to use (DATABASE_URL, or the embedded cluster started before the app). */
  databaseUrl: string;
  /** Where log lines go (stdout when unset); tests pass a stream to read what would be logged. */
  logDestination?: DestinationStream;
}

/** The parsed configuration, for every module (one of the two global modules, with the database). */
@Global()
@Module({})
class ConfigCoreModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: ConfigCoreModule,
      providers: [{ provide: APP_CONFIG, useValue: options.config }],
      exports: [APP_CONFIG],
    };
  }
}


@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const { config } = options;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => config] }),
        ConfigCoreModule.forRoot(options),
        LoggerModule.forRoot({
          // nestjs-pino's default route, `{/*splat}`, matches no request on this Fastify adapter, which left
          // every request unlogged and without its request-scoped logger; `{*splat}` matches them all.
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
          exclude: HOOK_LOGGED_ROUTES,
          pinoHttp: withDestination(options.logDestination, accessLogOptions(config.LOG_LEVEL)),
        }),
        // Each module registers the entities of the tables it owns.
        TypeOrmModule.forRoot({ ...dataSourceOptions(options.databaseUrl, config.DB_POOL_SIZE), autoLoadEntities: true, migrationsRun: true }),
        ObservabilityModule,
        AuditModule,
        WebhookModule,
        SyncModule,
        SchedulerModule,
        AdminModule,
      ],
    };
  }
}

const withDestination = (destination: DestinationStream | undefined, options: PinoHttpOptions): PinoHttpOptions | [PinoHttpOptions, DestinationStream] =>
  destination ? [options, destination] : options;
