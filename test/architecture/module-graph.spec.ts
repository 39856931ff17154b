import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = process.cwd();
const CRUISER = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Runs dependency-cruiser with the project's rules over `src/` of `dir` and answers its violations. */
function violationsIn(dir: string): Violation[] {
  const run = spawnSync(process.execPath, [CRUISER, 'src', '--config', CONFIG, '--metrics', '--output-type', 'json'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!run.stdout) throw new Error(`dependency-cruiser gave no answer: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const fixture = (name: string) => join(ROOT, 'test', 'fixtures', 'module-graph', name);
/** A cruise takes seconds on a busy machine; each test runs one or two. */
const CRUISE_TIMEOUT_MS = 120_000;
const rules = (violations: Violation[]) => [...new Set(violations.map((v) => v.rule.name))].sort();

describe('the module graph', () => {
  it('src/ has no import cycle between files or folders, and every folder imports downward only', () => {
    const violations = violationsIn(ROOT);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  }, CRUISE_TIMEOUT_MS);

  it('fails on a cycle between two files', () => {
    expect(rules(violationsIn(fixture('file-cycle')))).toEqual(['no-file-cycle']);
  }, CRUISE_TIMEOUT_MS);

  it('fails on a cycle between two folders whose files form no cycle', () => {
    const violations = violationsIn(fixture('folder-cycle'));
    expect(rules(violations)).toEqual(['mapping-imports-downward', 'no-folder-cycle']);
    expect(violations.find((v) => v.rule.name === 'mapping-imports-downward')).toMatchObject({
      from: 'src/mapping/other.ts',
      to: 'src/sync/status.ts',
    });
  }, CRUISE_TIMEOUT_MS);

  it('fails on an upward import without a cycle, and passes a downward one', () => {
    expect(violationsIn(fixture('upward')).map((v) => [v.rule.name, v.from, v.to])).toEqual([
      ['ats-imports-downward', 'src/ats/adapter.ts', 'src/sync/status.ts'],
    ]);
    expect(violationsIn(fixture('downward'))).toEqual([]);
  }, CRUISE_TIMEOUT_MS);
});
