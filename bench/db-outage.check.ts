/**
 * npm run test:db-outage — Postgres becomes unreachable for 10 s while webhooks arrive and the worker is
 * busy (a TCP proxy between the service and Postgres refuses every connection, open ones are cut), then
 * comes back. Checks:
 * - during the outage intake answers 503 (never 200 without storing; never a 500);
 * - every event answered 200 is stored and ends `synced` with exactly one note;
 * - events refused with 503 are sent again (as a provider does) and end the same way;
 * - the worker pauses and then resumes without a restart.
 *
 * Env: OUTAGE_SECONDS (10), OUTAGE_EVENTS (3000), OUTAGE_RATE (150 webhooks/s). Takes about a minute.
 */
import { TcpProxy } from '../test/support/tcp-proxy';
import { runBench } from './support/bench-run';
import { benchEvents, tallySyncs, verifyOneNoteEach, waitForTerminal } from './support/bench-setup';
import { attemptFigures, openScenario } from './support/scenario';
import { BENCH_SECRET, sleep } from './support/service-process';
import { WebhookSender } from './support/webhook-sender';

const OUTAGE_MS = Number(process.env.OUTAGE_SECONDS ?? 10) * 1000;
const EVENTS = Number(process.env.OUTAGE_EVENTS ?? 3000);
const RATE = Number(process.env.OUTAGE_RATE ?? 150);

runBench('test-db-outage', 6 * 60_000, async (run) => {
  const scenario = await openScenario(run, { fake: { latencyMs: 20 } });
  const proxy = await TcpProxy.start(scenario.db.url);
  run.onCleanup(() => proxy.close());
  const service = scenario.service(
    'debrief',
    { WORKER_ENABLED: 'true', WORKER_CONCURRENCY: '32', WORKER_POLL_MS: '250', SYNC_LEASE_SECONDS: '5', DB_POOL_SIZE: '20' },
    proxy.urlFor(scenario.db.url),
  );
  await service.start();

  const events = benchEvents('outage', EVENTS, scenario.candidates);
  const sender = new WebhookSender(() => [service.url], BENCH_SECRET, 32);
  run.onCleanup(() => sender.close());
  const sending = sender.send(events, {
    concurrency: 16,
    ratePerSecond: RATE,
    resend: true,
    resendDelayMs: 1000,
    requestTimeoutMs: 15_000,
    deadline: Date.now() + 3 * 60_000,
  });

  // Answers are stamped by time; the window of the outage decides which ones it covers.
  const answersAt: Array<{ at: number; label: string; id: string }> = [];
  const seen = new Map<string, number>();
  const watcher = setInterval(() => {
    for (const [id, d] of sender.deliveries) {
      const n = seen.get(id) ?? 0;
      for (let i = n; i < d.answers.length; i++) answersAt.push({ at: Date.now(), label: d.answers[i], id });
      seen.set(id, d.answers.length);
    }
  }, 50);

  await sleep(Math.min(5000, ((EVENTS / RATE) * 1000) / 3));
  const before = await tallySyncs(scenario.db.dataSource);
  run.log(`cutting Postgres for ${OUTAGE_MS / 1000} s; syncs ${JSON.stringify(before.byStatus)}`);
  const cutAt = Date.now();
  proxy.refuse();
  await sleep(OUTAGE_MS / 2);
  const middle = await tallySyncs(scenario.db.dataSource);
  await sleep(OUTAGE_MS / 2);
  proxy.forward();
  const restoredAt = Date.now();
  run.log(`Postgres reachable again; syncs ${JSON.stringify((await tallySyncs(scenario.db.dataSource)).byStatus)}`);

  // The worker resumes: the first attempt recorded after the restore.
  let resumedAfterMs: number | null = null;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
    const [row] = await scenario.db.dataSource.query(
      `SELECT extract(epoch FROM min(finished_at))::float * 1000 AS at FROM sync_attempts WHERE finished_at > to_timestamp($1 / 1000.0)`,
      [restoredAt],
    );
    if (row.at) {
      resumedAfterMs = Math.round(row.at - restoredAt);
      break;
    }
  }
  run.log(`worker resumed ${resumedAfterMs} ms after the restore`);

  await sending;
  clearInterval(watcher);
  const tally = await waitForTerminal(scenario.db.dataSource, EVENTS, Date.now() + 120_000, (l) => run.log(l));
  const problems = await verifyOneNoteEach(scenario.db.dataSource, scenario.fake, events.map((e) => e.id));
  const during = answersAt.filter((a) => a.at >= cutAt + 200 && a.at <= restoredAt);
  const duringCounts: Record<string, number> = {};
  for (const a of during) duringCounts[a.label] = (duringCounts[a.label] ?? 0) + 1;
  const got200 = [...sender.deliveries.values()].filter((d) => d.accepted !== null).length;
  const serverErrors = Object.entries(sender.answerCounts()).filter(([label]) => /^5\d\d$/.test(label) && label !== '503');
  const attempts = await attemptFigures(scenario.db);

  run.check((duringCounts['503'] ?? 0) > 0, `intake answered 503 during the outage (${duringCounts['503'] ?? 0} times)`);
  run.check(serverErrors.length === 0, `no other 5xx answer at any time (${JSON.stringify(Object.fromEntries(serverErrors))})`);
  run.check(problems.notStored.length === 0, `every event answered 200 is stored (missing: ${problems.notStored.slice(0, 5).join(', ') || 'none'})`);
  run.check(got200 === EVENTS, `every event was eventually answered 200 (${got200}/${EVENTS})`);
  run.check(tally.byStatus.synced === EVENTS, `every sync ended synced (${JSON.stringify(tally.byStatus)})`);
  run.check(problems.noNote.length === 0 && problems.duplicateNote.length === 0, `exactly one note per event (missing ${problems.noNote.length}, duplicated ${problems.duplicateNote.length})`);
  run.check(resumedAfterMs !== null, `the worker resumed without a restart (${resumedAfterMs} ms after Postgres came back)`);

  run.report({
    database: `${scenario.server.description}, behind a TCP proxy`,
    settings: { outageSeconds: OUTAGE_MS / 1000, events: EVENTS, webhooksPerSecond: RATE, workerConcurrency: 32, leaseSeconds: 5 },
    answersDuringOutage: duringCounts,
    senderAnswers: sender.answerCounts(),
    syncsAtCut: before.byStatus,
    syncsMidOutage: middle.byStatus,
    workerResumedAfterMs: resumedAfterMs,
    finalSyncs: tally.byStatus,
    attempts,
    notesPosted: scenario.fake.snapshot().notes,
    atsRequests: scenario.fake.snapshot().byRoute,
    durationSeconds: Math.round((Date.now() - run.startedAt) / 1000),
  });
});
