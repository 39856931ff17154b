import { Agent, request } from 'node:http';
import { signedHeaders } from './bench-webhooks';
import { sleep } from './service-process';

export interface OutboundEvent {
  id: string;
  body: string;
}

export interface DeliveryRecord {
  /** Every answer (HTTP status, or the network error code) in order. */
  answers: string[];
  /** Set once a 200 came back, with the status field of the answer. */
  accepted: 'accepted' | 'duplicate' | 'ignored' | null;
  acceptedAt: number | null;
}

export interface SendOptions {
  /** Parallel requests in flight. */
  concurrency: number;
  /** Resend what did not get a 200, as a provider does, until `deadline`. */
  resend?: boolean;
  /** Wait before a resend. */
  resendDelayMs?: number;
  /** Requests per second over all workers (unpaced when unset). */
  ratePerSecond?: number;
  /** Epoch ms after which nothing more is sent. */
  deadline: number;
  requestTimeoutMs?: number;
}

/**
 * Sends signed webhooks to one or more Debrief instances (round robin), recording every answer per event.
 * It behaves as a provider: the message id is the event id on every delivery, the signature is made fresh
 * for each one, and (with `resend`) anything not answered 200 is sent again later.
 */
export class WebhookSender {
  readonly deliveries = new Map<string, DeliveryRecord>();
  private readonly agent: Agent;
  private next = 0;
  sent = 0;

  constructor(
    private readonly targets: () => string[],
    private readonly secret: string,
    maxSockets = 64,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  close(): void {
    this.agent.destroy();
  }

  /** Counts of answers of each kind over all deliveries. */
  answerCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const d of this.deliveries.values()) for (const a of d.answers) counts[a] = (counts[a] ?? 0) + 1;
    return counts;
  }

  async send(events: OutboundEvent[], options: SendOptions): Promise<void> {
    const queue: Array<{ event: OutboundEvent; notBefore: number }> = events.map((event) => ({ event, notBefore: 0 }));
    for (const e of events) if (!this.deliveries.has(e.id)) this.deliveries.set(e.id, { answers: [], accepted: null, acceptedAt: null });
    let inFlight = 0;
    const started = Date.now();
    let issued = 0;
    const worker = async () => {
      while (Date.now() < options.deadline) {
        const index = queue.findIndex((q) => q.notBefore <= Date.now());
        if (index < 0) {
          if (queue.length === 0 && inFlight === 0) return;
          await sleep(20);
          continue;
        }
        const [{ event }] = queue.splice(index, 1);
        if (options.ratePerSecond) {
          const due = started + (issued++ * 1000) / options.ratePerSecond;
          if (due > Date.now()) await sleep(due - Date.now());
        }
        inFlight++;
        const answer = await this.deliver(event, options.requestTimeoutMs ?? 10_000);
        inFlight--;
        const record = this.deliveries.get(event.id)!;
        record.answers.push(answer.label);
        if (answer.status === 200) {
          record.accepted ??= answer.outcome;
          record.acceptedAt ??= Date.now();
        } else if (options.resend) {
          queue.push({ event, notBefore: Date.now() + (options.resendDelayMs ?? 500) });
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  }

  private deliver(event: OutboundEvent, timeoutMs: number): Promise<{ status: number; label: string; outcome: 'accepted' | 'duplicate' | 'ignored' | null }> {
    const urls = this.targets();
    const base = urls[this.next++ % urls.length];
    const headers = signedHeaders(this.secret, event.id, event.body);
    this.sent++;
    return new Promise((resolve) => {
      const req = request(
        `${base}/webhooks/meetings`,
        { method: 'POST', agent: this.agent, headers: { ...headers, 'content-length': Buffer.byteLength(event.body) }, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let outcome: 'accepted' | 'duplicate' | 'ignored' | null = null;
            if (res.statusCode === 200) {
              try {
                outcome = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status: typeof outcome }).status;
              } catch {
                outcome = null;
              }
            }
            resolve({ status: res.statusCode ?? 0, label: String(res.statusCode), outcome });
          });
          res.on('error', (err: NodeJS.ErrnoException) => resolve({ status: 0, label: err.code ?? 'response error', outcome: null }));
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (err: NodeJS.ErrnoException) => resolve({ status: 0, label: err.code ?? err.message, outcome: null }));
      req.end(event.body);
    });
  }
}
