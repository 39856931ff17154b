/**
 * npm run test:crash — kill -9 the service while signed webhooks pour in and the worker is busy, restart it,
 * and check that nothing was lost or doubled:
 * - every event answered 200 (before or after a kill) is stored and ends `synced` with exactly one note;
 * - events that got no 200 (refused connections, cut requests) are sent again, as a provider does, and
 *   also end with exactly one note.
 * Leases are short (SYNC_LEASE_SECONDS=5) so the syncs a killed worker held are reclaimed quickly; a
 * reclaimed sync looks for its note in the ATS before posting again.
 *
 * Env: CRASH_EVENTS (3000), CRASH_KILLS (2), CRASH_RATE (250 webhooks/s). Takes about a minute.
 */
import { runBench } from './support/bench-run';
import { benchEvents, tallySyncs, verifyOneNoteEach, waitForTerminal } from './support/bench-setup';
import { attemptFigures, openScenario } from './support/scenario';
import { BENCH_SECRET, sleep } from './support/service-process';
import { WebhookSender } from './support/webhook-sender';

const EVENTS = Number(process.env.CRASH_EVENTS ?? 3000);
const KILLS = Number(process.env.CRASH_KILLS ?? 2);
const RATE = Number(process.env.CRASH_RATE ?? 250);

runBench('test-crash', 6 * 60_000, async (run) => {
  const scenario = await openScenario(run, { fake: { latencyMs: 20 } });
  const service = scenario.service('debrief', {
    WORKER_ENABLED: 'true',
    WORKER_CONCURRENCY: '32',
    WORKER_POLL_MS: '250',
    SYNC_LEASE_SECONDS: '5',
    DB_POOL_SIZE: '20',
  });
  await service.start();

  const events = benchEvents('crash', EVENTS, scenario.candidates);
  const sender = new WebhookSender(() => [service.url], BENCH_SECRET, 32);
  run.onCleanup(() => sender.close());
  const sending = sender.send(events, {
    concurrency: 16,
    ratePerSecond: RATE,
    resend: true,
    resendDelayMs: 500,
    requestTimeoutMs: 5000,
    deadline: Date.now() + 3 * 60_000,
  });

  const kills: Array<{ at: number; acceptedBefore: number; syncedAtKill: number; processingAtKill: number; pendingAtKill: number; restartMs: number }> = [];
  const loadSeconds = EVENTS / RATE;
  for (let k = 1; k <= KILLS; k++) {
    // Spread the kills over the load, while webhooks are still arriving and the worker is busy.
    await sleep(Math.max(1000, (loadSeconds * 1000) / (KILLS + 1) - (k === 1 ? 0 : 1000)));
    await service.kill();
    const at = Date.now();
    const acceptedBefore = [...sender.deliveries.values()].filter((d) => d.acceptedAt !== null && d.acceptedAt <= at).length;
    const tally = await tallySyncs(scenario.db.dataSource);
    run.log(`kill -9 #${k}: ${acceptedBefore} events answered 200 so far; syncs ${JSON.stringify(tally.byStatus)}`);
    await sleep(1000);
    const restarting = Date.now();
    await service.start();
    const restartMs = Date.now() - restarting;
    run.log(`restarted in ${restartMs} ms`);
    kills.push({ at, acceptedBefore, syncedAtKill: tally.byStatus.synced ?? 0, processingAtKill: tally.byStatus.processing ?? 0, pendingAtKill: tally.byStatus.pending ?? 0, restartMs });
  }

  await sending;
  const answered = [...sender.deliveries.values()];
  const got200 = answered.filter((d) => d.accepted !== null).length;
  run.log(`sender done: ${got200}/${EVENTS} events answered 200; answers ${JSON.stringify(sender.answerCounts())}`);
  const tally = await waitForTerminal(scenario.db.dataSource, EVENTS, Date.now() + 120_000, (l) => run.log(l));
  const problems = await verifyOneNoteEach(scenario.db.dataSource, scenario.fake, events.map((e) => e.id));
  const acceptedBeforeAKill = events.filter((e) => {
    const d = sender.deliveries.get(e.id)!;
    return d.acceptedAt !== null && kills.some((k) => d.acceptedAt! <= k.at);
  });
  const resent = answered.filter((d) => d.answers.length > 1).length;
  const attempts = await attemptFigures(scenario.db);

  run.check(got200 === EVENTS, `every event was eventually answered 200 (${got200}/${EVENTS})`);
  run.check(problems.notStored.length === 0, `every event answered 200 is stored (missing: ${problems.notStored.slice(0, 5).join(', ') || 'none'})`);
  run.check(tally.byStatus.synced === EVENTS, `every sync ended synced (${JSON.stringify(tally.byStatus)})`);
  run.check(problems.noNote.length === 0, `every event has its note (missing: ${problems.noNote.length})`);
  run.check(problems.duplicateNote.length === 0, `no event has two notes (${problems.duplicateNote.slice(0, 5).join(', ') || 'none'})`);
  run.check(kills.every((k) => k.processingAtKill > 0), `each kill caught syncs in flight (${kills.map((k) => k.processingAtKill).join(', ')})`);

  run.report({
    database: scenario.server.description,
    settings: { events: EVENTS, kills: KILLS, webhooksPerSecond: RATE, workerConcurrency: 32, leaseSeconds: 5, atsLatencyMs: 20 },
    kills: kills.map(({ at: _at, ...k }) => k),
    eventsAnswered200BeforeAKill: acceptedBeforeAKill.length,
    eventsSentMoreThanOnce: resent,
    senderAnswers: sender.answerCounts(),
    finalSyncs: tally.byStatus,
    attempts,
    notesPosted: scenario.fake.snapshot().notes,
    atsRequests: scenario.fake.snapshot().byRoute,
    durationSeconds: Math.round((Date.now() - run.startedAt) / 1000),
  });
});
