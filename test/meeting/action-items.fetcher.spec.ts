import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ActionItemsFetcher } from '../../src/meeting/action-items.fetcher';
import type { HostResolver } from '../../src/meeting/asset-url.guard';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A local asset host; each test registers what its paths answer and can see what was asked. */
class AssetServer {
  readonly requests: { path: string; host: string | undefined }[] = [];
  private readonly routes = new Map<string, Handler>();
  private readonly server = http.createServer((req, res) => {
    this.requests.push({ path: req.url ?? '', host: req.headers.host });
    const handler = this.routes.get(req.url ?? '');
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  port = 0;

  on(path: string, handler: Handler): string {
    this.routes.set(path, handler);
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function json(body: unknown): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}

describe('ActionItemsFetcher', () => {
  const server = new AssetServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests.length = 0;
  });

  const listed = (): ActionItemsFetcher => new ActionItemsFetcher({ allowedHosts: ['127.0.0.1'] });

  it('fetches and parses a good list from an explicitly listed address', async () => {
    const url = server.on('/good.json', json({ actionItems: [{ text: 'Send the offer', assignee: 'Alex' }, 'Book the onsite'] }));
    await expect(listed().fetch(url)).resolves.toEqual({
      status: 'ok',
      items: [
        { text: 'Send the offer', assignee: 'Alex', dueDate: null },
        { text: 'Book the onsite', assignee: null, dueDate: null },
      ],
    });
  });

  it('answers none without a URL', async () => {
    await expect(listed().fetch(null)).resolves.toEqual({ status: 'none' });
    await expect(listed().fetch('  ')).resolves.toEqual({ status: 'none' });
  });

  it('refuses a host that is not allowed, without connecting', async () => {
    const url = server.on('/good.json', json(['x']));
    const fetcher = new ActionItemsFetcher({ allowedHosts: ['api.provider.com'] });
    await expect(fetcher.fetch(url)).resolves.toEqual({
      status: 'unavailable',
      reason: `host 127.0.0.1:${server.port} is not in the allowed asset hosts`,
    });
    expect(server.requests).toEqual([]);
  });

  it('refuses a port other than the one listed', async () => {
    const url = server.on('/good.json', json(['x']));
    const fetcher = new ActionItemsFetcher({ allowedHosts: [`127.0.0.1:${server.port === 65535 ? 1 : server.port + 1}`] });
    await expect(fetcher.fetch(url)).resolves.toMatchObject({ status: 'unavailable', reason: /not in the allowed/ });
    const exact = new ActionItemsFetcher({ allowedHosts: [`127.0.0.1:${server.port}`] });
    await expect(exact.fetch(url)).resolves.toMatchObject({ status: 'ok' });
  });

  it('refuses an allowed hostname that resolves to a loopback address not listed itself', async () => {
    server.on('/good.json', json(['x']));
    // "localhost" is on the list, but the address it resolves to is not: the rule is about where we connect.
    const fetcher = new ActionItemsFetcher({ allowedHosts: ['localhost'] });
    const result = await fetcher.fetch(`http://localhost:${server.port}/good.json`);
    expect(result).toEqual({
      status: 'unavailable',
      reason: expect.stringMatching(/^host localhost resolves to (127\.0\.0\.1|::1) \(loopback\)/),
    });
    expect(server.requests).toEqual([]);
  });

  it('refuses the same hostname when a resolver points it at a private network address', async () => {
    const resolve: HostResolver = async () => [{ address: '10.0.0.8', family: 4 }];
    const fetcher = new ActionItemsFetcher({ allowedHosts: ['assets.debrief.test'], resolve });
    await expect(fetcher.fetch('http://assets.debrief.test/a.json')).resolves.toEqual({
      status: 'unavailable',
      reason: expect.stringMatching(/resolves to 10\.0\.0\.8 \(private\)/),
    });
  });

  it('connects to the checked address, not to a second DNS answer', async () => {
    server.on('/pinned.json', json(['pinned']));
    let lookups = 0;
    // ".test" never resolves in real DNS, so reaching the server proves the checked address was used.
    const resolve: HostResolver = async () => {
      lookups += 1;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const fetcher = new ActionItemsFetcher({ allowedHosts: ['assets.debrief.test', '127.0.0.1'], resolve });
    await expect(fetcher.fetch(`http://assets.debrief.test:${server.port}/pinned.json`)).resolves.toMatchObject({
      status: 'ok',
      items: [{ text: 'pinned' }],
    });
    expect(lookups).toBe(1);
    expect(server.requests).toEqual([{ path: '/pinned.json', host: `assets.debrief.test:${server.port}` }]);
  });

  it('ignores proxy settings from the environment', async () => {
    const url = server.on('/good.json', json(['direct']));
    const saved = { http: process.env.HTTP_PROXY, lower: process.env.http_proxy };
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    process.env.http_proxy = 'http://127.0.0.1:9';
    try {
      await expect(listed().fetch(url)).resolves.toMatchObject({ status: 'ok', items: [{ text: 'direct' }] });
    } finally {
      restore('HTTP_PROXY', saved.http);
      restore('http_proxy', saved.lower);
    }
  });

  it('cuts off a body larger than the cap while it streams', async () => {
    let sent = 0;
    let closed = false;
    const url = server.on('/endless.json', (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('[');
      const chunk = `"${'x'.repeat(16 * 1024)}",`;
      const timer = setInterval(() => {
        if (res.destroyed || res.writableEnded) return;
        res.write(chunk);
        sent += chunk.length;
      }, 1);
      res.on('close', () => {
        closed = true;
        clearInterval(timer);
      });
      req.on('close', () => clearInterval(timer));
    });
    const fetcher = new ActionItemsFetcher({ allowedHosts: ['127.0.0.1'], maxBytes: 64 * 1024, timeoutMs: 10_000 });
    await expect(fetcher.fetch(url)).resolves.toEqual({
      status: 'unavailable',
      reason: 'the action items document is larger than 65536 bytes',
    });
    // The endless body never ends, so finishing at all means the download was stopped early.
    await waitFor(() => closed);
    expect(sent).toBeLessThan(4 * 1024 * 1024);
  });

  it('refuses a declared length above the cap before reading', async () => {
    const url = server.on('/declared.json', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(2 * 1024 * 1024) });
      res.write('[');
    });
    await expect(listed().fetch(url)).resolves.toEqual({
      status: 'unavailable',
      reason: 'the action items document is larger than 1048576 bytes',
    });
  });

  it('counts decompressed bytes, so a small gzip body cannot expand past the cap', async () => {
    const bomb = gzipSync(Buffer.from(JSON.stringify(['x'.repeat(4 * 1024 * 1024)])));
    const url = server.on('/bomb.json', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': bomb.length });
      res.end(bomb);
    });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await expect(listed().fetch(url)).resolves.toMatchObject({ status: 'unavailable', reason: /larger than 1048576/ });
  });

  it('gives up after the timeout when the server does not answer', async () => {
    const url = server.on('/silent.json', () => undefined);
    const fetcher = new ActionItemsFetcher({ allowedHosts: ['127.0.0.1'], timeoutMs: 200 });
    const started = Date.now();
    await expect(fetcher.fetch(url)).resolves.toEqual({ status: 'unavailable', reason: 'timed out after 200 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('gives up after the timeout when the body trickles in', async () => {
    const url = server.on('/trickle.json', (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('[');
      const timer = setInterval(() => res.write(' '), 20);
      req.on('close', () => clearInterval(timer));
      res.on('close', () => clearInterval(timer));
    });
    const fetcher = new ActionItemsFetcher({ allowedHosts: ['127.0.0.1'], timeoutMs: 300 });
    await expect(fetcher.fetch(url)).resolves.toEqual({ status: 'unavailable', reason: 'timed out after 300 ms' });
  });

  it('gives up after the timeout when DNS hangs', async () => {
    const resolve: HostResolver = () => new Promise(() => undefined);
    const fetcher = new ActionItemsFetcher({ allowedHosts: ['slow.debrief.test'], resolve, timeoutMs: 100 });
    await expect(fetcher.fetch('http://slow.debrief.test/a.json')).resolves.toEqual({
      status: 'unavailable',
      reason: 'timed out after 100 ms',
    });
  });

  it('reports a body that is not JSON', async () => {
    const url = server.on('/page.html', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>Sign in</html>');
    });
    await expect(listed().fetch(url)).resolves.toEqual({
      status: 'unavailable',
      reason: 'the action items document is not valid JSON',
    });
  });

  it('reports JSON of the wrong shape', async () => {
    const url = server.on('/shape.json', json({ todos: [] }));
    await expect(listed().fetch(url)).resolves.toMatchObject({ status: 'unavailable', reason: /not a list/ });
  });

  it('refuses to follow a redirect, even to an allowed host', async () => {
    server.on('/target.json', json(['moved']));
    const url = server.on('/moved.json', (_req, res) => {
      res.writeHead(302, { Location: `http://169.254.169.254/latest/meta-data/` }).end();
    });
    await expect(listed().fetch(url)).resolves.toEqual({
      status: 'unavailable',
      reason: 'redirect refused (HTTP 302 to 169.254.169.254)',
    });
    const local = server.on('/local-redirect.json', (_req, res) => {
      res.writeHead(301, { Location: '/target.json' }).end();
    });
    await expect(listed().fetch(local)).resolves.toEqual({
      status: 'unavailable',
      reason: `redirect refused (HTTP 301 to 127.0.0.1:${server.port})`,
    });
    expect(server.requests.map((r) => r.path)).not.toContain('/target.json');
  });

  it('reports an HTTP error status', async () => {
    const url = server.on('/gone.json', (_req, res) => res.writeHead(410).end());
    await expect(listed().fetch(url)).resolves.toEqual({
      status: 'unavailable',
      reason: 'the asset host answered HTTP 410',
    });
  });

  it('reports a refused connection', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(listed().fetch(`http://127.0.0.1:${port}/a.json`)).resolves.toEqual({
      status: 'unavailable',
      reason: 'the request failed (ECONNREFUSED)',
    });
  });

  it.each([
    ['ftp://127.0.0.1/a.json', /only http and https/],
    ['file:///etc/passwd', /only http and https/],
    ['not a url', /not a valid absolute URL/],
  ])('refuses %s', async (url, reason) => {
    await expect(listed().fetch(url)).resolves.toMatchObject({ status: 'unavailable', reason });
  });

  it('never puts the path or query of the URL into a reason', async () => {
    const fetcher = new ActionItemsFetcher({ allowedHosts: [] });
    const result = await fetcher.fetch('https://api.provider.com/v1/actions/abc.json?token=s3cret');
    expect(JSON.stringify(result)).not.toMatch(/s3cret|abc\.json/);
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
