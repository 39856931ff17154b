import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { parseConfig } from '../../src/config/app-config.schema';
import { TEST_SECRET } from './sign';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';
/** A read-only token, for tests that start the app with it in `ADMIN_READONLY_TOKENS`. */
export const TEST_READONLY_TOKEN = 'test-readonly-token-0123456789';
export const TEST_ENCRYPTION_KEY = '0f'.repeat(32);

/** The app as production runs it, on the given test database, with test secrets and quiet logs. */
export async function createTestApp(
  databaseUrl: string,
  env: Record<string, string | undefined> = {},
): Promise<NestFastifyApplication> {
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    WEBHOOK_SECRETS: TEST_SECRET,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    WORKER_ENABLED: 'false',
    SCHEDULER_ENABLED: 'false',
    DATABASE_URL: databaseUrl,
    // Where the fake ATS servers listen; a test that judges the URL policy passes its own list.
    ATS_ALLOWED_HOSTS: process.env.ATS_ALLOWED_HOSTS,
    ...env,
  });
  const app = await createApp({ config, databaseUrl, logger: false });
  // Tests talk to a real listening socket (supertest), as a provider would.
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

export const adminHeaders = (token = TEST_ADMIN_TOKEN) => ({ authorization: `Bearer ${token}` });

/** A supertest agent bound to the app's listening server. */
export const http = (app: NestFastifyApplication) => request(app.getHttpServer());
