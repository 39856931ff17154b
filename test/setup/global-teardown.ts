import { rmSync } from 'node:fs';
import type { EmbeddedPostgresHandle } from '../../src/database/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const handle = (globalThis as Record<string, unknown>).__DEBRIEF_TEST_PG__ as EmbeddedPostgresHandle | undefined;
  if (!handle) return;
  await handle.stop();
  rmSync(handle.dataDir, { recursive: true, force: true });
}
