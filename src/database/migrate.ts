import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { parseConfig } from '../config/app-config.schema';
import { dataSourceOptions } from './data-source-options';
import { resolveDatabase } from './database-url';

/** `npm run migration:run`: applies pending migrations to DATABASE_URL (or the embedded database) and exits. */
async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const { url, embedded } = await resolveDatabase(config, (l) => process.stderr.write(`${l}\n`));
  const ds = new DataSource(dataSourceOptions(url, 1));
  await ds.initialize();
  const applied = await ds.runMigrations();
  process.stdout.write(`applied ${applied.length} migration(s)${applied.map((m) => `\n  ${m.name}`).join('')}\n`);
  await ds.destroy();
  if (embedded) await embedded.stop();
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
