/**
 * npm run bench:latency — how soon a note stands in the ATS.
 *
 * 1. Steady load: signed webhooks at BENCH_RATE per second (50) for BENCH_SECONDS (60) against the built
 *    service (worker on), a Greenhouse stand-in answering every call in BENCH_LATENCY_MS (20 ms), candidates in
 *    the directory. Latency per event: from the webhook's 200 to the note stored at the fake. p50, p95, p99, max.
 * 2. A fresh connection: the fake holds BENCH_FRESH_CANDIDATES (10,000) candidates and the directory is empty.
 *    The connection is created through the admin API and a meeting known only by its name (a candidate on the
 *    listing's last page) is sent at once; no job is run by hand. Time from the create request to the note.
 *
 * Checks: every event gets one note; p50 < 150 ms and p99 < 500 ms; the fresh connection's note within 60 s.
 * Env: BENCH_RATE, BENCH_SECONDS, BENCH_LATENCY_MS, BENCH_CANDIDATES (500), BENCH_FRESH_CANDIDATES, WORKER_CONCURRENCY (the default),
 *      BENCH_DATABASE_URL.
 */
import { join } from 'node:path';
import { createBenchDatabase, openBenchServer } from './support/bench-database';
import { percentile, runBench } from './support/bench-run';
import { benchEvents, createGreenhouseConnection, seedDirectory, verifyOneNoteEach } from './support/bench-setup';
import { BENCH_ACCOUNT, benchCandidates, meetingPayload } from './support/bench-webhooks';
import { FakeAtsServer } from './support/fake-ats.server';
import { BENCH_SECRET, ServiceProcess, sleep } from './support/service-process';
import { WebhookSender } from './support/webhook-sender';

const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const CANDIDATES = Number(process.env.BENCH_CANDIDATES ?? 500);
const FRESH_CANDIDATES = Number(process.env.BENCH_FRESH_CANDIDATES ?? 10_000);
/** The service's default unless set. */
const CONCURRENCY = process.env.WORKER_CONCURRENCY;

runBench('bench-latency', 15 * 60_000, async (run) => {
  const server = await openBenchServer((l) => run.log(l));
  run.onCleanup(() => server.stop());

  // 1. Steady load.
  {
    const db = await createBenchDatabase(server);
    run.onCleanup(() => db.drop());
    const candidates = benchCandidates(CANDIDATES);
    const fake = new FakeAtsServer({ candidates, latencyMs: LATENCY_MS });
    await fake.start();
    run.onCleanup(() => fake.stop());
    const service = new ServiceProcess({ databaseUrl: db.url, logFile: join(run.dir, 'steady.log'), env: { WORKER_ENABLED: 'true', SCHEDULER_ENABLED: 'false', ...(CONCURRENCY ? { WORKER_CONCURRENCY: CONCURRENCY } : {}) } });
    run.onCleanup(() => service.stop());
    await service.start();
    const connectionId = await createGreenhouseConnection(service.url, fake, { rateLimit: { limit: 1000, intervalMs: 1000 } });
    await seedDirectory(db.dataSource, connectionId, candidates);

    const events = benchEvents('latency', RATE * SECONDS, candidates);
    run.log(`${events.length} webhooks at ${RATE}/s for ${SECONDS} s; ATS latency ${LATENCY_MS} ms; ${CANDIDATES} candidates in the directory`);
    const sender = new WebhookSender(() => [service.url], BENCH_SECRET, 16);
    run.onCleanup(() => sender.close());
    await sender.send(events, { concurrency: 16, ratePerSecond: RATE, resend: true, deadline: Date.now() + (SECONDS + 60) * 1000 });
    const until = Date.now() + 60_000;
    while (fake.noteStoredAt.size < events.length && Date.now() < until) await sleep(100);

    const latencies: number[] = [];
    for (const e of events) {
      const accepted = sender.deliveries.get(e.id)?.acceptedAt;
      const stored = fake.noteStoredAt.get(e.id);
      // A note can be stored before the sender has read the whole 200: counted as 0, never negative.
      if (accepted != null && stored !== undefined) latencies.push(Math.max(0, stored - accepted));
    }
    // How the latency moved through the run: the median of each tenth of the events, in sending order.
    const tenths = Array.from({ length: 10 }, (_, k) => {
      const slice = latencies.slice(Math.floor((k * latencies.length) / 10), Math.floor(((k + 1) * latencies.length) / 10)).sort((a, b) => a - b);
      return percentile(slice, 50);
    });
    run.log(`median latency per tenth of the run (ms): ${tenths.join(', ')}`);
    latencies.sort((a, b) => a - b);
    const figures = {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] ?? 0,
    };
    const problems = await verifyOneNoteEach(db.dataSource, fake, events.map((e) => e.id));
    run.log(`webhook 200 → note stored: p50 ${figures.p50} ms, p95 ${figures.p95} ms, p99 ${figures.p99} ms, max ${figures.max} ms (${latencies.length} events)`);
    run.check(latencies.length === events.length, `every event's note stored (${latencies.length}/${events.length})`);
    run.check(problems.noNote.length === 0 && problems.duplicateNote.length === 0, `exactly one note per event (missing ${problems.noNote.length}, duplicated ${problems.duplicateNote.length})`);
    run.check(figures.p50 < 150, `p50 under 150 ms (${figures.p50} ms)`);
    run.check(figures.p99 < 500, `p99 under 500 ms (${figures.p99} ms)`);
    await service.stop();
    await fake.stop();
    run.report({ steady: { rate: RATE, seconds: SECONDS, atsLatencyMs: LATENCY_MS, workerConcurrency: CONCURRENCY ? Number(CONCURRENCY) : 'default', events: events.length, latencyMs: figures } });
  }

  // 2. A fresh connection.
  {
    const db = await createBenchDatabase(server);
    run.onCleanup(() => db.drop());
    // The meeting's candidate carries a common name no one else carries (the made-up names of a large directory
    // have near spellings, which rightly send a name-only match to review), listed last: the worst case.
    const all = benchCandidates(FRESH_CANDIDATES);
    const target = all[0]!;
    const candidates = [...all.slice(1), target];
    const fake = new FakeAtsServer({ candidates, latencyMs: LATENCY_MS });
    await fake.start();
    run.onCleanup(() => fake.stop());
    const service = new ServiceProcess({ databaseUrl: db.url, logFile: join(run.dir, 'fresh.log'), env: { WORKER_ENABLED: 'true', SCHEDULER_ENABLED: 'true' } });
    run.onCleanup(() => service.stop());
    await service.start();

    const payload = meetingPayload('evt_fresh_name_only', target, 0) as { data: { meeting: { participants: string[] } } };
    payload.data.meeting.participants = [];
    const body = JSON.stringify(payload);
    run.log(`fresh connection: ${candidates.length} candidates at the fake, none in the directory; a name-only meeting for "${target.firstName} ${target.lastName}" (last page)`);

    const started = Date.now();
    const connectionId = await createGreenhouseConnection(service.url, fake, { rateLimit: { limit: 1000, intervalMs: 1000 } });
    const sender = new WebhookSender(() => [service.url], BENCH_SECRET, 1);
    run.onCleanup(() => sender.close());
    await sender.send([{ id: 'evt_fresh_name_only', body }], { concurrency: 1, resend: true, deadline: Date.now() + 30_000 });
    const until = started + 120_000;
    while (!fake.noteStoredAt.has('evt_fresh_name_only') && Date.now() < until) await sleep(50);
    const stored = fake.noteStoredAt.get('evt_fresh_name_only');
    const seconds = stored !== undefined ? (stored - started) / 1000 : null;
    const [state] = await db.dataSource.query(
      `SELECT (SELECT count(*)::int FROM candidates WHERE connection_id = $1) AS candidates, pages, last_full_at FROM directory_refresh_state WHERE connection_id = $1`,
      [connectionId],
    );
    const [sync] = await db.dataSource.query(`SELECT status, rematch_count, attempts, match->>'reason' AS reason FROM syncs WHERE event_id = 'evt_fresh_name_only'`);
    run.log(`connection created → note stored: ${seconds === null ? 'no note' : `${seconds.toFixed(2)} s`}; directory ${JSON.stringify(state)}; sync ${JSON.stringify(sync)}`);
    run.check(seconds !== null && seconds < 60, `the fresh connection's first note within 60 s (${seconds === null ? 'none' : `${seconds.toFixed(2)} s`})`);
    run.report({ fresh: { candidates: candidates.length, atsLatencyMs: LATENCY_MS, secondsToFirstNote: seconds, directory: state, sync, account: BENCH_ACCOUNT } });
  }
});
