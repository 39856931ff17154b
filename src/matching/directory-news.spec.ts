import { candidateKeys, matchQueryKeys, readMatchSettings } from './match-policy';
import { candidateLookupKeys } from './name-lookup-keys';
import { DirectoryNewsEntry, newsReaches } from './directory-news';

const settings = readMatchSettings({});
const news = (externalId: string, firstName: string, lastName: string, phones: string[] = [], emails: string[] = []): DirectoryNewsEntry => {
  const c = { firstName, lastName, displayName: `${firstName} ${lastName}`, phones, emails };
  const keys = candidateKeys(c);
  return { externalId, nameKeys: candidateLookupKeys(c, keys.emails), phones: keys.phones, emails: keys.emails };
};
const meeting = (atsRecordName: string | null, participants: string[] = []) => ({
  ...matchQueryKeys({ atsRecordName, participants }, settings),
  name: atsRecordName,
});

describe('newsReaches', () => {
  const jose = news('jose', 'José', 'Álvarez');

  it('reaches a meeting named with accent, order and case variants of the candidate', () => {
    for (const name of ['Jose Alvarez', 'ALVAREZ, José', 'alvarez jose']) expect(newsReaches(meeting(name), [jose])).toBe(true);
  });

  it('reaches a meeting with hyphen variants', () => {
    expect(newsReaches(meeting('Jean Luc Picard'), [news('jl', 'Jean-Luc', 'Picard')])).toBe(true);
  });

  it('reaches a meeting by phone or email alone', () => {
    const withIds = news('x', 'Someone', 'Else', ['+1 415 555 0100'], ['Some.One+cv@Example.com']);
    expect(newsReaches(meeting(null, ['+14155550100']), [withIds])).toBe(true);
    expect(newsReaches(meeting(null, ['some.one@example.com']), [withIds])).toBe(true);
  });

  it('does not reach a meeting about somebody else, or with no news at all', () => {
    expect(newsReaches(meeting('Maria Garcia', ['+14155550199']), [jose])).toBe(false);
    expect(newsReaches(meeting('Jose Alvarez'), [])).toBe(false);
  });
});
