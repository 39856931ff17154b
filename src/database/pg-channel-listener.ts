import { Client } from 'pg';

/**
 * A dedicated Postgres connection that LISTENs on one channel and hands each notification's payload on. A
 * dropped or refused connection is re-established two seconds later, until `stop()`.
 */
export class PgChannelListener {
  private client: Client | null = null;
  private running = false;

  constructor(
    private readonly options: { url: string | undefined; channel: string; applicationName?: string },
    private readonly onNotification: (payload: string | undefined) => void,
  ) {}

  /** Resolves once the first attempt to listen has ended, whether or not it connected. */
  start(): Promise<void> {
    this.running = true;
    return this.listen();
  }

  async stop(): Promise<void> {
    this.running = false;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    if (!this.running) return;
    const client = new Client({ connectionString: this.options.url, application_name: this.options.applicationName });
    client.on('error', () => undefined);
    client.on('notification', (message) => this.onNotification(message.payload));
    client.on('end', () => {
      if (this.client === client) {
        this.client = null;
        this.retryLater();
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
      this.client = client;
      if (!this.running) await client.end();
    } catch {
      await client.end().catch(() => undefined);
      this.retryLater();
    }
  }

  private retryLater(): void {
    if (this.running) setTimeout(() => void this.listen(), 2000).unref();
  }
}
