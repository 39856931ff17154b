import { AtsError } from '../../src/ats/ats-error';
import { AtsHttpClient } from '../../src/ats/http/ats-http.client';
import { FakeHttpServer } from '../fakes/fake-http-server';

describe('AtsHttpClient: which failed writes are uncertain', () => {
  let status = 200;
  const fake = new FakeHttpServer(() => ({ status, body: { message: `answered ${status}` } }));
  const client = new AtsHttpClient({
    provider: 'test',
    connectionId: 'c1',
    rateLimit: { limit: 1000, intervalMs: 1000 },
    max429Retries: 0,
    timeoutMs: 2000,
  });

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  async function failure(method: string, answer: number, write?: boolean): Promise<AtsError> {
    status = answer;
    try {
      await client.request({ method, url: `${fake.url}/notes` }, write === undefined ? {} : { write });
    } catch (err) {
      expect(err).toBeInstanceOf(AtsError);
      return err as AtsError;
    }
    throw new Error('expected the request to fail');
  }

  it.each([500, 502, 503, 504, 408, 425])('a write answered %i may have been stored', async (answer) => {
    for (const method of ['post', 'put', 'patch', 'delete']) {
      expect(await failure(method, answer)).toMatchObject({ status: answer, uncertain: true });
    }
  });

  it.each([400, 401, 403, 404, 409, 422, 429])('a write answered %i was refused', async (answer) => {
    expect(await failure('post', answer)).toMatchObject({ status: answer, uncertain: false });
  });

  it('a read is never uncertain, and neither is a POST that says it only reads', async () => {
    expect(await failure('get', 502)).toMatchObject({ code: 'TEMPORARY', uncertain: false });
    expect(await failure('post', 502, false)).toMatchObject({ code: 'TEMPORARY', uncertain: false });
  });

  it('keeps the code and Retry-After of the answer it marks', async () => {
    status = 503;
    fake.inject({ fault: { kind: 'respond', response: { status: 503, headers: { 'Retry-After': '7' }, body: 'busy' } } });
    expect(await failure('post', 503)).toMatchObject({ code: 'TEMPORARY', retryAfterSeconds: 7, uncertain: true });
  });
});
