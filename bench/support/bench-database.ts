import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { cpuTimeMs } from './service-process';

/** The local Postgres the project's machines run; used when BENCH_DATABASE_URL is not set. */
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchServer {
  /** A URL on the server's maintenance database, to create and drop databases. */
  adminUrl: string;
  /** What kind of server it is, for the report. */
  description: string;
  stop(): Promise<void>;
}

export interface BenchDatabase {
  name: string;
  url: string;
  /** A small migrated pool for the harness's own checks (never the service's pool). */
  dataSource: DataSource;
  drop(): Promise<void>;
}

/**
 * BENCH_DATABASE_URL when set, else the local Postgres at 127.0.0.1:5432, else an embedded cluster in a
 * temporary folder (removed by stop()).
 */
export async function openBenchServer(log: (line: string) => void = () => undefined): Promise<BenchServer> {
  const candidates = process.env.BENCH_DATABASE_URL ? [process.env.BENCH_DATABASE_URL] : [LOCAL_POSTGRES];
  for (const url of candidates) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      const version = (await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
      await client.end();
      const host = new URL(url);
      return { adminUrl: url, description: `PostgreSQL ${version} at ${host.hostname}:${host.port || 5432}`, stop: async () => undefined };
    } catch (err) {
      await client.end().catch(() => undefined);
      if (process.env.BENCH_DATABASE_URL) throw new Error(`BENCH_DATABASE_URL is unreachable: ${(err as Error).message}`);
    }
  }
  log('no Postgres at 127.0.0.1:5432: starting an embedded cluster');
  const dir = mkdtempSync(join(tmpdir(), 'debrief-bench-pg-'));
  let handle: EmbeddedPostgresHandle;
  try {
    handle = await startEmbeddedPostgres(dir, { database: 'postgres' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    adminUrl: handle.url,
    description: 'embedded PostgreSQL (temporary cluster)',
    stop: async () => {
      await handle.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A fresh migrated database named `debrief_bench_<random>`; drop() refuses any other name. */
export async function createBenchDatabase(server: BenchServer, options: { migrate?: boolean } = {}): Promise<BenchDatabase> {
  const name = `debrief_bench_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(server.adminUrl, name);
  const dataSource = new DataSource(dataSourceOptions(url, 4));
  await dataSource.initialize();
  if (options.migrate !== false) await dataSource.runMigrations();
  return {
    name,
    url,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (!name.startsWith('debrief_bench_')) throw new Error(`refusing to drop ${name}`);
      const c = new Client({ connectionString: server.adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** CPU time of the server processes serving a database (readable only when Postgres runs on this machine). */
export async function backendCpu(dataSource: DataSource, database: string): Promise<Map<number, number>> {
  const rows: Array<{ pid: number }> = await dataSource.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = cpuTimeMs(pid);
    if (ms !== null) cpu.set(pid, ms);
  }
  return cpu;
}

/** CPU used between two readings; backends opened in between count from zero. */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number | null {
  if (after.size === 0) return null;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
