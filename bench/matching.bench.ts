/**
 * npm run bench:matching — candidate matching against a directory of 1,000,000 candidates in Postgres.
 *
 * Loads a deterministic directory (bench/matching-data.ts) into a fresh database with batched multi-row INSERTs
 * (secondary indexes built after the load, as a bulk load does), then times what the service does per meeting:
 * CandidateFinderService.find with the real repository and policy, for an ATS that offers no live search (so no
 * ATS call is made and every answer comes from the directory). Meetings mix phone and email hits, name-only hits,
 * common namesakes, misses and conflicts. Reports load time, p50/p90/p99 per match, decisions and statements sent to
 * Postgres per kind, and fails if any meeting is filed on the wrong candidate.
 *
 * Env: BENCH_CANDIDATES (1000000), BENCH_MEETINGS (2000), BENCH_DATABASE_URL (a server to create the database
 *      on; default the local Postgres at 127.0.0.1:5432, user postgres), BENCH_KEEP=1 keeps the database,
 *      BENCH_REUSE=<database> measures again on a kept database (same BENCH_CANDIDATES) without loading it,
 *      BENCH_PREWARM=0 measures without first reading the directory into the OS page cache.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { AtsAdapter, AtsContext } from '../src/ats/ats-adapter.port';
import { dataSourceOptions } from '../src/database/data-source-options';
import { CandidateDirectoryRepository, DIRECTORY_LOOKUP_LIMIT } from '../src/matching/candidate-directory.repository';
import { CandidateFinderService } from '../src/matching/candidate-finder.service';
import { candidateKeys } from '../src/matching/match-policy';
import { queryNameKeys, storedNameKeys } from '../src/matching/name-lookup-keys';
import { normalisePhone } from '../src/matching/identifier-normaliser';
import { benchMeetings, DirectoryGenerator, MeetingKind } from './matching-data';

const CANDIDATES = Number(process.env.BENCH_CANDIDATES ?? 1_000_000);
const MEETINGS = Number(process.env.BENCH_MEETINGS ?? 2_000);
const WARM_UP = 200;
const BATCH = 5_000;
const SEED = 20251010;
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SEP = '\u001f';
const PREWARM = process.env.BENCH_PREWARM !== '0';

const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const f = (v: number) => v.toFixed(2);
  return `p50 ${f(percentile(sorted, 50))} ms, p90 ${f(percentile(sorted, 90))} ms, p99 ${f(percentile(sorted, 99))} ms, max ${f(sorted[sorted.length - 1] ?? NaN)} ms, mean ${f(mean)} ms`;
}

/** Name keys repeat across a directory (many people share a name): compute each once. */
function memo<T>(compute: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) cache.set(key, (value = compute(key)));
    return value;
  };
}

async function load(client: Client, connectionId: string, generator: DirectoryGenerator): Promise<Record<string, number>> {
  const indexes: Array<{ indexname: string; indexdef: string }> = (
    await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'candidates' AND indexname LIKE 'candidates\\_%\\_idx'`)
  ).rows;
  for (const index of indexes) await client.query(`DROP INDEX ${index.indexname}`);

  const nameKeyOf = memo((first: string) => {
    const [firstName, lastName] = first.split(SEP);
    return candidateKeys({ firstName, lastName, displayName: `${firstName} ${lastName}`, phones: [], emails: [] }).nameKey ?? '';
  });
  const nameKeysOf = memo((display: string) => storedNameKeys([display]).join(SEP));

  let generateMs = 0;
  let insertMs = 0;
  for (let start = 0; start < CANDIDATES; start += BATCH) {
    const t0 = performance.now();
    const columns: string[][] = [[], [], [], [], [], [], [], []];
    for (let i = start; i < Math.min(CANDIDATES, start + BATCH); i++) {
      const c = generator.candidate(i);
      // The same keys CandidateDirectoryRepository.upsert stores (phones are generated in E.164 already).
      const row = [c.externalId, c.displayName, c.firstName, c.lastName, nameKeyOf(`${c.firstName}${SEP}${c.lastName}`), nameKeysOf(c.displayName), c.phones.join(SEP), c.emails.join(SEP)];
      row.forEach((value, k) => columns[k]!.push(value));
    }
    const t1 = performance.now();
    await client.query(
      `INSERT INTO candidates (connection_id, external_id, display_name, first_name, last_name, name_key, name_keys, phones, emails)
       SELECT $1, x.e, x.d, x.f, x.l, x.k, string_to_array(x.nk, E'\\x1f'), string_to_array(x.p, E'\\x1f'), string_to_array(x.m, E'\\x1f')
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS x(e, d, f, l, k, nk, p, m)`,
      [connectionId, ...columns],
    );
    generateMs += t1 - t0;
    insertMs += performance.now() - t1;
    if ((start / BATCH) % 40 === 39) log(`  ${start + BATCH} candidates inserted`);
  }

  const t2 = performance.now();
  await client.query(`SET maintenance_work_mem = '512MB'`);
  for (const index of indexes) await client.query(index.indexdef);
  // As autovacuum would after a bulk load: statistics, hint bits and the visibility map.
  await client.query('VACUUM ANALYZE candidates');
  const indexMs = performance.now() - t2;
  return { generateMs, insertMs, indexMs };
}

/** An ATS that offers no live search: every decision comes from the directory, no ATS call is made. */
function directoryOnlyAdapter(): AtsAdapter {
  const refuse = async () => {
    throw new Error('the matching benchmark makes no ATS calls');
  };
  return {
    provider: 'bench',
    capabilities: { search: [], listing: true, incrementalListing: true, privateNotes: true, richText: false, actAsUser: false, rateLimit: { limit: 1, intervalMs: 1000 } },
    searchCandidates: refuse,
    listCandidates: refuse,
    createNote: refuse,
    findNote: refuse,
    testConnection: refuse,
  } as unknown as AtsAdapter;
}

/**
 * A directory in use is in the operating system's page cache; one just loaded (or kept from an earlier run) may
 * not be, and then the first lookups that touch a page wait for the disk. pg_prewarm's 'read' mode reads the
 * table and its indexes once, through the OS cache, without changing Postgres's settings (shared_buffers stays
 * at the server's own value).
 */
async function prewarm(client: Client): Promise<string> {
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_prewarm');
    const started = performance.now();
    const { rows } = await client.query(
      `SELECT sum(pg_prewarm(c.oid, 'read'))::bigint AS blocks FROM pg_class c
       WHERE c.oid = 'candidates'::regclass OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'candidates'::regclass)`,
    );
    return `table and indexes read into the OS page cache first (pg_prewarm 'read', ${rows[0].blocks} blocks, ${seconds(performance.now() - started)})`;
  } catch (err) {
    return `not warmed (pg_prewarm unavailable: ${(err as Error).message})`;
  }
}

async function main(): Promise<void> {
  const generator = new DirectoryGenerator(SEED);
  for (let i = 0; i < CANDIDATES; i += Math.max(1, Math.floor(CANDIDATES / 1000))) {
    for (const phone of generator.candidate(i).phones) {
      if (normalisePhone(phone) !== phone) throw new Error(`generated phone ${phone} is not in the form the directory stores`);
    }
  }

  const reuse = process.env.BENCH_REUSE;
  if (reuse !== undefined && !/^debrief_bench_matching_[0-9a-f]+$/.test(reuse)) throw new Error('BENCH_REUSE names a kept benchmark database');
  const name = reuse ?? `debrief_bench_matching_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: SERVER });
  await admin.connect();
  const version = (await admin.query(`SELECT current_setting('server_version') AS v`)).rows[0].v as string;
  if (!reuse) await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  log(`matching benchmark: ${CANDIDATES.toLocaleString('en-US')} candidates, ${MEETINGS} meetings`);
  log(`database: ${name} on PostgreSQL ${version} at ${url.hostname}:${url.port || 5432}`);
  const load1 = () => loadavg()[0]!.toFixed(1);
  log(`machine: load average ${load1()} (1 min) on a 2-core machine shared with other work`);

  const dataSource = new DataSource(dataSourceOptions(url.toString(), 4));
  const client = new Client({ connectionString: url.toString() });
  try {
    // Sessions opened after the migrations get the database settings they make (jit off).
    const migrator = new DataSource(dataSourceOptions(url.toString(), 1));
    await migrator.initialize();
    await migrator.runMigrations();
    await migrator.destroy();
    await dataSource.initialize();
    await client.connect();
    let connectionId: string;
    if (reuse) {
      connectionId = (await client.query(`SELECT id FROM connections WHERE name = 'bench'`)).rows[0].id;
    } else {
      connectionId = (
        await client.query(`INSERT INTO connections (name, provider, account_id) VALUES ('bench', 'bench', 'acc_bench') RETURNING id`)
      ).rows[0].id;
      // The directory was filled completely: a name held by one candidate may decide (see the finder).
      await client.query(`INSERT INTO directory_refresh_state (connection_id, last_full_at) VALUES ($1, now())`, [connectionId]).catch(() => undefined);
      const loadStarted = performance.now();
      const times = await load(client, connectionId, generator);
      const loadMs = performance.now() - loadStarted;
      log(`load: ${seconds(loadMs)} (generate ${seconds(times.generateMs!)}, insert ${seconds(times.insertMs!)}, indexes + analyze ${seconds(times.indexMs!)})`);
    }
    const size = (
      await client.query(
        `SELECT pg_size_pretty(pg_table_size('candidates')) AS t, pg_size_pretty(pg_indexes_size('candidates')) AS i,
                pg_size_pretty(pg_relation_size('candidates_name_keys_idx')) AS k, avg(cardinality(name_keys))::numeric(5,1) AS keys
         FROM (SELECT name_keys FROM candidates LIMIT 10000) s`,
      )
    ).rows[0];
    const [{ jit }] = await dataSource.query(`SELECT current_setting('jit') AS jit`);
    log(`size: table ${size.t}, indexes ${size.i} (name keys ${size.k}), ${size.keys} name keys per candidate; jit ${jit}`);

    if (PREWARM) log(`page cache: ${await prewarm(client)}`);
    else log('page cache: not warmed (BENCH_PREWARM=0): lookups that touch pages not read yet wait for the disk');

    // Statements each match sends to Postgres (the lookup, and the refresh-state read of a name-only match).
    // Counted where every statement passes, prepared or not: the driver's Client.query.
    let statements = 0;
    const send = Client.prototype.query;
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      statements++;
      return (send as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof send;
    const directory = new CandidateDirectoryRepository(dataSource);
    const finder = new CandidateFinderService(directory, dataSource);
    const adapter = directoryOnlyAdapter();
    const ctx: AtsContext = { connectionId, credentials: {}, settings: {} };

    const meetings = benchMeetings(generator, CANDIDATES, WARM_UP + MEETINGS, SEED + 1);
    for (const m of meetings.slice(0, WARM_UP)) await finder.find(adapter, ctx, m);

    const all: number[] = [];
    // Wall time includes waiting for a CPU on a busy machine; this process's own CPU time per match does not.
    const cpu: number[] = [];
    const byKind = new Map<MeetingKind, { times: number[]; statements: number[]; decisions: Record<string, number> }>();
    const wrong: string[] = [];
    for (const m of meetings.slice(WARM_UP)) {
      const c0 = process.cpuUsage();
      const s0 = statements;
      const t0 = performance.now();
      const found = await finder.find(adapter, ctx, m);
      const ms = performance.now() - t0;
      const used = process.cpuUsage(c0);
      all.push(ms);
      cpu.push((used.user + used.system) / 1000);
      const entry = byKind.get(m.kind) ?? { times: [], statements: [], decisions: {} };
      byKind.set(m.kind, entry);
      entry.times.push(ms);
      entry.statements.push(statements - s0);
      const decision = found.decision.decision;
      const label = decision === 'matched' ? (found.decision.candidateId === m.expected ? 'matched' : 'matched_other') : decision;
      entry.decisions[label] = (entry.decisions[label] ?? 0) + 1;
      if (decision === 'matched' && m.expected !== null && found.decision.candidateId !== m.expected) {
        wrong.push(`${m.kind} "${m.atsRecordName}" ${m.participants.join(' ')} → ${found.decision.candidateId}, expected ${m.expected}`);
      }
    }

    log(`per match (directory lookup + decision, ${MEETINGS} meetings after ${WARM_UP} warm-up, load average ${load1()}): ${summary(all)}`);
    const perMatch = (counts: number[]) => (counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length)).toFixed(2);
    for (const [kind, { times: t, statements: n, decisions }] of byKind) {
      const counts = Object.entries(decisions).map(([k, v]) => `${k} ${v}`).join(', ');
      log(`  ${kind.padEnd(10)} n=${String(t.length).padStart(4)}  ${summary(t)}  statements ${perMatch(n)}  [${counts}]`);
    }
    log(`statements per match: ${perMatch([...byKind.values()].flatMap((e) => e.statements))}`);
    log(`benchmark process CPU per match (no waiting for a CPU; Postgres's share not included): ${summary(cpu)}`);
    const sample = meetings.find((m) => m.kind === 'namesake')!;
    const plan = await dataSource.query(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT external_id FROM candidates WHERE connection_id = $1 AND name_keys && $2::text[] LIMIT ${DIRECTORY_LOOKUP_LIMIT + 1}`,
      [connectionId, queryNameKeys(sample.atsRecordName).strict],
    );
    log(`plan of a namesake lookup ("${sample.atsRecordName}"):\n${plan.map((r: Record<string, string>) => `  ${r['QUERY PLAN']}`).join('\n')}`);

    if (wrong.length > 0) {
      log(`WRONG CANDIDATE in ${wrong.length} meetings:\n${wrong.slice(0, 20).map((w) => `  ${w}`).join('\n')}`);
      process.exitCode = 1;
    } else {
      log('wrong candidate: 0');
    }
    const p99 = percentile([...all].sort((a, b) => a - b), 99);
    log(`target p99 < 5 ms: ${p99 < 5 ? 'met' : 'NOT met'} (${p99.toFixed(2)} ms)`);
  } finally {
    await client.end().catch(() => undefined);
    if (dataSource.isInitialized) await dataSource.destroy();
    if (process.env.BENCH_KEEP === '1' || reuse) log(`kept database ${name}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

void main().catch((err) => {
  process.stderr.write(`matching benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

