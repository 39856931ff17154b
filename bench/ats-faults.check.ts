/**
 * npm run test:faults — the fake Greenhouse misbehaves on purpose while the worker delivers: 30% of calls
 * answered 5xx, bursts where every call gets 429 (alternately with and without Retry-After), note posts
 * that are stored but never answered (the client times out), answered 502/504 after storing, or whose connection
 * drops after storing, and
 * connections dropped before anything happens. Every event must still end with exactly one note.
 * Backoff is short (SYNC_BACKOFF_BASE_SECONDS=1, MAX=4) and the adapter's timeout is 1 s.
 *
 * Env: FAULT_EVENTS (1000), FAULT_SEED. Takes one to two minutes.
 */
import { runBench } from './support/bench-run';
import { benchEvents, verifyOneNoteEach, waitForTerminal } from './support/bench-setup';
import { attemptFigures, openScenario } from './support/scenario';
import { BENCH_SECRET } from './support/service-process';
import { WebhookSender } from './support/webhook-sender';

const EVENTS = Number(process.env.FAULT_EVENTS ?? 1000);

runBench('test-faults', 8 * 60_000, async (run) => {
  const scenario = await openScenario(run, {
    fake: {
      latencyMs: 20,
      hangMs: 5000,
      seed: process.env.FAULT_SEED ? Number(process.env.FAULT_SEED) : undefined,
      faults: {
        serverErrorRate: 0.3,
        burst429: { everyMs: 8000, lengthMs: 1500 },
        timeoutAfterStoreRate: 0.08,
        dropAfterStoreRate: 0.05,
        serverErrorAfterStoreRate: 0.08,
        dropBeforeRate: 0.03,
      },
    },
    connectionSettings: { timeoutMs: 1000 },
  });
  const service = scenario.service('debrief', {
    WORKER_ENABLED: 'true',
    WORKER_CONCURRENCY: '32',
    WORKER_POLL_MS: '200',
    SYNC_LEASE_SECONDS: '15',
    SYNC_BACKOFF_BASE_SECONDS: '1',
    SYNC_BACKOFF_MAX_SECONDS: '4',
    // Enough attempts that a run of bad luck at a 30% error rate does not end in `failed`.
    SYNC_MAX_ATTEMPTS: '40',
    DB_POOL_SIZE: '20',
  });
  await service.start();

  const events = benchEvents('faults', EVENTS, scenario.candidates);
  const sender = new WebhookSender(() => [service.url], BENCH_SECRET, 16);
  run.onCleanup(() => sender.close());
  const sendStarted = Date.now();
  await sender.send(events, { concurrency: 16, resend: true, deadline: Date.now() + 60_000 });
  run.log(`${EVENTS} webhooks accepted in ${((Date.now() - sendStarted) / 1000).toFixed(1)} s`);

  const tally = await waitForTerminal(scenario.db.dataSource, EVENTS, Date.now() + 5 * 60_000, (l) => run.log(l), 5000);
  const problems = await verifyOneNoteEach(scenario.db.dataSource, scenario.fake, events.map((e) => e.id));
  const stats = scenario.fake.snapshot();
  const attempts = await attemptFigures(scenario.db);
  const errors: Array<{ code: string; n: number }> = await scenario.db.dataSource.query(
    `SELECT coalesce(error_code, outcome) AS code, count(*)::int AS n FROM sync_attempts GROUP BY 1 ORDER BY n DESC`,
  );

  run.check(tally.byStatus.synced === EVENTS, `every sync ended synced (${JSON.stringify(tally.byStatus)})`);
  run.check(problems.noNote.length === 0, `every event has its note (missing: ${problems.noNote.length})`);
  run.check(problems.duplicateNote.length === 0, `no event has two notes (${problems.duplicateNote.slice(0, 5).join(', ') || 'none'})`);
  for (const fault of ['500', '502', '503', '429 with Retry-After', '429 without Retry-After', 'timeout after storing', '502 after storing', '504 after storing', 'drop after storing', 'drop before handling']) {
    run.check((stats.faults[fault] ?? 0) > 0, `the fake played "${fault}" (${stats.faults[fault] ?? 0} times)`);
  }

  run.report({
    database: scenario.server.description,
    settings: { events: EVENTS, workerConcurrency: 32, backoff: '1 s base, 4 s max', adapterTimeoutMs: 1000, maxAttempts: 40 },
    faultsPlayed: stats.faults,
    atsRequests: stats.byRoute,
    notesStored: stats.notes,
    attemptOutcomes: Object.fromEntries(errors.map((e) => [e.code, e.n])),
    attempts,
    finalSyncs: tally.byStatus,
    durationSeconds: Math.round((Date.now() - run.startedAt) / 1000),
  });
});
