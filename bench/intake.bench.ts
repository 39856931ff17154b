/**
 * npm run bench:intake — signed webhooks with unique ids, Debrief beside a minimal node:http + pg receiver
 * (bench/minimal-receiver.ts), in the same run, on the same Postgres, each with a fresh database.
 * Debrief runs as in production (NODE_ENV=production, LOG_LEVEL=info, logs to a file) with the worker OFF,
 * so only intake is measured; one connection routes every event (so each 200 also created one sync).
 * Besides requests/s and latency it reports the CPU time each receiver (and its Postgres backends) spent
 * per request, read from /proc: that figure holds when other work shares the machine, throughput does not.
 *
 * Env: BENCH_CONNECTIONS (32), BENCH_DURATION (15 s per round), BENCH_ROUNDS (2, interleaved),
 *      BENCH_DATABASE_URL (default: Postgres at 127.0.0.1:5432, else embedded), DB_POOL_SIZE (10, both sides).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../src/database/embedded-postgres';
import { backendCpu, cpuBetween, createBenchDatabase, openBenchServer } from './support/bench-database';
import { runBench } from './support/bench-run';
import { BENCH_ACCOUNT, benchCandidates, meetingPayload, signedHeaders } from './support/bench-webhooks';
import { BENCH_ADMIN_TOKEN, BENCH_SECRET, ServiceProcess, cpuTimeMs, sleep } from './support/service-process';

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  latency: { p50: number; p99: number; average: number; max: number };
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
// autocannon ships no types; this is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const POOL = process.env.DB_POOL_SIZE ?? '10';

interface RoundFigures {
  target: string;
  round: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time the receiver process used per answered request (steadier than throughput on a shared machine). */
  cpuMsPerRequest: number | null;
  /** CPU time the receiver's Postgres backends used per answered request. */
  postgresCpuMsPerRequest: number | null;
  ok: number;
  non2xx: number;
  errors: number;
}

/** Drives one target for `seconds` with unique, freshly signed events; returns figures and the ids answered 200. */
async function load(url: string, prefix: string, seconds: number): Promise<{ result: AutocannonResult; accepted: string[] }> {
  const candidates = benchCandidates(200);
  const accepted: string[] = [];
  let n = 0;
  const result = await autocannon({
    url: `${url}/webhooks/meetings`,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => {
          const i = n++;
          const id = `${prefix}_${i}`;
          const body = JSON.stringify(meetingPayload(id, candidates[i % candidates.length], i));
          context.id = id;
          return { ...req, method: 'POST', body, headers: signedHeaders(BENCH_SECRET, id, body) };
        },
        onResponse: (status: number, _body: string, context: Record<string, unknown>) => {
          if (status === 200) accepted.push(context.id as string);
        },
      },
    ],
  });
  return { result, accepted };
}

runBench('bench-intake', 15 * 60_000, async (run) => {
  const server = await openBenchServer((l) => run.log(l));
  run.onCleanup(() => server.stop());
  run.log(`database server: ${server.description}`);

  const debriefDb = await createBenchDatabase(server);
  run.onCleanup(() => debriefDb.drop());
  const minimalDb = await createBenchDatabase(server);
  run.onCleanup(() => minimalDb.drop());

  const debrief = new ServiceProcess({
    databaseUrl: debriefDb.url,
    logFile: join(run.dir, 'debrief.log'),
    env: { WORKER_ENABLED: 'false', DB_POOL_SIZE: POOL },
  });
  run.onCleanup(() => debrief.stop());
  await debrief.start();
  const res = await fetch(`${debrief.url}/admin/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Sandbox (bench)', provider: 'sandbox', accountId: BENCH_ACCOUNT, settings: { candidates: [] } }),
  });
  if (res.status !== 201) throw new Error(`connection not created: ${res.status}`);

  const minimalPort = await freePort();
  const minimalLog = openSync(join(run.dir, 'minimal.log'), 'a');
  const minimal = spawn(process.execPath, [join(process.cwd(), 'dist', 'bench', 'minimal-receiver.js')], {
    env: { PATH: process.env.PATH ?? '', PORT: String(minimalPort), DATABASE_URL: minimalDb.url, WEBHOOK_SECRET: BENCH_SECRET, POOL_SIZE: POOL },
    stdio: ['ignore', minimalLog, minimalLog],
  });
  closeSync(minimalLog);
  const minimalExit = new Promise((r) => minimal.once('exit', r));
  run.onCleanup(async () => {
    minimal.kill('SIGKILL');
    await minimalExit;
  });
  const minimalUrl = `http://127.0.0.1:${minimalPort}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(minimalUrl).then(() => true, () => false)) break;
    await sleep(100);
  }

  const targets = [
    { name: 'minimal receiver', url: minimalUrl, db: minimalDb, pid: () => minimal.pid },
    { name: 'Debrief', url: debrief.url, db: debriefDb, pid: () => debrief.pid },
  ];
  run.log(`warm-up: 5 s each, ${CONNECTIONS} connections`);
  const acceptedBy = new Map<string, string[]>(targets.map((t) => [t.name, []]));
  for (const t of targets) acceptedBy.get(t.name)!.push(...(await load(t.url, `warm_${t.name[0]}`, 5)).accepted);

  const rounds: RoundFigures[] = [];
  let errorsOrNon2xx = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    for (const t of round % 2 === 1 ? targets : [...targets].reverse()) {
      run.log(`round ${round}: ${t.name}, ${DURATION} s`);
      const pgBefore = await backendCpu(t.db.dataSource, t.db.name);
      const cpuBefore = cpuTimeMs(t.pid());
      const { result, accepted } = await load(t.url, `r${round}_${t.name[0]}`, DURATION);
      const cpuAfter = cpuTimeMs(t.pid());
      const pgCpu = cpuBetween(pgBefore, await backendCpu(t.db.dataSource, t.db.name));
      acceptedBy.get(t.name)!.push(...accepted);
      errorsOrNon2xx += result.non2xx + result.errors;
      const figures: RoundFigures = {
        target: t.name,
        round,
        requestsPerSecond: Math.round(result['2xx'] / result.duration),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        cpuMsPerRequest: cpuBefore !== null && cpuAfter !== null ? Number(((cpuAfter - cpuBefore) / result['2xx']).toFixed(3)) : null,
        postgresCpuMsPerRequest: pgCpu !== null ? Number((pgCpu / result['2xx']).toFixed(3)) : null,
        ok: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
      };
      rounds.push(figures);
      run.log(`  ${figures.requestsPerSecond} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, CPU ms/request ${figures.cpuMsPerRequest} (Postgres ${figures.postgresCpuMsPerRequest}), ${figures.non2xx} non-2xx, ${figures.errors} errors`);
      await sleep(1000);
    }
  }

  const summary = (name: string) => {
    const mine = rounds.filter((r) => r.target === name);
    return {
      requestsPerSecond: Math.round(mine.reduce((a, r) => a + r.requestsPerSecond, 0) / mine.length),
      p50Ms: Math.max(...mine.map((r) => r.p50Ms)),
      p99Ms: Math.max(...mine.map((r) => r.p99Ms)),
      cpuMsPerRequest: Number((mine.reduce((a, r) => a + (r.cpuMsPerRequest ?? 0), 0) / mine.length).toFixed(3)),
      postgresCpuMsPerRequest: Number((mine.reduce((a, r) => a + (r.postgresCpuMsPerRequest ?? 0), 0) / mine.length).toFixed(3)),
    };
  };
  const base = summary('minimal receiver');
  const ours = summary('Debrief');
  const ratio = Number((ours.requestsPerSecond / base.requestsPerSecond).toFixed(2));

  // Durability: every id answered 200 is in the database, and (for Debrief) has its sync.
  const durability: Record<string, unknown> = {};
  for (const t of targets) {
    const ids = acceptedBy.get(t.name)!;
    const stored: Array<{ n: number; syncs: number }> = await t.db.dataSource.query(
      `SELECT count(*)::int AS n, (SELECT count(*) FROM syncs s WHERE s.event_id = ANY($1::text[]))::int AS syncs
       FROM webhook_events WHERE id = ANY($1::text[])`,
      [ids],
    );
    durability[t.name] = { answered200: ids.length, stored: stored[0].n, ...(t.name === 'Debrief' ? { syncs: stored[0].syncs } : {}) };
    run.check(stored[0].n === ids.length, `${t.name}: every 200 is stored (${stored[0].n}/${ids.length})`);
    if (t.name === 'Debrief') run.check(stored[0].syncs === ids.length, `Debrief: every stored event has its sync (${stored[0].syncs}/${ids.length})`);
  }
  run.check(errorsOrNon2xx === 0, `no errors and no non-2xx answers (${errorsOrNon2xx})`);
  run.check(ratio >= 0.75, `Debrief reaches at least 0.75 of the minimal receiver's throughput (${ratio})`);
  run.check(ours.p99Ms < 25, `Debrief p99 under 25 ms at ${CONNECTIONS} connections (${ours.p99Ms} ms)`);

  run.report({
    database: server.description,
    settings: { connections: CONNECTIONS, durationSeconds: DURATION, rounds: ROUNDS, dbPoolSize: Number(POOL), worker: 'disabled', logLevel: 'info (to a file)' },
    minimalReceiver: base,
    debrief: ours,
    throughputRatio: ratio,
    rounds,
    durability,
  });
});
