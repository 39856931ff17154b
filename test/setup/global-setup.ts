import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

/**
 * Tests run against real Postgres: the one in TEST_DATABASE_URL when set, else an embedded cluster started
 * here for this run. Each test file then creates its own database from it (see test/support/database.ts).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    process.env.DEBRIEF_TEST_ADMIN_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'debrief-test-pg-'));
  const handle = await startEmbeddedPostgres(dir, { database: 'postgres' });
  process.env.DEBRIEF_TEST_ADMIN_URL = handle.url;
  (globalThis as Record<string, unknown>).__DEBRIEF_TEST_PG__ = handle;
}
