import { classifyParticipant, mailboxOf, normaliseEmail, normalisePhone } from './identifier-normaliser';

describe('normalisePhone', () => {
  it.each([
    ['+1 415 555 2671', '+14155552671'],
    ['(415) 555-2671', '+14155552671'],
    ['415.555.2671', '+14155552671'],
    ['1-415-555-2671', '+14155552671'],
    ['tel:+1-415-555-2671', '+14155552671'],
    ['+1 415 555 2671 ext. 204', '+14155552671'],
    ['415-555-2671 x12', '+14155552671'],
    ['011 44 20 7946 0958', '+442079460958'],
    ['0044 20 7946 0958', '+442079460958'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('reads %s in the US as %s', (raw, e164) => {
    expect(normalisePhone(raw)).toBe(e164);
  });

  it('reads national numbers in the given region', () => {
    expect(normalisePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalisePhone('07911 123456', 'GB')).toBe('+447911123456');
    expect(normalisePhone('030 901820', 'DE')).toBe('+4930901820');
    expect(normalisePhone('01 42 68 53 00', 'FR')).toBe('+33142685300');
  });

  it('answers per region when the same text is read again (answers are remembered per region)', () => {
    for (let round = 0; round < 2; round++) {
      expect(normalisePhone('020 7946 0958', 'GB')).toBe('+442079460958');
      expect(normalisePhone('020 7946 0958', 'US')).toBeNull();
      expect(normalisePhone('(415) 555-2671', 'US')).toBe('+14155552671');
    }
  });

  it('keeps answering correctly once more numbers were read than it remembers', () => {
    for (let i = 0; i < 25_000; i++) normalisePhone(`+1 415 555 ${String(i % 10_000).padStart(4, '0')} x${i}`);
    expect(normalisePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalisePhone('+1 415 555 0042 x7')).toBe('+14155550042');
  });

  it('treats the national and international forms of one number as equal', () => {
    expect(normalisePhone('020 7946 0958', 'GB')).toBe(normalisePhone('+44 (0)20 7946 0958', 'US'));
  });

  it.each([
    ['', 'empty'],
    ['12345', 'too short'],
    ['+1 123 456 7890', 'impossible area code'],
    ['020 7946 0958', 'UK national number read in the US'],
    ['call me on 415 555 2671', 'free text around a number'],
    ['jane@example.com', 'an email address'],
    ['user_8841', 'an identifier'],
  ])('returns null for %s (%s)', (raw) => {
    expect(normalisePhone(raw)).toBeNull();
  });
});

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
  });

  it('reads mailto: links and "Name <address>" forms', () => {
    expect(normaliseEmail('mailto:Jane@Example.com')).toBe('jane@example.com');
    expect(normaliseEmail('Jane Doe <Jane@Example.com>')).toBe('jane@example.com');
  });

  it('keeps plus tags and dots, which can belong to different people on other providers', () => {
    expect(normaliseEmail('jane.doe+jobs@example.com')).toBe('jane.doe+jobs@example.com');
  });

  it('reads the mailbox of a plus-tagged address', () => {
    expect(mailboxOf('jane.doe+jobs@example.com')).toBe('jane.doe@example.com');
    expect(mailboxOf('jane.doe@example.com')).toBe('jane.doe@example.com');
    expect(mailboxOf('+jobs@example.com')).toBe('+jobs@example.com');
    expect(mailboxOf('a+b+c@example.com')).toBe('a@example.com');
  });

  it.each(['', 'jane', 'jane@', '@example.com', 'jane@example', 'jane doe@example.com'])('rejects %p', (raw) => {
    expect(normaliseEmail(raw)).toBeNull();
  });
});

describe('classifyParticipant', () => {
  it('classifies phones, emails and other identifiers', () => {
    expect(classifyParticipant('+1 (415) 555-2671')).toEqual({ kind: 'phone', value: '+14155552671' });
    expect(classifyParticipant(' Jane@Example.com ')).toEqual({ kind: 'email', value: 'jane@example.com' });
    expect(classifyParticipant('user_8841')).toEqual({ kind: 'other', value: 'user_8841' });
    expect(classifyParticipant('Jane Doe')).toEqual({ kind: 'other', value: 'Jane Doe' });
  });

  it('uses the default region for national numbers', () => {
    expect(classifyParticipant('020 7946 0958', 'GB')).toEqual({ kind: 'phone', value: '+442079460958' });
    expect(classifyParticipant('020 7946 0958', 'US')).toEqual({ kind: 'other', value: '020 7946 0958' });
  });

  it('does not mistake an invalid number for a phone', () => {
    expect(classifyParticipant('+1 555 0100')).toEqual({ kind: 'other', value: '+1 555 0100' });
  });
});
