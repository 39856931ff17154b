import { type FieldMapping, parseFieldMapping } from './field-mapping.schema';
import { decideVisibility } from './private-meeting.policy';

function mapping(policy: FieldMapping['privateMeetingPolicy'], ordinary: 'public' | 'private' = 'public'): FieldMapping {
  const result = parseFieldMapping({ privateMeetingPolicy: policy, visibility: { ordinary } });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.mapping;
}

const RESTRICTABLE = { privateNotes: true };
const OPEN = { privateNotes: false };
const POLICIES = ['restrict', 'skip', 'omit-links'] as const;

describe('decideVisibility: private meetings', () => {
  it.each(POLICIES)('posts privately with links where the ATS can restrict notes (policy %s)', (policy) => {
    expect(decideVisibility(true, mapping(policy), RESTRICTABLE)).toEqual({
      action: 'post',
      visibility: 'private',
      omitLinks: false,
      reason: expect.stringContaining('most restricted'),
    });
  });

  it('skips under restrict where the ATS cannot restrict notes, saying restrict could not be honoured', () => {
    expect(decideVisibility(true, mapping('restrict'), OPEN)).toEqual({
      action: 'skip',
      reason: expect.stringMatching(/cannot be honoured/),
    });
  });

  it('skips under skip where the ATS cannot restrict notes', () => {
    expect(decideVisibility(true, mapping('skip'), OPEN)).toEqual({
      action: 'skip',
      reason: expect.stringMatching(/policy is skip/),
    });
  });

  it('posts without links under omit-links where the ATS cannot restrict notes', () => {
    expect(decideVisibility(true, mapping('omit-links'), OPEN)).toEqual({
      action: 'post',
      visibility: 'public',
      omitLinks: true,
      reason: expect.stringMatching(/without transcript, recording or recap links/),
    });
  });

  it('skips by default (no mapping saved) where the ATS cannot restrict notes', () => {
    const defaults = parseFieldMapping({});
    expect(defaults.ok && decideVisibility(true, defaults.mapping, OPEN).action).toBe('skip');
  });

  it('never posts a private meeting publicly with its links, whatever the mapping', () => {
    for (const policy of POLICIES) {
      for (const ordinary of ['public', 'private'] as const) {
        for (const capabilities of [RESTRICTABLE, OPEN]) {
          const decision = decideVisibility(true, mapping(policy, ordinary), capabilities);
          if (decision.action === 'post' && decision.visibility === 'public') expect(decision.omitLinks).toBe(true);
        }
      }
    }
  });
});

describe('decideVisibility: ordinary meetings', () => {
  it.each([
    [RESTRICTABLE, 'restrict'],
    [OPEN, 'restrict'],
    [OPEN, 'skip'],
  ] as const)('posts publicly by default (%o, policy %s)', (capabilities, policy) => {
    expect(decideVisibility(false, mapping(policy), capabilities)).toEqual({
      action: 'post',
      visibility: 'public',
      omitLinks: false,
      reason: expect.any(String),
    });
  });

  it('posts privately when the mapping asks for it and the ATS can', () => {
    expect(decideVisibility(false, mapping('restrict', 'private'), RESTRICTABLE)).toMatchObject({
      action: 'post',
      visibility: 'private',
      omitLinks: false,
    });
  });

  it('skips with a reason when the mapping asks for private notes but the ATS has none', () => {
    expect(decideVisibility(false, mapping('omit-links', 'private'), OPEN)).toEqual({
      action: 'skip',
      reason: expect.stringMatching(/cannot restrict/),
    });
  });
});
