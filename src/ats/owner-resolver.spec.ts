import type { AtsContext } from './ats-adapter.port';
import { OwnerResolver } from './owner-resolver';

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
