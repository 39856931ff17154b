import type { AppConfig } from '../config/app-config';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from './embedded-postgres';

/** DATABASE_URL when set; otherwise an embedded PostgreSQL kept under DATA_DIR across restarts. */
export async function resolveDatabase(
  config: AppConfig,
  log: (line: string) => void,
): Promise<{ url: string; embedded: EmbeddedPostgresHandle | null }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: null };
  log(`DATABASE_URL is not set: starting an embedded PostgreSQL in ${config.DATA_DIR}`);
  const embedded = await startEmbeddedPostgres(config.DATA_DIR, {
    port: process.env.EMBEDDED_PG_PORT ? Number(process.env.EMBEDDED_PG_PORT) : undefined,
  });
  return { url: embedded.url, embedded };
}
