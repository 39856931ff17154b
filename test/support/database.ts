import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';

/** The server the global setup prepared: TEST_DATABASE_URL, or the embedded cluster. */
export function adminUrl(): string {
  const url = process.env.DEBRIEF_TEST_ADMIN_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('no test database: the jest global setup did not run');
  return url;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface TestDatabase {
  url: string;
  name: string;
  /** A migrated data source on the database, for assertions. */
  dataSource: DataSource;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file, so files never see each other's rows. Its name always
 * starts with `debrief_test_`: the helper refuses to drop anything else.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `debrief_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl(), name);
  const dataSource = new DataSource(dataSourceOptions(url, 4));
  await dataSource.initialize();
  await dataSource.runMigrations();
  return {
    url,
    name,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (!name.startsWith('debrief_test_')) throw new Error(`refusing to drop ${name}`);
      const c = new Client({ connectionString: adminUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
