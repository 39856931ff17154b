import type { AtsContext } from './ats-adapter.port';
import { AtsError } from './ats-error';
import { fullNameKey, OwnerResolver, ownerNameKey, soleUserNamed, UserPage } from './owner-resolver';

const ctx = (connectionId = 'conn-1'): AtsContext => ({ connectionId, credentials: {}, settings: {} });
const author = { name: 'Ada  Lovelace', email: 'ADA@example.com ' };

describe('OwnerResolver', () => {
  it('makes one lookup for many concurrent notes by the same owner', async () => {
    const resolver = new OwnerResolver('greenhouse', 'a Greenhouse user');
    let release!: (id: string) => void;
    const lookUp = jest.fn(() => new Promise<string | null>((resolve) => (release = resolve)));
    const all = Promise.all(Array.from({ length: 20 }, () => resolver.resolve(ctx(), author, null, lookUp)));
    release('42');
    expect(await all).toEqual(Array(20).fill('42'));
    expect(lookUp).toHaveBeenCalledTimes(1);
    expect(lookUp).toHaveBeenCalledWith('ada@example.com', 'ada lovelace');
    // Cached afterwards, and kept apart per connection.
    expect(await resolver.resolve(ctx(), author, null, lookUp)).toBe('42');
    expect(lookUp).toHaveBeenCalledTimes(1);
    expect(await resolver.resolve(ctx('conn-2'), author, null, async () => '7')).toBe('7');
  });

  it('files as the fallback author when the ATS refuses the lookup, and says so; without a fallback the refusal stands', async () => {
    const resolver = new OwnerResolver('workable', 'a Workable member');
    const refused = jest.fn(async (): Promise<string | null> => {
      throw new AtsError('PERMISSION_DENIED', 'workable: HTTP 403: Forbidden: the token lacks r_jobs');
    });
    const first = await resolver.resolveWithRemark(ctx(), author, 'm-service', refused);
    expect(first).toEqual({ id: 'm-service', remark: expect.stringContaining('the token lacks r_jobs') });
    // A refusal is an answer: kept like a miss, so the next note does not ask again.
    expect(await resolver.resolveWithRemark(ctx(), author, 'm-service', refused)).toEqual(first);
    expect(refused).toHaveBeenCalledTimes(1);
    await expect(resolver.resolve(ctx('conn-2'), author, null, refused)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    // An owner who is simply not a user falls back without a remark.
    expect(await resolver.resolveWithRemark(ctx('conn-3'), author, 'm-service', async () => null)).toEqual({ id: 'm-service', remark: null });
  });

  it('does not remember a failed lookup: every waiting note fails, the next one asks again', async () => {
    const resolver = new OwnerResolver('greenhouse', 'a Greenhouse user');
    const failing = jest.fn(async (): Promise<string | null> => {
      throw new Error('HTTP 503');
    });
    const results = await Promise.allSettled([resolver.resolve(ctx(), author, '9', failing), resolver.resolve(ctx(), author, '9', failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(failing).toHaveBeenCalledTimes(1);
    expect(await resolver.resolve(ctx(), author, '9', async () => '11')).toBe('11');
  });

  it('falls back to settings.userId for an unknown owner, and refuses without one', async () => {
    const resolver = new OwnerResolver('lever', 'a Lever user');
    const none = jest.fn(async () => null);
    expect(await resolver.resolve(ctx(), author, 'fallback', none)).toBe('fallback');
    await expect(resolver.resolve(ctx(), author, null, none)).rejects.toMatchObject({ code: 'CONFIGURATION' });
    // The miss was cached: one lookup for both notes.
    expect(none).toHaveBeenCalledTimes(1);
  });
});

describe('fullNameKey', () => {
  it('joins first and last name as ownerNameKey compares them, leaving out a missing part', () => {
    expect(fullNameKey(' Alex ', 'Rivers')).toBe(ownerNameKey('alex rivers'));
    expect(fullNameKey('Mary Ann', 'Smith')).toBe('mary ann smith');
    expect(fullNameKey('Cher', null)).toBe('cher');
    expect(fullNameKey(null, undefined)).toBeNull();
  });
});

describe('soleUserNamed', () => {
  interface User {
    id: number;
    name: string;
    active?: boolean;
  }
  /** A listing of `users` in pages of `size`, recording which pages were read. */
  const listing = (users: User[], size: number) => {
    const reads: number[] = [];
    const readPage = async (start: number | null): Promise<UserPage<User, number>> => {
      const from = start ?? 0;
      reads.push(from);
      const next = from + size < users.length ? from + size : null;
      return { users: users.slice(from, from + size), next };
    };
    return { reads, readPage };
  };
  const find = (name: string, users: User[], size = 2, maxPages = 5) => {
    const { reads, readPage } = listing(users, size);
    const found = soleUserNamed<User, number>({
      name,
      nameOf: (u) => u.name,
      canAuthor: (u) => u.active !== false,
      maxPages,
      readPage,
    });
    return { found, reads };
  };
  const people = (n: number, offset = 0): User[] => Array.from({ length: n }, (_, i) => ({ id: offset + i, name: `Person ${offset + i}` }));

  it('finds the one user with the exact name, on whatever page, reading to the end of the listing', async () => {
    const { found, reads } = find('alex rivers', [...people(3), { id: 40, name: 'Alex  RIVERS' }, ...people(2, 10)]);
    expect(await found).toMatchObject({ id: 40 });
    expect(reads).toEqual([0, 2, 4]);
  });

  it('gives null for namesakes, and stops reading at the second one', async () => {
    const { found, reads } = find('alex rivers', [{ id: 1, name: 'Alex Rivers' }, ...people(2), { id: 2, name: 'alex rivers' }, ...people(4, 10)]);
    expect(await found).toBeNull();
    expect(reads).toEqual([0, 2]);
  });

  it('ignores users who cannot author, so a disabled namesake does not hide the owner', async () => {
    const { found } = find('alex rivers', [{ id: 1, name: 'Alex Rivers', active: false }, { id: 2, name: 'Alex Rivers' }]);
    expect(await found).toMatchObject({ id: 2 });
    expect(await find('alex rivers', [{ id: 1, name: 'Alex Rivers', active: false }]).found).toBeNull();
  });

  it('does not match a name that only contains the owner\'s', async () => {
    expect(await find('alex rivers', [{ id: 1, name: 'Alex Rivers-Smith' }, { id: 2, name: 'Alex' }]).found).toBeNull();
  });

  it('gives up after maxPages when the listing goes on, even with one match so far', async () => {
    const { found, reads } = find('alex rivers', [{ id: 1, name: 'Alex Rivers' }, ...people(20, 10)], 2, 3);
    expect(await found).toBeNull();
    expect(reads).toEqual([0, 2, 4]);
    // The same listing read to its end within the bound answers.
    expect(await find('alex rivers', [{ id: 1, name: 'Alex Rivers' }, ...people(3, 10)], 2, 3).found).toMatchObject({ id: 1 });
  });
});
