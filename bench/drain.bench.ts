/**
 * npm run bench:drain — 10,000 pending syncs delivered by the worker to a local Greenhouse stand-in that
 * answers every call in 20 ms. A real adapter (Greenhouse Harvest v3) does the work; candidates are found in
 * the directory (filled beforehand, as a directory refresh would). Figures: events/s, peak RSS of the
 * service, ATS calls per event; checks: one note per event, the connection's rate limit never exceeded.
 *
 * Env: BENCH_EVENTS (10000), BENCH_CANDIDATES (5000 in the directory), WORKER_CONCURRENCY (64), DB_POOL_SIZE (20), BENCH_RATE_LIMIT (1000 per second),
 *      BENCH_LATENCY_MS (20), BENCH_DATABASE_URL.
 */
import { join } from 'node:path';
import { backendCpu, cpuBetween, createBenchDatabase, openBenchServer } from './support/bench-database';
import { runBench } from './support/bench-run';
import { benchEvents, createGreenhouseConnection, seedDirectory, tallySyncs, verifyOneNoteEach, waitForTerminal } from './support/bench-setup';
import { benchCandidates } from './support/bench-webhooks';
import { insertPendingSyncs } from './support/bulk-events';
import { FakeAtsServer } from './support/fake-ats.server';
import { ServiceProcess, cpuTimeMs } from './support/service-process';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const CONCURRENCY = process.env.WORKER_CONCURRENCY ?? '64';
const POOL = process.env.DB_POOL_SIZE ?? '20';
const RATE_LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 1000);
const RATE_INTERVAL_MS = 1000;
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);

runBench('bench-drain', 15 * 60_000, async (run) => {
  const server = await openBenchServer((l) => run.log(l));
  run.onCleanup(() => server.stop());
  const db = await createBenchDatabase(server);
  run.onCleanup(() => db.drop());

  const candidates = benchCandidates(Number(process.env.BENCH_CANDIDATES ?? 5000));
  const fake = new FakeAtsServer({ candidates, latencyMs: LATENCY_MS });
  await fake.start();
  run.onCleanup(() => fake.stop());

  const service = new ServiceProcess({
    databaseUrl: db.url,
    logFile: join(run.dir, 'debrief.log'),
    env: { WORKER_ENABLED: 'true', WORKER_CONCURRENCY: CONCURRENCY, DB_POOL_SIZE: POOL },
  });
  run.onCleanup(() => service.stop());
  await service.start();
  const connectionId = await createGreenhouseConnection(service.url, fake, { rateLimit: { limit: RATE_LIMIT, intervalMs: RATE_INTERVAL_MS } });
  await seedDirectory(db.dataSource, connectionId, candidates);
  const events = benchEvents('drain', EVENTS, candidates);

  run.log(`${EVENTS} pending syncs; worker concurrency ${CONCURRENCY}, pool ${POOL}, ATS latency ${LATENCY_MS} ms, rate limit ${RATE_LIMIT}/${RATE_INTERVAL_MS} ms`);
  const rssBefore = service.rssBytes();
  const pgBefore = await backendCpu(db.dataSource, db.name);
  const cpuBefore = cpuTimeMs(service.pid);
  const started = Date.now();
  await insertPendingSyncs(db.dataSource, connectionId, events);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, service.rssBytes() ?? 0)), 200);
  const tally = await waitForTerminal(db.dataSource, EVENTS, Date.now() + 10 * 60_000, (l) => run.log(l));
  const wallSeconds = (Date.now() - started) / 1000;
  const cpuAfter = cpuTimeMs(service.pid);
  const pgCpu = cpuBetween(pgBefore, await backendCpu(db.dataSource, db.name));
  clearInterval(sampler);
  peakRss = Math.max(peakRss, service.peakRssBytes() ?? 0);

  // The worker's own window: first attempt started to last attempt finished.
  const [window] = await db.dataSource.query(
    `SELECT extract(epoch FROM max(finished_at) - min(started_at))::float AS seconds, count(*)::int AS attempts FROM sync_attempts`,
  );
  const eventsPerSecond = Math.round(EVENTS / window.seconds);
  const stats = fake.snapshot();
  const busiest = fake.busiestWindow(RATE_INTERVAL_MS);
  const problems = await verifyOneNoteEach(db.dataSource, fake, events.map((e) => e.id));

  run.log(`drained in ${window.seconds.toFixed(1)} s: ${eventsPerSecond} events/s`);
  run.check(tally.byStatus.synced === EVENTS, `every sync synced (${JSON.stringify((await tallySyncs(db.dataSource)).byStatus)})`);
  run.check(problems.noNote.length === 0 && problems.duplicateNote.length === 0, `exactly one note per event (missing ${problems.noNote.length}, duplicated ${problems.duplicateNote.length})`);
  run.check(stats.notes === EVENTS, `notes posted = events (${stats.notes}/${EVENTS})`);
  run.check(busiest.sliding <= RATE_LIMIT, `rate limit never exceeded: busiest ${RATE_INTERVAL_MS} ms window ${busiest.sliding} requests ≤ ${RATE_LIMIT}`);
  run.check(eventsPerSecond >= 500, `at least 500 events/s (${eventsPerSecond})`);
  run.check(peakRss < 300 * 2 ** 20, `peak RSS under 300 MB (${(peakRss / 2 ** 20).toFixed(0)} MB)`);

  run.report({
    database: server.description,
    settings: { events: EVENTS, workerConcurrency: Number(CONCURRENCY), dbPoolSize: Number(POOL), atsLatencyMs: LATENCY_MS, rateLimit: `${RATE_LIMIT} per ${RATE_INTERVAL_MS} ms` },
    eventsPerSecond,
    drainSeconds: Number(window.seconds.toFixed(2)),
    wallSeconds: Number(wallSeconds.toFixed(2)),
    attempts: window.attempts,
    peakRssMB: Math.round(peakRss / 2 ** 20),
    serviceCpuMsPerEvent: cpuBefore !== null && cpuAfter !== null ? Number(((cpuAfter - cpuBefore) / EVENTS).toFixed(3)) : null,
    postgresCpuMsPerEvent: pgCpu !== null ? Number((pgCpu / EVENTS).toFixed(3)) : null,
    rssBeforeMB: rssBefore ? Math.round(rssBefore / 2 ** 20) : null,
    atsCallsPerEvent: Number((stats.requests / EVENTS).toFixed(3)),
    atsCalls: stats.byRoute,
    busiestRateWindow: busiest,
  });
});
