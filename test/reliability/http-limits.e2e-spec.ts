import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { request } from 'node:http';
import { connect, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { adminHeaders, createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { samplePayload, standardHeaders } from '../support/sign';

/**
 * What the HTTP server does before any route runs: timeouts for clients that send nothing or dribble, a
 * connection cap, 413 answers a client gets to read, and the server's own refusals in the common error shape.
 * Short timeouts keep the test quick; the defaults are in the configuration schema. (The request timeout leaves
 * room for ten 2 MiB uploads at once on a busy machine.)
 */
const LIMITS = {
  HTTP_HEADERS_TIMEOUT_MS: '2000',
  HTTP_REQUEST_TIMEOUT_MS: '5000',
  HTTP_IDLE_TIMEOUT_MS: '0',
  HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
  HTTP_MAX_CONNECTIONS: '16',
};

const portOf = (app: NestFastifyApplication) => (app.getHttpServer().address() as AddressInfo).port;

/** Opens a raw socket, writes `chunks` (a function may keep writing), and collects what comes back until close. */
function rawExchange(port: number, start: (socket: Socket) => void): Promise<{ text: string; closed: true }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), closed: true }));
    socket.on('connect', () => start(socket));
  });
}

const bodyOf = (response: string) => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));

/** POSTs `size` bytes to the webhook route and resolves with the status it read, or rejects on a reset. */
function upload(port: number, size: number, chunked: boolean): Promise<{ status: number; body: any }> {
  const bytes = Buffer.alloc(size, 0x20);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json', ...standardHeaders('x') };
    if (!chunked) headers['content-length'] = bytes.length;
    const req = request({ host: '127.0.0.1', port, path: '/webhooks/meetings', method: 'POST', headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

describe('HTTP limits', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, LIMITS);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('closes a socket that sends nothing', async () => {
    const { text } = await rawExchange(portOf(app), () => undefined);
    // Node may close it silently or say 408 first; either way the socket is gone.
    if (text) expect(bodyOf(text)).toEqual(expect.objectContaining({ code: 'REQUEST_TIMEOUT' }));
  });

  it('cuts off a body dribbled a byte at a time, with a 408 in the common shape', async () => {
    let timer: NodeJS.Timeout | undefined;
    const { text } = await rawExchange(portOf(app), (socket) => {
      socket.write(
        'POST /webhooks/meetings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
      );
      timer = setInterval(() => socket.writable && socket.write(' '), 200);
    });
    clearInterval(timer);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(text)).toEqual({ code: 'REQUEST_TIMEOUT', message: expect.any(String) });
  });

  it('closes a connection left idle after its request (keep-alive timeout)', async () => {
    const { text } = await rawExchange(portOf(app), (socket) => socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('still takes an ordinary signed webhook', async () => {
    const body = JSON.stringify(samplePayload((p) => (p.id = 'evt_limits_ok')));
    const res = await http(app).post('/webhooks/meetings').set(standardHeaders(body)).send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'accepted' });
  });

  it('refuses connections beyond HTTP_MAX_CONNECTIONS and serves again once they close', async () => {
    const port = portOf(app);
    const held: Socket[] = [];
    // Each held socket has had an answer, so the server has surely counted it.
    for (let i = 0; i < Number(LIMITS.HTTP_MAX_CONNECTIONS); i++) {
      const socket = connect(port, '127.0.0.1');
      held.push(socket);
      await new Promise<void>((resolve) => {
        socket.once('data', () => resolve());
        socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
      });
    }
    const extra = await rawExchange(port, (socket) => socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(extra.text).toBe('');
    await Promise.all(held.map((s) => new Promise((resolve) => s.once('close', resolve).end())));
    // The server counts a socket out once its own side has closed too: ask until it has.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = await http(app).get('/health').then((r) => r.status, () => 0);
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(200);
  });

  it.each([
    ['with a content-length', false],
    ['chunked', true],
  ])('answers ten 2 MiB uploads at once (%s) with a 413 each client reads', async (_how, chunked) => {
    const answers = await Promise.allSettled(Array.from({ length: 10 }, () => upload(portOf(app), 2 * 1024 * 1024, chunked)));
    const read = answers.map((a) => (a.status === 'fulfilled' ? a.value.status : `reset: ${(a.reason as Error).message}`));
    expect(read).toEqual(Array(10).fill(413));
    for (const a of answers) if (a.status === 'fulfilled') expect(a.value.body).toEqual(expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }));
  });

  it('answers headers that are too large with a 431 in the common shape', async () => {
    const { text } = await rawExchange(portOf(app), (socket) =>
      socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    );
    expect(text).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(text)).toEqual({ code: 'HEADERS_TOO_LARGE', message: expect.any(String) });
  });

  it('answers a request that is not HTTP with a 400 in the common shape', async () => {
    const { text } = await rawExchange(portOf(app), (socket) => socket.write('HELLO THERE\r\n\r\n'));
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(text)).toEqual({ code: 'INVALID_REQUEST', message: expect.any(String) });
  });

  const MARKER = 'zzPATHECHOzz';
  it.each([
    ['a path segment that is too long', `/admin/events/${MARKER}${'x'.repeat(600)}`, 414],
    ['a path that does not decode', `/admin/events/${MARKER}%ED%A0%80`, 400],
    ['a path with a broken escape', `/admin/events/${MARKER}%E0%A4%A`, 400],
    ['an unknown route', `/admin/${MARKER}`, 404],
  ])('answers %s in the common shape without echoing the path', async (_what, path, status) => {
    const res = await http(app).get(path).set(adminHeaders());
    expect(res.status).toBe(status);
    expect(res.body).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
    expect(res.text).not.toContain(MARKER);
  });

  it('reads an event id of 255 characters (the longest intake stores) as an id, not as a URL too long', async () => {
    const res = await http(app).get(`/admin/events/${'e'.repeat(255)}`).set(adminHeaders());
    expect(res.status).toBe(404);
  });

  it('answers malformed JSON on an admin route with a 400 in the common shape', async () => {
    const res = await http(app).post('/admin/connections').set(adminHeaders()).set('content-type', 'application/json').send('{"name":');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(expect.objectContaining({ code: 'INVALID_REQUEST', message: expect.any(String) }));
  });
});
