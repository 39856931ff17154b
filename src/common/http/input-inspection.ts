import { toJsonPath } from '../json-path';

/** One thing wrong with a request part, named by its JSON path (`$.settings.userId`). */
export interface InputProblem {
  path: string;
  message: string;
}

export interface InspectionRules {
  /** Containers (objects, arrays) nested deeper than this are refused; the root object is depth 1. */
  maxDepth: number;
  /** Also refuse NUL characters and lone UTF-16 surrogates in strings and keys. */
  text: boolean;
}

// Postgres text refuses NUL; a lone surrogate is stored as U+FFFD in text and refused in jsonb, so neither can
// mean anything a caller wants kept.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain a NUL character';
  if (LONE_SURROGATE.test(text)) return 'must not contain a lone UTF-16 surrogate (\\uD800-\\uDFFF)';
  return null;
}

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | null;
  key: string | number | null;
}

const pathOf = (frame: Frame, prefix: ReadonlyArray<string | number>): string => {
  const keys: Array<string | number> = [];
  for (let f: Frame | null = frame; f && f.key !== null; f = f.parent) keys.push(f.key);
  return toJsonPath([...prefix, ...keys.reverse()]);
};

/**
 * The first problem in a parsed JSON value (or query, or path parameter), or null. Walks with its own stack
 * rather than recursion, so a value nested 100,000 deep is measured instead of overflowing the call stack.
 */
export function findInputProblem(value: unknown, rules: InspectionRules, prefix: ReadonlyArray<string | number> = []): InputProblem | null {
  const stack: Frame[] = [{ value, depth: 0, parent: null, key: null }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const current = frame.value;
    if (typeof current === 'string') {
      const problem = rules.text ? textProblem(current) : null;
      if (problem) return { path: pathOf(frame, prefix), message: problem };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    const depth = frame.depth + 1;
    if (depth > rules.maxDepth) return { path: pathOf(frame, prefix), message: `nested deeper than ${rules.maxDepth} levels` };
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], depth, parent: frame, key: i });
      continue;
    }
    for (const key of Object.keys(current)) {
      if (rules.text) {
        const problem = textProblem(key);
        if (problem) return { path: pathOf({ value: key, depth, parent: frame, key }, prefix), message: `key ${problem}` };
      }
      stack.push({ value: (current as Record<string, unknown>)[key], depth, parent: frame, key });
    }
  }
  return null;
}

export const TRUNCATED = '[nested too deep: not shown]';

/** Deeper than anything intake keeps (JSON_MAX_DEPTH is at most 1000), shallow enough to serialise safely. */
export const READABLE_DEPTH = 1000;

/**
 * A copy of `value` in which every container deeper than `maxDepth` is replaced by a marker string; `value`
 * itself when nothing is that deep. Iterative, for the same reason as `findInputProblem`.
 */
export function truncateDepth(value: unknown, maxDepth: number): unknown {
  if (findInputProblem(value, { maxDepth, text: false }) === null) return value;
  const root: { v: unknown } = { v: undefined };
  const stack: Array<{ source: unknown; depth: number; assign: (copy: unknown) => void }> = [
    { source: value, depth: 0, assign: (copy) => (root.v = copy) },
  ];
  while (stack.length > 0) {
    const { source, depth, assign } = stack.pop()!;
    if (source === null || typeof source !== 'object') {
      assign(source);
    } else if (depth + 1 > maxDepth) {
      assign(TRUNCATED);
    } else if (Array.isArray(source)) {
      const copy: unknown[] = new Array(source.length);
      assign(copy);
      source.forEach((item, i) => stack.push({ source: item, depth: depth + 1, assign: (c) => (copy[i] = c) }));
    } else {
      const copy: Record<string, unknown> = {};
      assign(copy);
      for (const [key, item] of Object.entries(source)) {
        stack.push({ source: item, depth: depth + 1, assign: (c) => Object.defineProperty(copy, key, { value: c, enumerable: true, writable: true, configurable: true }) });
      }
    }
  }
  return root.v;
}
