/**
 * npm run bench:combined — intake and delivery together, in one instance with its default configuration.
 *
 * For each rate in BENCH_RATES (100, 200 and 300 events/s): a fresh database, a Greenhouse stand-in answering
 * every call in BENCH_LATENCY_MS (20 ms) (or, with BENCH_ATS=sandbox, the sandbox ATS, whose notes are rows in
 * Debrief's own database), a directory of BENCH_CANDIDATES (2,000) candidates, and one service
 * process with nothing configured but what it needs to run (no WORKER_CONCURRENCY, no DB_POOL_SIZE). Signed
 * webhooks go in at the rate for BENCH_WARMUP_SECONDS (10, not counted), then for BENCH_SECONDS (30, measured).
 *
 * Per rate: latency from each webhook's 200 to its note stored at the fake (p50, p95, p99, max); the sustained
 * rate (measured events ÷ time from the first send to the last note); the backlog (syncs not yet finished) when
 * sending stopped; CPU per event of the service, of its Postgres backends and of this process (the load
 * generator and the fake ATS, on the same cores); and Postgres commits per event.
 *
 * Checks: every event gets exactly one note. Figures go to the console and bench/results/.
 * Env: BENCH_RATES, BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_LATENCY_MS, BENCH_CANDIDATES, BENCH_ATS, BENCH_DATABASE_URL,
 *      BENCH_SERVICE_ENTRY (another build, to compare), BENCH_SERVICE_ENV (settings to try, e.g. "WORKER_CONCURRENCY=4").
 */
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { backendCpu, cpuBetween, createBenchDatabase, openBenchServer } from './support/bench-database';
import { BenchRun, percentile, runBench } from './support/bench-run';
import { benchEvents, createGreenhouseConnection, seedDirectory } from './support/bench-setup';
import { BENCH_ACCOUNT, BenchCandidate, benchCandidates } from './support/bench-webhooks';
import { FakeAtsServer } from './support/fake-ats.server';
import { BENCH_ADMIN_TOKEN, BENCH_SECRET, cpuTimeMs, ServiceProcess, sleep } from './support/service-process';
import { WebhookSender } from './support/webhook-sender';

const RATES = (process.env.BENCH_RATES ?? '100,200,300').split(',').map(Number).filter((n) => n > 0);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const CANDIDATES = Number(process.env.BENCH_CANDIDATES ?? 2_000);
const ATS = process.env.BENCH_ATS === 'sandbox' ? 'sandbox' : 'greenhouse';
/** Requests in flight from the generator: enough that the rate, not the generator, sets the pace. */
const SENDERS = 64;

interface Figures {
  rate: number;
  events: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  sustainedPerSecond: number;
  backlogWhenSendingStopped: number;
  cpuMsPerEvent: { service: number | null; postgres: number | null; generatorAndFake: number };
  commitsPerEvent: number | null;
  missingNotes: number;
  duplicateNotes: number;
}

const commits = async (ds: DataSource, database: string): Promise<number> =>
  Number((await ds.query(`SELECT xact_commit FROM pg_stat_database WHERE datname = $1`, [database]))[0]?.xact_commit ?? 0);

async function unfinished(ds: DataSource): Promise<number> {
  const [row] = await ds.query(`SELECT count(*)::int AS n FROM syncs WHERE status IN ('pending', 'processing')`);
  return row.n;
}

/** Notes stored per event: how many, and when the first was (epoch ms). */
type NotesByEvent = Map<string, { count: number; firstAt: number }>;

function fakeNotes(fake: FakeAtsServer): () => Promise<NotesByEvent> {
  return async () => {
    const byEvent: NotesByEvent = new Map();
    for (const [id, count] of fake.notesPerEvent()) byEvent.set(id, { count, firstAt: fake.noteStoredAt.get(id) ?? 0 });
    return byEvent;
  };
}

/** The sandbox's notes, by the event id in their reference marker (`debrief:<event id>:<sync>`). */
function sandboxNotes(ds: DataSource): () => Promise<NotesByEvent> {
  return async () => {
    const rows: Array<{ event_id: string; n: number; first_ms: string }> = await ds.query(
      `SELECT split_part(reference_marker, ':', 2) AS event_id, count(*)::int AS n,
              (extract(epoch FROM min(created_at)) * 1000)::bigint AS first_ms
       FROM sandbox_notes GROUP BY 1`,
    );
    return new Map(rows.map((r) => [r.event_id, { count: r.n, firstAt: Number(r.first_ms) }]));
  };
}

/** A sandbox connection through the admin API, its candidates in its settings (as an operator would paste them). */
async function createSandboxConnection(serviceUrl: string, candidates: BenchCandidate[]): Promise<string> {
  const res = await fetch(`${serviceUrl}/admin/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Sandbox (bench)',
      provider: 'sandbox',
      accountId: BENCH_ACCOUNT,
      settings: { candidates: candidates.map((c) => ({ id: String(c.id), firstName: c.firstName, lastName: c.lastName, phones: [c.phone], emails: [c.email] })) },
    }),
  });
  const body = (await res.json()) as { id?: string };
  if (res.status !== 201 || !body.id) throw new Error(`connection not created: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}

async function measure(run: BenchRun, server: Awaited<ReturnType<typeof openBenchServer>>, rate: number): Promise<Figures> {
  const db = await createBenchDatabase(server);
  run.onCleanup(() => db.drop());
  const candidates = benchCandidates(CANDIDATES);
  const fake = ATS === 'greenhouse' ? new FakeAtsServer({ candidates, latencyMs: LATENCY_MS }) : null;
  if (fake) {
    await fake.start();
    run.onCleanup(() => fake.stop());
  }
  // Only what the service needs to run; every capacity setting is its default.
  const service = new ServiceProcess({ databaseUrl: db.url, logFile: join(run.dir, `service-${rate}.log`), env: { WORKER_ENABLED: 'true', SCHEDULER_ENABLED: 'false' } });
  run.onCleanup(() => service.stop());
  await service.start();
  const connectionId = fake
    ? await createGreenhouseConnection(service.url, fake, { rateLimit: { limit: 1000, intervalMs: 1000 } })
    : await createSandboxConnection(service.url, candidates);
  await seedDirectory(db.dataSource, connectionId, candidates);
  const notes = fake ? fakeNotes(fake) : sandboxNotes(db.dataSource);
  const sender = new WebhookSender(() => [service.url], BENCH_SECRET, SENDERS);
  run.onCleanup(() => sender.close());

  const warm = benchEvents(`warm${rate}`, rate * WARMUP_SECONDS, candidates);
  await sender.send(warm, { concurrency: SENDERS, ratePerSecond: rate, resend: true, deadline: Date.now() + (WARMUP_SECONDS + 30) * 1000 });
  for (const until = Date.now() + 30_000; (await unfinished(db.dataSource)) > 0 && Date.now() < until; ) await sleep(100);

  const events = benchEvents(`rate${rate}`, rate * SECONDS, candidates);
  const ids = new Set(events.map((e) => e.id));
  const pgBefore = await backendCpu(db.dataSource, db.name);
  const serviceBefore = cpuTimeMs(service.pid);
  const selfBefore = process.cpuUsage();
  const commitsBefore = await commits(db.dataSource, db.name);
  const started = Date.now();
  await sender.send(events, { concurrency: SENDERS, ratePerSecond: rate, resend: true, deadline: Date.now() + (SECONDS + 60) * 1000 });
  const backlog = await unfinished(db.dataSource);
  const storedOf = async () => {
    const stored = await notes();
    return events.filter((e) => stored.has(e.id)).length;
  };
  for (const until = Date.now() + 120_000; (await storedOf()) < events.length && Date.now() < until; ) await sleep(100);
  const serviceCpu = serviceBefore === null ? null : (cpuTimeMs(service.pid) ?? serviceBefore) - serviceBefore;
  const pgCpu = cpuBetween(pgBefore, await backendCpu(db.dataSource, db.name));
  const self = process.cpuUsage(selfBefore);
  const commitCount = (await commits(db.dataSource, db.name)) - commitsBefore;
  const stored = await notes();
  const lastNote = Math.max(...events.map((e) => stored.get(e.id)?.firstAt ?? 0));

  const latencies: number[] = [];
  for (const e of events) {
    const accepted = sender.deliveries.get(e.id)?.acceptedAt;
    const note = stored.get(e.id);
    // A note can be stored before the sender has read the whole 200: counted as 0, never negative.
    if (accepted != null && note !== undefined) latencies.push(Math.max(0, note.firstAt - accepted));
  }
  latencies.sort((a, b) => a - b);
  const all = [...ids, ...warm.map((e) => e.id)];
  const missing = all.filter((id) => !stored.has(id)).length;
  const duplicated = all.filter((id) => (stored.get(id)?.count ?? 0) > 1).length;
  await service.stop();
  await fake?.stop();
  const n = events.length;
  const per = (ms: number | null) => (ms === null ? null : Number((ms / n).toFixed(3)));
  return {
    rate,
    events: n,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? 0 },
    sustainedPerSecond: Number((n / ((lastNote - started) / 1000)).toFixed(1)),
    backlogWhenSendingStopped: backlog,
    cpuMsPerEvent: { service: per(serviceCpu), postgres: per(pgCpu), generatorAndFake: per((self.user + self.system) / 1000)! },
    commitsPerEvent: Number((commitCount / n).toFixed(2)),
    missingNotes: missing,
    duplicateNotes: duplicated,
  };
}

runBench('bench-combined', 30 * 60_000, async (run) => {
  const server = await openBenchServer((l) => run.log(l));
  run.onCleanup(() => server.stop());
  run.log(`rates ${RATES.join(', ')} events/s; ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured; ATS: ${ATS === 'greenhouse' ? `a Greenhouse stand-in answering in ${LATENCY_MS} ms` : 'the sandbox'}; ${CANDIDATES} candidates; ${server.description}`);
  run.log('the load generator (and the fake ATS) run in this process, on the same cores as the service and Postgres');
  const all: Figures[] = [];
  for (const rate of RATES) {
    const f = await measure(run, server, rate);
    all.push(f);
    run.log(
      `${rate}/s: 200 → note p50 ${f.latencyMs.p50} ms, p95 ${f.latencyMs.p95} ms, p99 ${f.latencyMs.p99} ms, max ${f.latencyMs.max} ms; ` +
        `sustained ${f.sustainedPerSecond}/s; backlog when sending stopped ${f.backlogWhenSendingStopped}; ` +
        `CPU ms/event: service ${f.cpuMsPerEvent.service}, Postgres ${f.cpuMsPerEvent.postgres}, generator + fake ${f.cpuMsPerEvent.generatorAndFake}; ` +
        `commits/event ${f.commitsPerEvent}`,
    );
    run.check(f.missingNotes === 0 && f.duplicateNotes === 0, `${rate}/s: exactly one note per event (missing ${f.missingNotes}, duplicated ${f.duplicateNotes})`);
  }
  run.report({ ats: ATS, atsLatencyMs: ATS === 'greenhouse' ? LATENCY_MS : null, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS, candidates: CANDIDATES, rates: all });
});
