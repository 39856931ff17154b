/**
 * npm run test:two-instances — two service processes on one Postgres, each with intake and a worker, share
 * a load of signed webhooks (round robin). No sync may be processed twice: every event gets exactly one
 * note, and the attempt history shows exactly one attempt, successful, per sync. Both instances must have
 * done work. Figures: end-to-end events/s, how the work split, and the busiest rate-limit window the fake
 * ATS saw, checked against the connection's limit (TWO_RATE_LIMIT=100 makes the limit bind).
 *
 * Env: TWO_EVENTS (5000), WORKER_CONCURRENCY (32 per instance), TWO_RATE_LIMIT (1000 per second).
 * Takes about a minute.
 */
import { runBench } from './support/bench-run';
import { benchEvents, verifyOneNoteEach, waitForTerminal } from './support/bench-setup';
import { attemptFigures, openScenario } from './support/scenario';
import { BENCH_SECRET } from './support/service-process';
import { WebhookSender } from './support/webhook-sender';

const EVENTS = Number(process.env.TWO_EVENTS ?? 5000);
const CONCURRENCY = process.env.WORKER_CONCURRENCY ?? '32';
const RATE_LIMIT = Number(process.env.TWO_RATE_LIMIT ?? 1000);

runBench('test-two-instances', 8 * 60_000, async (run) => {
  const scenario = await openScenario(run, {
    fake: { latencyMs: 20 },
    connectionSettings: { rateLimit: { limit: RATE_LIMIT, intervalMs: 1000 } },
  });
  const env = { WORKER_ENABLED: 'true', WORKER_CONCURRENCY: CONCURRENCY, WORKER_POLL_MS: '250', DB_POOL_SIZE: '15' };
  const a = scenario.service('debrief-a', env);
  const b = scenario.service('debrief-b', env);
  await Promise.all([a.start(), b.start()]);
  run.log(`instances: pid ${a.pid} on ${a.url}, pid ${b.pid} on ${b.url}`);

  const events = benchEvents('two', EVENTS, scenario.candidates);
  const sender = new WebhookSender(() => [a.url, b.url], BENCH_SECRET, 32);
  run.onCleanup(() => sender.close());
  const started = Date.now();
  await sender.send(events, { concurrency: 32, resend: true, deadline: Date.now() + 3 * 60_000 });
  const intakeSeconds = (Date.now() - started) / 1000;
  run.log(`${EVENTS} webhooks accepted in ${intakeSeconds.toFixed(1)} s (${Math.round(EVENTS / intakeSeconds)}/s over both instances)`);

  const tally = await waitForTerminal(scenario.db.dataSource, EVENTS, Date.now() + 5 * 60_000, (l) => run.log(l));
  const endToEndSeconds = (Date.now() - started) / 1000;
  const problems = await verifyOneNoteEach(scenario.db.dataSource, scenario.fake, events.map((e) => e.id));
  const attempts = await attemptFigures(scenario.db);
  const [history] = await scenario.db.dataSource.query(
    `SELECT count(*)::int AS syncs,
            count(*) FILTER (WHERE n = 1 AND ok = 1)::int AS one_successful_attempt,
            extract(epoch FROM (SELECT max(finished_at) - min(started_at) FROM sync_attempts))::float AS worker_seconds
     FROM (SELECT s.id, count(a.id) AS n, count(a.id) FILTER (WHERE a.outcome = 'synced') AS ok
           FROM syncs s LEFT JOIN sync_attempts a ON a.sync_id = s.id GROUP BY s.id) x`,
  );
  const busiest = scenario.fake.busiestWindow(1000);
  const shares = Object.values(attempts.byWorker);

  run.check(tally.byStatus.synced === EVENTS, `every sync ended synced (${JSON.stringify(tally.byStatus)})`);
  run.check(problems.noNote.length === 0, `every event has its note (missing: ${problems.noNote.length})`);
  run.check(problems.duplicateNote.length === 0, `no note was posted twice (${problems.duplicateNote.slice(0, 5).join(', ') || 'none'})`);
  run.check(history.one_successful_attempt === EVENTS, `each sync has exactly one attempt, successful (${history.one_successful_attempt}/${history.syncs})`);
  run.check(shares.length === 2 && shares.every((n) => n > 0), `both instances delivered (${JSON.stringify(attempts.byWorker)})`);
  // DESIGN.md: per-connection rate limits hold across instances (one schedule in Postgres). Only binding when
  // the limit is below the load, e.g. TWO_RATE_LIMIT=100.
  run.check(busiest.sliding <= RATE_LIMIT, `the connection's rate limit held across both instances: busiest second ${busiest.sliding} ≤ ${RATE_LIMIT}`);

  run.report({
    database: scenario.server.description,
    settings: { events: EVENTS, instances: 2, workerConcurrencyEach: Number(CONCURRENCY), atsLatencyMs: 20, rateLimit: `${RATE_LIMIT} per 1000 ms, shared by both instances` },
    intakePerSecond: Math.round(EVENTS / intakeSeconds),
    endToEndEventsPerSecond: Math.round(EVENTS / endToEndSeconds),
    workerEventsPerSecond: Math.round(EVENTS / history.worker_seconds),
    deliveredBy: attempts.byWorker,
    attempts,
    busiestRateWindow: { ...busiest, configuredLimit: RATE_LIMIT },
    senderAnswers: sender.answerCounts(),
    durationSeconds: Math.round((Date.now() - run.startedAt) / 1000),
  });
});
