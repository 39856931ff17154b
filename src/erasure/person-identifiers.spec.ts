import { identifierHash, identifierIsPerson, matchMentions, payloadConcerns, personKeys, PersonKeys } from './person-identifiers';

const keysOf = (person: Parameters<typeof personKeys>[0]): PersonKeys => {
  const result = personKeys(person);
  if (!result.ok) throw new Error(result.message);
  return result.keys;
};

const body = (meeting: Record<string, unknown>) => JSON.stringify({ id: 'evt', data: { meeting } });

describe('personKeys', () => {
  it('normalises with the matching normalisers: E.164 phone, lower-cased email, name key', () => {
    expect(keysOf({ email: ' Jane.Doe@Example.COM ', phone: '(415) 555-0123', name: 'Doe, Jane' })).toEqual({
      emails: ['jane.doe@example.com'],
      phones: ['+14155550123'],
      nameKey: 'doe jane',
      atsCandidateId: null,
    });
  });

  it('refuses a request that names nobody, or a value that does not normalise', () => {
    expect(personKeys({})).toMatchObject({ ok: false, path: '$.person' });
    expect(personKeys({ email: 'not an address' })).toMatchObject({ ok: false, path: '$.person.email' });
    expect(personKeys({ phone: '12' })).toMatchObject({ ok: false, path: '$.person.phone' });
    expect(personKeys({ name: '  ' })).toMatchObject({ ok: false, path: '$.person.name' });
    expect(personKeys({ atsCandidateId: ' ' })).toMatchObject({ ok: false, path: '$.person.atsCandidateId' });
  });
});

describe('payloadConcerns', () => {
  const jane = keysOf({ email: 'jane.doe@example.com', phone: '+14155550123', name: 'Jane Doe' });

  it('finds the person among the participants, however the number or address is written', () => {
    expect(payloadConcerns(body({ participants: ['+1 415-555-0123'] }), jane)).toBe(true);
    expect(payloadConcerns(body({ participants: ['Jane <JANE.DOE@example.com>'] }), jane)).toBe(true);
    expect(payloadConcerns(body({ participants: ['tel:4155550123'] }), jane)).toBe(true);
  });

  it('finds the person by atsRecordName, exact name in any order or case', () => {
    expect(payloadConcerns(body({ atsRecordName: 'DOE, Jane' }), jane)).toBe(true);
  });

  it('leaves other people alone: another number, another address, a namesake spelt differently, the owner', () => {
    expect(payloadConcerns(body({ participants: ['+14155550124', 'john.doe@example.com'], atsRecordName: 'Jane Dow' }), jane)).toBe(false);
    expect(payloadConcerns(body({ ownerName: 'Jane Doe', ownerEmail: 'jane.doe@example.com', participants: [] }), jane)).toBe(false);
    expect(payloadConcerns('not json', jane)).toBe(false);
  });

  it('a candidate id alone finds nothing in a body (the ATS id is never in it)', () => {
    expect(payloadConcerns(body({ participants: ['cand-1'], atsRecordName: 'cand-1' }), keysOf({ atsCandidateId: 'cand-1' }))).toBe(false);
  });
});

describe('matchMentions', () => {
  const phoneOnly = keysOf({ phone: '+14155550123' });

  it('reads every string of the evidence, at any depth', () => {
    expect(matchMentions({ decision: 'needs_review', alternatives: [{ id: 'c2', phones: ['+14155550123'] }] }, phoneOnly)).toBe(true);
    expect(matchMentions({ decision: 'matched', evidence: [{ kind: 'phone', value: '+14155550199' }] }, phoneOnly)).toBe(false);
    expect(matchMentions(null, phoneOnly)).toBe(false);
  });

  it('an exact name is a mention; a different name is not', () => {
    const name = keysOf({ name: 'Jane Doe' });
    expect(identifierIsPerson('Jane Doe', name)).toBe(true);
    expect(identifierIsPerson('Jane Doe-Smith', name)).toBe(false);
  });
});

describe('identifierHash', () => {
  it('depends on the salt and on the identifiers, not on how they were written', () => {
    const a = keysOf({ email: 'Jane.Doe@example.com', name: 'Doe, Jane' });
    const b = keysOf({ email: 'jane.doe@example.com', name: 'Jane Doe' });
    expect(identifierHash('salt', a)).toBe(identifierHash('salt', b));
    expect(identifierHash('salt', a)).not.toBe(identifierHash('other', a));
    expect(identifierHash('salt', a)).toMatch(/^[0-9a-f]{64}$/);
    expect(identifierHash('salt', a)).not.toContain('jane');
  });
});
