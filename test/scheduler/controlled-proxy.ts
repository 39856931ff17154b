import { FakeHttpServer, FakeResponse, RecordedRequest } from '../fakes/fake-http-server';

const FORWARDED_RESPONSE_HEADERS = ['content-type', 'link', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'retry-after'];

/**
 * An HTTP hop in front of a fake ATS that the test steers: it can fail the n-th matching request (a crash
 * in the middle of a listing) or hold matching requests until released (a run caught in the middle).
 */
export class ControlledProxy {
  readonly server = new FakeHttpServer((req) => this.forward(req));
  private failAt: { path: RegExp; nth: number; seen: number } | null = null;
  private held: { path: RegExp; release: Promise<void>; waiting: number } | null = null;

  constructor(private readonly target: () => string) {}

  get url(): string {
    return this.server.url;
  }

  start(): Promise<void> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The `nth` request (1-based) to a matching path gets a 500 instead of reaching the ATS. */
  failNth(path: RegExp, nth: number): void {
    this.failAt = { path, nth, seen: 0 };
  }

  /** Matching requests wait until the returned function is called. */
  hold(path: RegExp): () => void {
    let release!: () => void;
    this.held = { path, release: new Promise<void>((resolve) => (release = resolve)), waiting: 0 };
    return () => {
      this.held = null;
      release();
    };
  }

  get waiting(): number {
    return this.held?.waiting ?? 0;
  }

  /** Requests that reached the ATS (or were failed here) on a path. */
  requestsTo(path: RegExp): RecordedRequest[] {
    return this.server.requests.filter((r) => path.test(r.path));
  }

  private async forward(req: RecordedRequest): Promise<FakeResponse> {
    if (this.failAt && this.failAt.path.test(req.path) && ++this.failAt.seen === this.failAt.nth) {
      this.failAt = null;
      return { status: 500, body: { message: 'Internal server error' } };
    }
    const held = this.held;
    if (held && held.path.test(req.path)) {
      held.waiting++;
      await held.release;
    }
    const query = req.query.toString();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)) headers[name] = value;
    }
    const res = await fetch(`${this.target()}${req.path}${query ? `?${query}` : ''}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req.rawBody,
    });
    const out: Record<string, string> = {};
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = res.headers.get(name);
      if (value !== null) out[name] = value;
    }
    return { status: res.status, headers: out, body: await res.text() };
  }
}
