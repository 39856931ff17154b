import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';

/**
 * One definition shared by the app, the migration script and the tests. `synchronize` is never on. No entities
 * here: the app registers each with the module that owns its table (`autoLoadEntities`); scripts use SQL.
 */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, connectionTimeoutMillis: 5000 },
  };
}
