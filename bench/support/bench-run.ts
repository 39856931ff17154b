import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

export interface MachineInfo {
  nproc: number;
  cpu: string;
  memory: string;
  node: string;
  /** 1-minute load average when the run started and when it ended: other work on the machine skews figures. */
  loadAverage: { atStart: number; atEnd: number };
}

const loadAtStart = Number(loadavg()[0].toFixed(2));

export function machineInfo(): MachineInfo {
  let nproc = cpus().length;
  let memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
  try {
    nproc = Number(execSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
    const line = execSync('free -h', { encoding: 'utf8' }).split('\n').find((l) => l.startsWith('Mem:'));
    if (line) memory = `${line.split(/\s+/)[1]} total`;
  } catch {
    // nproc / free are not everywhere: the os module's figures stand in
  }
  return {
    nproc,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory,
    node: process.version,
    loadAverage: { atStart: loadAtStart, atEnd: Number(loadavg()[0].toFixed(2)) },
  };
}

type Cleanup = () => Promise<void> | void;

/**
 * One run of a benchmark or long check: a temporary folder for logs (removed at the end unless
 * BENCH_KEEP_LOGS is set), cleanups run in reverse order on the way out (also on Ctrl-C and on a hard
 * deadline), a summary printed, figures saved under bench/results/.
 */
export class BenchRun {
  readonly dir: string;
  readonly startedAt = Date.now();
  private readonly cleanups: Cleanup[] = [];
  private readonly failures: string[] = [];
  private closing = false;

  constructor(
    readonly name: string,
    /** The run is aborted (and fails) after this long, whatever it is waiting for. */
    hardLimitMs: number,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `debrief-${name}-`));
    const abort = (why: string) => {
      process.stderr.write(`\n${name}: ${why}; cleaning up\n`);
      void this.close(1);
    };
    process.once('SIGINT', () => abort('interrupted'));
    process.once('SIGTERM', () => abort('terminated'));
    setTimeout(() => abort(`hard limit of ${Math.round(hardLimitMs / 1000)} s reached`), hardLimitMs).unref();
  }

  log(line: string): void {
    const t = ((Date.now() - this.startedAt) / 1000).toFixed(1).padStart(6);
    process.stdout.write(`[${t}s] ${line}\n`);
  }

  onCleanup(fn: Cleanup): void {
    this.cleanups.push(fn);
  }

  /** Records a failed check (the run goes on, to report everything, and exits non-zero). */
  check(ok: boolean, what: string): boolean {
    process.stdout.write(`  ${ok ? 'PASS' : 'FAIL'}  ${what}\n`);
    if (!ok) this.failures.push(what);
    return ok;
  }

  get failed(): boolean {
    return this.failures.length > 0;
  }

  /** Prints the summary and saves it as JSON (bench/results/ is not committed). */
  report(figures: Record<string, unknown>): void {
    const summary = { run: this.name, at: new Date().toISOString(), machine: machineInfo(), ...figures, failures: this.failures };
    process.stdout.write(`\n=== ${this.name} ===\n${JSON.stringify(summary, null, 2)}\n`);
    try {
      const dir = join(process.cwd(), 'bench', 'results');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${this.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(summary, null, 2));
    } catch {
      // the summary is on stdout either way
    }
  }

  async close(code = this.failed ? 1 : 0): Promise<never> {
    if (!this.closing) {
      this.closing = true;
      for (const fn of this.cleanups.reverse()) {
        try {
          await fn();
        } catch (err) {
          process.stderr.write(`cleanup failed: ${(err as Error).message}\n`);
        }
      }
      // The service logs of a load run are large (two lines a request): kept only when asked for.
      if (process.env.BENCH_KEEP_LOGS) process.stderr.write(`logs kept in ${this.dir}\n`);
      else {
        rmSync(this.dir, { recursive: true, force: true });
        if (code !== 0) process.stderr.write('(set BENCH_KEEP_LOGS=1 to keep the service logs of a run)\n');
      }
      process.stdout.write(`\n${this.name}: ${code === 0 ? 'PASSED' : `FAILED${this.failures.length ? `: ${this.failures.join('; ')}` : ''}`}\n`);
    }
    process.exit(code);
  }
}

/** Runs `main` inside a BenchRun, turning a thrown error into a failed run (after cleanup). */
export function runBench(name: string, hardLimitMs: number, main: (run: BenchRun) => Promise<void>): void {
  const run = new BenchRun(name, hardLimitMs);
  main(run).then(
    () => run.close(),
    (err: unknown) => {
      process.stderr.write(`${name} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      return run.close(1);
    },
  );
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
