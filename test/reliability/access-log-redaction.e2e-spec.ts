import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
import { parseConfig } from '../../src/config/app-config.schema';
import { adminHeaders, http, TEST_ADMIN_TOKEN, TEST_ENCRYPTION_KEY } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { samplePayload, standardHeaders, TEST_SECRET } from '../support/sign';

describe('access log', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  const lines: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = parseConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      WEBHOOK_SECRETS: TEST_SECRET,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      WORKER_ENABLED: 'false',
      SCHEDULER_ENABLED: 'false',
      DATABASE_URL: db.url,
    });
    app = await createApp({ config, databaseUrl: db.url, logDestination: { write: (line: string) => void lines.push(line) } });
    await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('redacts the values of query parameters whose names look secret, on admin and webhook routes', async () => {
    const secrets = ['tok-11111', 'acc-22222', 'key-33333', 'sig-44444', 'sec-55555', 'pw-66666'];
    await http(app)
      .get(`/admin/syncs?limit=1&token=${secrets[0]}&access_token=${secrets[1]}&key=${secrets[2]}`)
      .set(adminHeaders());
    const body = JSON.stringify(samplePayload((p) => (p.id = 'evt_logged')));
    await http(app)
      .post(`/webhooks/meetings?signature=${secrets[3]}&secret=${secrets[4]}&password=${secrets[5]}`)
      .set(standardHeaders(body))
      .send(body);
    // A line is written once the answer has gone out, which may be just after the client read it.
    const loggedUrls = () => lines.map((l) => JSON.parse(l)).filter((l) => l.req?.url).map((l) => l.req.url as string);
    for (let i = 0; i < 50 && loggedUrls().length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const urls = loggedUrls();
    expect(urls).toEqual(
      expect.arrayContaining([
        '/admin/syncs?limit=1&token=[redacted]&access_token=[redacted]&key=[redacted]',
        '/webhooks/meetings?signature=[redacted]&secret=[redacted]&password=[redacted]',
      ]),
    );
    for (const secret of secrets) expect(lines.join('\n')).not.toContain(secret);
  });
});
