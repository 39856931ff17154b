import { BoundedCache } from './bounded-cache';

describe('BoundedCache', () => {
  it('computes a value once and keeps it', () => {
    const cache = new BoundedCache<string, number>(3);
    const compute = jest.fn((key: string) => key.length);
    expect(cache.getOrCompute('abc', compute)).toBe(3);
    expect(cache.getOrCompute('abc', compute)).toBe(3);
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('keeps null answers, so a miss is not computed again', () => {
    const cache = new BoundedCache<string, string | null>(3);
    const compute = jest.fn(() => null);
    cache.getOrCompute('x', compute);
    cache.getOrCompute('x', compute);
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('forgets the oldest entry first once full, and replacing a kept key evicts nothing', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('b', 20);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(20);
    expect(cache.get('c')).toBe(3);
  });
});
