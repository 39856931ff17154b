import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decideMatch,
  readMatchSettings,
  type DirectoryCandidate,
  type MatchDecision,
  type MatchInput,
} from '../../src/matching/match-policy';

/**
 * The labelled corpus is the product's promise in numbers: a note lands on the right candidate or on none.
 * Every case must get its labelled decision, and a `matched` on any other candidate than the label fails the run,
 * whatever the other figures say.
 */
interface CorpusCase {
  id: string;
  description: string;
  category: string;
  meeting: MatchInput;
  /** Overrides in the shape of a connection's settings document. */
  settings: Record<string, unknown>;
  directory: DirectoryCandidate[];
  expected: { decision: MatchDecision['decision']; candidateId: string | null };
}

const REQUIRED_CATEGORIES = [
  'diacritics',
  'transliteration',
  'reordered',
  'partial',
  'middle_initials',
  'particles',
  'hyphen_apostrophe',
  'namesakes',
  'shared_phone',
  'recycled_phone',
  'phone_formats',
  'internal_number',
  'emails',
  'internal_domain',
  'missing_name',
  'conflict',
  'surname_particles',
  'joined_names',
  'cjk',
  'plus_address',
  'decorations',
  'nickname_namesakes',
];

const corpus = JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'matching-corpus.json'), 'utf8')) as {
  cases: CorpusCase[];
};
const cases = corpus.cases;
const outcomes = cases.map((c) => ({
  case: c,
  result: decideMatch(c.meeting, c.directory, readMatchSettings(c.settings)),
}));

function isWrongCandidate({ case: c, result }: (typeof outcomes)[number]): boolean {
  return (
    result.decision === 'matched' &&
    (c.expected.decision !== 'matched' || result.candidateId !== c.expected.candidateId)
  );
}

function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)}%`;
}

describe('matching corpus', () => {
  it('holds at least 200 well-formed cases covering every category', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    const categories = new Set(cases.map((c) => c.category));
    for (const category of REQUIRED_CATEGORIES) expect(categories).toContain(category);
    for (const c of cases) {
      expect(['matched', 'unmatched', 'needs_review']).toContain(c.expected.decision);
      expect(c.expected.candidateId === null).toBe(c.expected.decision !== 'matched');
      if (c.expected.candidateId !== null) {
        expect(c.directory.map((candidate) => candidate.externalId)).toContain(c.expected.candidateId);
      }
    }
  });

  it.each(outcomes.map((outcome) => [outcome.case.id, outcome.case.description, outcome] as const))(
    '%s: %s',
    (_id, _description, { case: c, result }) => {
      expect({ decision: result.decision, candidateId: result.candidateId }).toEqual(c.expected);
      expect(result.reason.length).toBeGreaterThan(0);
      if (result.decision === 'needs_review') expect(result.alternatives.length).toBeGreaterThan(0);
      if (result.decision === 'unmatched') expect(result.evidence).toEqual([]);
    },
  );

  it('never posts to the wrong candidate, and reports precision and recall', () => {
    const matched = outcomes.filter(({ result }) => result.decision === 'matched');
    const correct = matched.filter((outcome) => !isWrongCandidate(outcome));
    const expectedMatched = cases.filter((c) => c.expected.decision === 'matched').length;
    const wrong = outcomes.filter(isWrongCandidate);

    console.log(
      [
        `matching corpus: ${cases.length} cases, ${expectedMatched} labelled matched`,
        `matched ${matched.length}, correct ${correct.length}, wrong candidate ${wrong.length}`,
        `precision ${percent(correct.length, matched.length)}, recall ${percent(correct.length, expectedMatched)}`,
      ].join('\n'),
    );

    const described = wrong.map(
      ({ case: c, result }) =>
        `${c.id}: expected ${c.expected.decision} ${c.expected.candidateId ?? ''}, got ${result.candidateId}`,
    );
    expect(described).toEqual([]);
  });
});
