import { join } from 'node:path';
import { BenchDatabase, BenchServer, createBenchDatabase, openBenchServer } from './bench-database';
import { BenchRun } from './bench-run';
import { createGreenhouseConnection, seedDirectory } from './bench-setup';
import { BenchCandidate, benchCandidates } from './bench-webhooks';
import { FakeAtsOptions, FakeAtsServer } from './fake-ats.server';
import { ServiceProcess } from './service-process';

export interface Scenario {
  server: BenchServer;
  db: BenchDatabase;
  fake: FakeAtsServer;
  candidates: BenchCandidate[];
  connectionId: string;
  /** A service process on the scenario's database (not started); its URL may be overridden (a proxy). */
  service(name: string, env: Record<string, string>, databaseUrl?: string): ServiceProcess;
}

/**
 * What the long checks share: a fresh database, a fake Greenhouse, one service started once to create the
 * connection through the admin API, and the candidate directory filled. Everything is cleaned up with the run.
 */
export async function openScenario(
  run: BenchRun,
  options: { candidates?: number; fake?: Omit<FakeAtsOptions, 'candidates'>; connectionSettings?: Record<string, unknown> } = {},
): Promise<Scenario> {
  const server = await openBenchServer((l) => run.log(l));
  run.onCleanup(() => server.stop());
  const db = await createBenchDatabase(server);
  run.onCleanup(() => db.drop());
  const candidates = benchCandidates(options.candidates ?? 500);
  const fake = new FakeAtsServer({ candidates, ...options.fake });
  await fake.start();
  run.onCleanup(() => fake.stop());

  const services: ServiceProcess[] = [];
  run.onCleanup(async () => {
    await Promise.all(services.map((s) => s.kill()));
  });
  const service = (name: string, env: Record<string, string>, databaseUrl = db.url) => {
    const s = new ServiceProcess({ databaseUrl, logFile: join(run.dir, `${name}.log`), env });
    services.push(s);
    return s;
  };

  const setup = service('setup', { WORKER_ENABLED: 'false' });
  await setup.start();
  const connectionId = await createGreenhouseConnection(setup.url, fake, {
    rateLimit: { limit: 1000, intervalMs: 1000 },
    ...options.connectionSettings,
  });
  await setup.stop();
  await seedDirectory(db.dataSource, connectionId, candidates);
  run.log(`database ${server.description}; fake Greenhouse on ${fake.baseUrl}; ${candidates.length} candidates in the directory`);
  return { server, db, fake, candidates, connectionId, service };
}

/** Summarises the attempt history: attempts per sync, outcomes, and syncs with more than one success. */
export async function attemptFigures(db: BenchDatabase): Promise<{
  outcomes: Record<string, number>;
  maxAttempts: number;
  syncsWithRetries: number;
  syncsWithTwoSuccesses: number;
  byWorker: Record<string, number>;
}> {
  const outcomes: Array<{ outcome: string; n: number }> = await db.dataSource.query(
    `SELECT outcome, count(*)::int AS n FROM sync_attempts GROUP BY outcome ORDER BY n DESC`,
  );
  const [per] = await db.dataSource.query(
    `SELECT coalesce(max(n), 0)::int AS max, count(*) FILTER (WHERE n > 1)::int AS retried, count(*) FILTER (WHERE synced > 1)::int AS twice
     FROM (SELECT sync_id, count(*) AS n, count(*) FILTER (WHERE outcome = 'synced') AS synced FROM sync_attempts GROUP BY sync_id) x`,
  );
  const workers: Array<{ worker: string; n: number }> = await db.dataSource.query(
    `SELECT split_part(worker, ':', 2) AS worker, count(*)::int AS n FROM sync_attempts WHERE outcome = 'synced' GROUP BY 1`,
  );
  return {
    outcomes: Object.fromEntries(outcomes.map((o) => [o.outcome, o.n])),
    maxAttempts: per.max,
    syncsWithRetries: per.retried,
    syncsWithTwoSuccesses: per.twice,
    byWorker: Object.fromEntries(workers.map((w) => [`pid ${w.worker}`, w.n])),
  };
}
