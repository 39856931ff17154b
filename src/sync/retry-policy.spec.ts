import { decideRetry } from './retry-policy';

const settings = { maxAttempts: 5, baseSeconds: 30, maxSeconds: 3600 };

describe('decideRetry', () => {
  it.each(['AUTH_FAILED', 'PERMISSION_DENIED', 'NOT_FOUND', 'INVALID_REQUEST', 'CONFIGURATION'])('fails %s at once', (code) => {
    expect(decideRetry(code, 1, settings).action).toBe('fail');
  });

  it('backs off exponentially with jitter inside [half, full] of the step', () => {
    const low = (n: number) => decideRetry('TEMPORARY', n, settings, null, () => 0);
    const high = (n: number) => decideRetry('TEMPORARY', n, settings, null, () => 1);
    expect(low(1)).toMatchObject({ action: 'retry', delaySeconds: 15 });
    expect(high(1)).toMatchObject({ action: 'retry', delaySeconds: 30 });
    expect(high(3)).toMatchObject({ delaySeconds: 120 });
    expect(low(3)).toMatchObject({ delaySeconds: 60 });
  });

  it('never waits less than Retry-After, nor more than the cap', () => {
    expect(decideRetry('RATE_LIMITED', 1, settings, 90, () => 0)).toMatchObject({ action: 'retry', delaySeconds: 90 });
    expect(decideRetry('RATE_LIMITED', 1, settings, 99_999, () => 0)).toMatchObject({ delaySeconds: 3600 });
    expect(decideRetry('TEMPORARY', 4, { ...settings, maxSeconds: 100 }, null, () => 1)).toMatchObject({ delaySeconds: 100 });
  });

  it('fails once the attempts are used up', () => {
    expect(decideRetry('TEMPORARY', 5, settings)).toEqual({ action: 'fail', reason: 'gave up after 5 attempts' });
  });
});
