import {
  DEFAULT_MATCH_SETTINGS,
  candidateKeys,
  decideMatch,
  matchQueryKeys,
  type DirectoryCandidate,
  type MatchDecision,
  type MatchSettings,
} from './match-policy';

const JANE_PHONE = '+14155552671';
const RECRUITER_PHONE = '+12125550143';

function candidate(
  externalId: string,
  displayName: string,
  extra: Partial<DirectoryCandidate> = {},
): DirectoryCandidate {
  return { externalId, displayName, firstName: null, lastName: null, phones: [], emails: [], ...extra };
}

function settings(overrides: Partial<MatchSettings> = {}): MatchSettings {
  return { ...DEFAULT_MATCH_SETTINGS, ...overrides };
}

function decide(
  atsRecordName: string | null,
  participants: string[],
  directory: DirectoryCandidate[],
  overrides: Partial<MatchSettings> = {},
): MatchDecision {
  return decideMatch({ atsRecordName, participants }, directory, settings(overrides));
}

const jane = candidate('c-jane', 'Jane Doe', {
  firstName: 'Jane',
  lastName: 'Doe',
  phones: [JANE_PHONE],
  emails: ['jane@example.com'],
});

describe('matchQueryKeys', () => {
  it('classifies participants and leaves out the organisation’s own numbers and domains', () => {
    const keys = matchQueryKeys(
      {
        atsRecordName: 'Doe, Jane',
        participants: ['(415) 555-2671', '212-555-0143', 'Jane@Example.com', 'hr@acme.com', 'x@eu.acme.com', 'user_1'],
      },
      settings({ internalNumbers: [RECRUITER_PHONE], internalDomains: ['acme.com'] }),
    );
    expect(keys).toEqual({ nameKey: 'doe jane', phones: [JANE_PHONE], emails: ['jane@example.com'] });
  });

  it('has no name key without a readable name, and removes duplicates', () => {
    const input = { atsRecordName: null, participants: ['+14155552671', '415 555 2671'] };
    expect(matchQueryKeys(input, settings())).toEqual({ nameKey: null, phones: [JANE_PHONE], emails: [] });
  });
});

describe('candidateKeys', () => {
  it('prefers the structured name and normalises identifiers', () => {
    expect(
      candidateKeys({
        firstName: 'Zoë',
        lastName: 'Ørsted',
        displayName: 'Zoe O. (referral)',
        phones: ['(415) 555-2671', 'n/a'],
        emails: [' Zoe@Example.com ', 'zoe@example.com'],
      }),
    ).toEqual({ nameKey: 'orsted zoe', phones: [JANE_PHONE], emails: ['zoe@example.com'] });
  });

  it('falls back to the display name and reads national numbers in the region', () => {
    expect(candidateKeys({ displayName: 'Smith, Anna', phones: ['020 7946 0958'], emails: [] }, 'GB')).toEqual({
      nameKey: 'anna smith',
      phones: ['+442079460958'],
      emails: [],
    });
  });
});

describe('decideMatch', () => {
  describe('by phone or email', () => {
    it('matches a phone held by one candidate whose name agrees', () => {
      const result = decide('Jane Doe', ['415-555-2671'], [jane]);
      expect(result).toMatchObject({ decision: 'matched', candidateId: 'c-jane', alternatives: [] });
      expect(result.evidence.map((e) => e.kind)).toEqual(['phone', 'exact_name']);
      expect(result.score).toBeGreaterThan(0.9);
      expect(result.reason).toMatch(/phone \+14155552671/);
    });

    it('matches an email, whatever its case', () => {
      const result = decide(null, ['JANE@example.com'], [jane]);
      expect(result).toMatchObject({ decision: 'matched', candidateId: 'c-jane' });
      expect(result.evidence.map((e) => e.kind)).toEqual(['email']);
    });

    it('matches a shorter form of the name', () => {
      const result = decide('Doe', [JANE_PHONE], [jane]);
      expect(result).toMatchObject({ decision: 'matched', candidateId: 'c-jane' });
      expect(result.evidence.map((e) => e.kind)).toEqual(['phone', 'near_name']);
    });

    it('sends a phone match to review when the name clearly belongs to someone else', () => {
      const result = decide('Robert Miller', [JANE_PHONE], [jane]);
      expect(result).toMatchObject({ decision: 'needs_review', candidateId: null });
      expect(result.evidence.map((e) => e.kind)).toContain('conflict');
      expect(result.alternatives.map((a) => a.candidateId)).toEqual(['c-jane']);
    });

    it('sends a phone match to review when the name is only spelled alike (another person, reused number)', () => {
      const maria = candidate('c-maria', 'Maria Garcia', { phones: [JANE_PHONE] });
      const result = decide('Mario Garcia', [JANE_PHONE], [maria]);
      expect(result.decision).toBe('needs_review');
    });

    it('sends a phone match to review when the name is exactly another candidate’s', () => {
      const smith = candidate('c-smith', 'John Smith', { phones: [JANE_PHONE] });
      const other = candidate('c-other', 'Adam Smith');
      const result = decide('Adam Smith', [JANE_PHONE], [smith, other]);
      expect(result.decision).toBe('needs_review');
      const partial = decide('Smith', [JANE_PHONE], [smith, candidate('c-3', 'Smith')]);
      expect(partial.decision).toBe('needs_review');
      expect(partial.evidence.some((e) => e.kind === 'conflict' && e.candidateId === 'c-smith')).toBe(true);
    });

    it('lets a phone decide between namesakes', () => {
      const namesake = candidate('c-jane-2', 'Jane Doe', { phones: ['+13125550177'] });
      const result = decide('Jane Doe', [JANE_PHONE], [jane, namesake]);
      expect(result).toMatchObject({ decision: 'matched', candidateId: 'c-jane' });
      expect(result.alternatives.map((a) => a.candidateId)).toEqual(['c-jane-2']);
    });
  });

  describe('shared identifiers', () => {
    const sibling = candidate('c-john', 'John Doe', { phones: [JANE_PHONE] });

    it('uses the name to break the tie when exactly one holder carries it', () => {
      const result = decide('John Doe', [JANE_PHONE], [jane, sibling]);
      expect(result).toMatchObject({ decision: 'matched', candidateId: 'c-john' });
      expect(result.alternatives.map((a) => a.candidateId)).toEqual(['c-jane']);
    });

    it('sends a shared number without a name to review', () => {
      const result = decide(null, [JANE_PHONE], [jane, sibling]);
      expect(result).toMatchObject({ decision: 'needs_review', candidateId: null });
      expect(result.alternatives).toHaveLength(2);
    });

    it('sends a shared number to review when no holder, or several, carry the name', () => {
      expect(decide('Sam Doe', [JANE_PHONE], [jane, sibling]).decision).toBe('needs_review');
      const twin = candidate('c-jane-2', 'Jane Doe', { phones: [JANE_PHONE] });
      expect(decide('Jane Doe', [JANE_PHONE], [jane, twin]).decision).toBe('needs_review');
    });

    it('matches when an identifier only one candidate holds agrees with the shared one', () => {
      const result = decide(null, [JANE_PHONE, 'jane@example.com'], [jane, sibling]);
      expect(result).toMatchObject({ decision: 'matched', candidateId: 'c-jane' });
    });

    it('sends identifiers of two different candidates to review', () => {
      const other = candidate('c-other', 'Oliver Bennett', { emails: ['oliver@example.com'] });
      const result = decide(null, [JANE_PHONE, 'oliver@example.com'], [jane, other]);
      expect(result.decision).toBe('needs_review');
    });
  });

  describe("the organisation's own numbers and domains", () => {
    it('never matches the recruiter’s number, even when a candidate record carries it', () => {
      const careless = candidate('c-x', 'Jane Doe', { phones: [RECRUITER_PHONE] });
      const result = decide(null, ['(212) 555-0143'], [careless], { internalNumbers: [RECRUITER_PHONE] });
      expect(result).toMatchObject({ decision: 'unmatched', candidateId: null, evidence: [] });
      expect(result.reason).toMatch(/own number/);
    });

    it('reads internal numbers written in national form', () => {
      const result = decideMatch(
        { atsRecordName: null, participants: [RECRUITER_PHONE] },
        [candidate('c-x', 'X', { phones: [RECRUITER_PHONE] })],
        settings({ internalNumbers: ['(212) 555-0143'] }),
      );
      expect(result.decision).toBe('unmatched');
    });

    it('ignores addresses on internal domains and their subdomains', () => {
      const employee = candidate('c-emp', 'Pat Lee', { emails: ['pat@mail.acme.com'] });
      const result = decide(null, ['pat@mail.acme.com'], [employee], { internalDomains: ['acme.com'] });
      expect(result.decision).toBe('unmatched');
    });

    it('still matches the candidate’s own number beside the recruiter’s', () => {
      const result = decideMatch(
        { atsRecordName: 'Jane Doe', participants: [RECRUITER_PHONE, JANE_PHONE] },
        [jane, candidate('c-x', 'Robert Miller', { phones: [RECRUITER_PHONE] })],
        settings({ internalNumbers: [RECRUITER_PHONE] }),
      );
      expect(result).toMatchObject({ decision: 'matched', candidateId: 'c-jane', alternatives: [] });
    });
  });

  describe('by name alone', () => {
    it('matches the one candidate carrying the name', () => {
      const result = decideMatch(
        { atsRecordName: 'Doe, Jane', participants: ['+13125550177'] },
        [jane, candidate('c-o', 'Oliver Bennett')],
        settings(),
      );
      expect(result).toMatchObject({ decision: 'matched', candidateId: 'c-jane' });
      expect(result.evidence.map((e) => e.kind)).toEqual(['exact_name']);
      expect(result.score).toBeLessThan(0.9);
    });

    it('does not decide when name-only matches are switched off', () => {
      const result = decide('Jane Doe', [], [jane], { acceptNameOnly: false });
      expect(result).toMatchObject({ decision: 'needs_review', candidateId: null });
    });

    it('sends namesakes to review', () => {
      const result = decide('Jane Doe', [], [jane, candidate('c-jane-2', 'Doe, Jane')]);
      expect(result.decision).toBe('needs_review');
      expect(result.reason).toMatch(/2 candidates/);
    });

    it('never posts on a near name alone', () => {
      const result = decide('Jon Doe', [], [candidate('c-john', 'John Doe')]);
      expect(result.decision).toBe('needs_review');
      expect(result.evidence.map((e) => e.kind)).toEqual(['near_name']);
    });

    it('is not held back by a candidate whose name is only spelled alike', () => {
      const directory = [candidate('c-oliver', 'Bennett, Oliver'), candidate('c-olivia', 'Olivia Bennett')];
      const result = decide('Oliver Bennett', [], directory);
      expect(result).toMatchObject({ decision: 'matched', candidateId: 'c-oliver' });
      expect(result.alternatives.map((a) => a.candidateId)).toEqual(['c-olivia']);
    });

    it('sends an exact name to review when another candidate may carry it in a longer form', () => {
      const result = decide('John Smith', [], [candidate('c-1', 'John Smith'), candidate('c-2', 'John Adam Smith')]);
      expect(result.decision).toBe('needs_review');
    });
  });

  describe('without evidence', () => {
    it('is unmatched when nothing points at anyone', () => {
      const result = decide('Priya Patel', ['+13125550177', 'user_1'], [jane, candidate('c-o', 'Oliver Bennett')]);
      expect(result).toEqual({
        decision: 'unmatched',
        candidateId: null,
        score: 0,
        evidence: [],
        alternatives: [],
        reason: expect.stringMatching(/no candidate is named "Priya Patel"/) as unknown as string,
      });
    });

    it('is unmatched for an empty directory and no name', () => {
      expect(decide(null, [], []).decision).toBe('unmatched');
    });
  });

  it('treats the same candidate returned twice as one', () => {
    const fromSearch = candidate('c-jane', 'Jane Doe', { emails: ['jane.doe@work.example'] });
    const result = decide(null, [JANE_PHONE, 'jane.doe@work.example'], [jane, fromSearch]);
    expect(result).toMatchObject({ decision: 'matched', candidateId: 'c-jane', alternatives: [] });
  });

  it('normalises identifiers of a candidate from elsewhere, and takes a directory row’s as stored', () => {
    const raw = candidate('c-raw', 'Ann Smith', { phones: ['020 7946 0958'], emails: [' Ann@Example.COM'] });
    expect(decide('Ann Smith', ['+442079460958'], [raw], { defaultRegion: 'GB' })).toMatchObject({ decision: 'matched', candidateId: 'c-raw' });
    expect(decide('Ann Smith', ['ann@example.com'], [raw], { defaultRegion: 'GB' })).toMatchObject({ decision: 'matched', candidateId: 'c-raw' });
    // A directory row was normalised when stored: its values are compared as they are.
    const stored = candidate('c-row', 'Ann Smith', { phones: ['+442079460958'], emails: ['ann@example.com'], identifiersNormalised: true });
    expect(decide('Ann Smith', ['020 7946 0958'], [stored], { defaultRegion: 'GB' })).toMatchObject({ decision: 'matched', candidateId: 'c-row' });
    const notReread = { ...raw, externalId: 'c-unread', identifiersNormalised: true };
    const result = decide(null, ['+442079460958'], [notReread], { defaultRegion: 'GB' });
    expect(result.decision).not.toBe('matched');
  });

  it('ranks alternatives by score', () => {
    const result = decide('Jane Doe', [], [candidate('c-near', 'Jane Dow'), jane, candidate('c-jane-2', 'Jane Doe')]);
    expect(result.decision).toBe('needs_review');
    const scores = result.alternatives.map((a) => a.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(result.alternatives[2]!.candidateId).toBe('c-near');
  });

  it('counts a plus-tagged address for its mailbox, unless another candidate holds it as written', () => {
    const sam = candidate('c-sam', 'Sam Ortiz', { emails: ['sam.ortiz@gmail.com'] });
    const tagged = decide(null, ['sam.ortiz+ats@gmail.com'], [sam]);
    expect(tagged).toMatchObject({ decision: 'matched', candidateId: 'c-sam' });
    expect(tagged.evidence[0]!.detail).toContain("reaches this candidate's sam.ortiz@gmail.com");
    const exact = candidate('c-exact', 'Samuel Ortiz', { emails: ['sam.ortiz+ats@gmail.com'] });
    const both = decide(null, ['sam.ortiz+ats@gmail.com'], [sam, exact]);
    expect(both).toMatchObject({ decision: 'matched', candidateId: 'c-exact' });
    expect(both.alternatives).toEqual([]);
    expect(decide(null, ['sam.ortiz+ats@acme.com'], [candidate('c-rec', 'Rec', { emails: ['sam.ortiz@acme.com'] })], { internalDomains: ['acme.com'] }).decision).toBe('unmatched');
  });

  it('asks a person when a namesake may go by the meeting name (Dan for Daniel), and names both', () => {
    const dan = candidate('c-dan', 'Dan Smith', { firstName: 'Dan', lastName: 'Smith' });
    const daniel = candidate('c-daniel', 'Daniel Smith', { firstName: 'Daniel', lastName: 'Smith' });
    const result = decide('Dan Smith', [], [dan, daniel]);
    expect(result.decision).toBe('needs_review');
    expect(result.alternatives.map((a) => a.candidateId).sort()).toEqual(['c-dan', 'c-daniel']);
    expect(result.reason).toContain('may go by that name too');
    expect(decide('Dan Smith', [], [dan, candidate('c-smyth', 'Dan Smyth')])).toMatchObject({ decision: 'matched', candidateId: 'c-dan' });
  });
});
