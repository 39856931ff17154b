import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v3/candidates`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON or form body; the raw string when it is neither; undefined when empty. */
  body: unknown;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are; undefined sends an empty body. */
  body?: unknown;
}

export type FakeHandler = (req: RecordedRequest) => FakeResponse | Promise<FakeResponse>;

/**
 * A fault the fake plays instead of (or after) its normal answer:
 * - `respond`: answers with the given status/headers/body instead of handling the request;
 * - `hang`: never answers, so the client times out;
 * - `drop`: destroys the connection without an answer.
 * With `afterHandling`, the request is handled first (its side effects happen, e.g. a note is stored)
 * and only the answer is lost — the case where a client cannot know whether its write succeeded.
 */
export type Fault =
  | { kind: 'respond'; response: FakeResponse }
  | { kind: 'hang' }
  | { kind: 'drop' };

export interface FaultRule {
  method?: string;
  /** Exact path or a pattern tested against the path. */
  path?: string | RegExp;
  fault: Fault;
  afterHandling?: boolean;
  /** How many matching requests the fault applies to (default 1). */
  times?: number;
  /** How many matching requests pass untouched before the fault applies (default 0). */
  after?: number;
}

/** A throwaway HTTP server on 127.0.0.1 with a random port, a request log and fault injection. */
export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: Array<FaultRule & { remaining: number; passes: number }> = [];
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private port = 0;

  constructor(private readonly handler: FakeHandler) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  inject(rule: FaultRule): void {
    this.faults.push({ ...rule, remaining: rule.times ?? 1, passes: rule.after ?? 0 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Requests matching a method and path, in arrival order. */
  received(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && matchPath(path, r.path));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake.local');
    const recorded: RecordedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      body: parseBody(rawBody, req.headers['content-type']),
    };
    this.requests.push(recorded);

    const fault = this.takeFault(recorded);
    if (fault && !fault.afterHandling) return this.play(fault.fault, res);

    let response: FakeResponse;
    try {
      response = await this.handler(recorded);
    } catch (err) {
      response = { status: 500, body: { message: `fake server error: ${(err as Error).message}` } };
    }
    if (fault) return this.play(fault.fault, res);
    send(res, response);
  }

  private takeFault(req: RecordedRequest): FaultRule | null {
    for (let index = 0; index < this.faults.length; index++) {
      const rule = this.faults[index];
      if ((rule.method && rule.method.toUpperCase() !== req.method) || (rule.path && !matchPath(rule.path, req.path))) continue;
      // A rule still letting requests through counts this one and leaves it to later rules.
      if (rule.passes > 0) {
        rule.passes -= 1;
        continue;
      }
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.faults.splice(index, 1);
      return rule;
    }
    return null;
  }

  private play(fault: Fault, res: ServerResponse): void {
    if (fault.kind === 'respond') return send(res, fault.response);
    if (fault.kind === 'drop') {
      res.socket?.destroy();
      return;
    }
    // `hang`: leave the response open; stop() destroys the socket.
  }
}

function matchPath(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function send(res: ServerResponse, response: FakeResponse): void {
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  let payload = '';
  if (response.body !== undefined) {
    if (typeof response.body === 'string') {
      payload = response.body;
    } else {
      payload = JSON.stringify(response.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['Content-Type'] = 'application/json; charset=utf-8';
      }
    }
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}
