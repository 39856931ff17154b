import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../src/database/embedded-postgres';

export const BENCH_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
export const BENCH_ADMIN_TOKEN = `bench-admin-${randomBytes(8).toString('hex')}`;
export const BENCH_ENCRYPTION_KEY = randomBytes(32).toString('hex');

/**
 * The built service, relative to the working directory (npm scripts run from the project root).
 * BENCH_SERVICE_ENTRY points at another build, to compare two versions on the same machine.
 */
export const SERVICE_ENTRY = process.env.BENCH_SERVICE_ENTRY ?? join(process.cwd(), 'dist', 'src', 'main.js');

export interface ServiceOptions {
  databaseUrl: string;
  /** Where stdout and stderr go (a file in the run's temporary folder). */
  logFile: string;
  env?: Record<string, string>;
  port?: number;
}

/**
 * The service as production runs it (`node dist/src/main.js`, NODE_ENV=production), as a child process the
 * harness can stop politely, kill -9, and restart on the same port.
 */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> | null = null;
  port = 0;

  constructor(private readonly options: ServiceOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    if (!existsSync(SERVICE_ENTRY)) throw new Error(`${SERVICE_ENTRY} is missing: run npm run build first`);
    if (this.port === 0) this.port = this.options.port ?? (await freePort());
    const fd = openSync(this.options.logFile, 'a');
    // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" to profile the service under load
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, SERVICE_ENTRY], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(this.port),
        DATABASE_URL: this.options.databaseUrl,
        WEBHOOK_SECRETS: BENCH_SECRET,
        ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
        ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
        LOG_LEVEL: 'info',
        SCHEDULER_ENABLED: 'false',
        // The fake ATS listens on this machine, which only a listed host may be.
        ATS_ALLOWED_HOSTS: '127.0.0.1',
        ...this.options.env,
        // e.g. BENCH_SERVICE_ENV="LOG_LEVEL=warn,DB_POOL_SIZE=20" to try a setting without editing a script
        ...Object.fromEntries(
          (process.env.BENCH_SERVICE_ENV ?? '')
            .split(',')
            .filter((kv) => kv.includes('='))
            .map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1).trim()]),
        ),
      },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void this.exited.then(() => {
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child !== child) throw new Error(`the service exited during start; see ${this.options.logFile}:\n${this.tail()}`);
      try {
        const res = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    await this.kill();
    throw new Error(`the service did not become ready in ${timeoutMs} ms; see ${this.options.logFile}:\n${this.tail()}`);
  }

  /** SIGTERM and wait (the graceful path); SIGKILL after the timeout. */
  async stop(timeoutMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** kill -9: no shutdown hook runs, in-flight requests and attempts are cut. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** Peak resident set size (VmHWM) of the running process, in bytes. */
  peakRssBytes(): number | null {
    return readStatusKb(this.child?.pid, 'VmHWM');
  }

  rssBytes(): number | null {
    return readStatusKb(this.child?.pid, 'VmRSS');
  }

  tail(lines = 30): string {
    try {
      return readFileSync(this.options.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

/** CPU time (user + system) a process has used so far, in milliseconds; null when it is gone. */
export function cpuTimeMs(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat (12 and 13 after the command), in clock ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

function readStatusKb(pid: number | undefined, field: string): number | null {
  if (!pid) return null;
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
