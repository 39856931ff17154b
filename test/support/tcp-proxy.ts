import { AddressInfo, createServer, Server, Socket } from 'node:net';

export type TcpProxyMode = 'forward' | 'refuse' | 'blackhole';

/**
 * A TCP proxy in front of a real server (the test Postgres), for outage tests. Point the app at `url` and
 * switch modes while it runs:
 * - `forward`: pass bytes both ways (normal);
 * - `refuse`: drop every open connection and reset each new one at once, as a database that went away;
 * - `blackhole`: drop open connections, then accept new ones but never answer, as a network partition
 *   (clients only notice through their own timeouts).
 * The listening port stays the same across modes, so the app's URL keeps working after `forward()`.
 */
export class TcpProxy {
  private mode: TcpProxyMode = 'forward';
  private readonly sockets = new Set<Socket>();
  private server?: Server;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Starts a proxy on 127.0.0.1 (a free port) forwarding to `target` (host:port or a postgres:// URL). */
  static async start(target: string): Promise<TcpProxy> {
    const { host, port } = parseTarget(target);
    const proxy = new TcpProxy(host, port);
    await proxy.listen();
    return proxy;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  /** `url` with its host and port replaced by the proxy's (user, password, database and query kept). */
  urlFor(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  get currentMode(): TcpProxyMode {
    return this.mode;
  }

  /** Back to normal. Connections held by a blackhole are reset, so their clients reconnect at once. */
  forward(): void {
    if (this.mode === 'blackhole') this.dropAll();
    this.mode = 'forward';
  }

  refuse(): void {
    this.mode = 'refuse';
    this.dropAll();
  }

  blackhole(): void {
    this.mode = 'blackhole';
    this.dropAll();
  }

  /** Resets every open connection, whatever the mode. */
  dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.dropAll();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  private accept(client: Socket): void {
    client.on('error', () => undefined);
    if (this.mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    this.track(client);
    if (this.mode === 'blackhole') {
      client.resume();
      return;
    }
    const upstream = new Socket();
    this.track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.connect(this.targetPort, this.targetHost, () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}

function parseTarget(target: string): { host: string; port: number } {
  if (/^[a-z]+:\/\//i.test(target)) {
    const u = new URL(target);
    const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    return { host, port: Number(u.port || 5432) };
  }
  const [host, port] = target.split(':');
  return { host: host || '127.0.0.1', port: Number(port) };
}
