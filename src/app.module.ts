import { DynamicModule, Global, Module, RequestMethod } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { AdminAuthGuard } from './admin/admin-auth.guard';
import { AdminModule } from './admin/admin.module';
import { AtsModule } from './ats/ats.module';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { ConnectionsModule } from './connections/connections.module';
import { dataSourceOptions } from './database/data-source-options';
import { accessLogOptions, HOOK_LOGGED_ROUTES } from './observability/access-log';
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

@Global()
@Module({})
class CoreModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: APP_CONFIG, useValue: options.config }, AdminAuthGuard],
      exports: [APP_CONFIG, AdminAuthGuard],
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
        CoreModule.forRoot(options),
        LoggerModule.forRoot({
          // nestjs-pino's default route, `{/*splat}`, matches no request on this Fastify adapter, which left
          // every request unlogged and without its request-scoped logger; `{*splat}` matches them all.
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
          exclude: HOOK_LOGGED_ROUTES,
          pinoHttp: withDestination(options.logDestination, accessLogOptions(config.LOG_LEVEL)),
        }),
        TypeOrmModule.forRoot({ ...dataSourceOptions(options.databaseUrl, config.DB_POOL_SIZE), migrationsRun: true }),
        ObservabilityModule,
        AtsModule,
        ConnectionsModule,
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
