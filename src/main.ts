import 'reflect-metadata';
import { createApp } from './app.factory';
import { InvalidConfigError, parseConfig } from './config/app-config.schema';
import { resolveDatabase } from './database/database-url';

const stderr = (line: string) => process.stderr.write(`${line}\n`);

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof InvalidConfigError) {
      stderr(err.message);
      process.exit(1);
    }
    throw err;
  }
  if (config.WEBHOOK_SECRETS.length === 0) {
    stderr('WARNING: WEBHOOK_SECRETS is not set — webhook signatures are NOT verified. Never run like this in production.');
  }
  if (config.ADMIN_TOKEN.length === 0) stderr('WARNING: ADMIN_TOKEN is not set — the admin API is disabled.');

  const { url, embedded } = await resolveDatabase(config, stderr);
  const app = await createApp({ config, databaseUrl: url });
  await app.listen({ port: config.PORT, host: config.HOST });
  stderr(`Debrief listening on http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT} (OpenAPI at /docs)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    stderr(`${signal}: stopping`);
    await app.close();
    if (embedded) await embedded.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void bootstrap().catch((err) => {
  stderr(`Debrief failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exit(1);
});
