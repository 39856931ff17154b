import { AtsError } from '../ats-error';
import { configOrCheck, connectionTestPassed, fallbackAuthorCheck } from './connection-checks';

describe('connection checks', () => {
  it('passes a test when every required check passes, whatever the advisory ones say', () => {
    expect(connectionTestPassed([{ check: 'a', ok: true, detail: '' }, { check: 'b', ok: false, detail: '', severity: 'advisory' }])).toBe(true);
    expect(connectionTestPassed([{ check: 'a', ok: false, detail: '' }])).toBe(false);
    expect(connectionTestPassed([{ check: 'a', ok: false, detail: '', severity: 'required' }])).toBe(false);
  });

  it('turns an unreadable configuration into one required check and rethrows bugs', () => {
    const read = configOrCheck(() => {
      throw new AtsError('CONFIGURATION', 'lever: invalid connection configuration: credentials.apiKey: required');
    });
    expect(read.checks).toEqual([
      { check: 'configuration', ok: false, severity: 'required', code: 'CONFIGURATION', detail: expect.stringContaining('credentials.apiKey') },
    ]);
    expect(() => configOrCheck(() => { throw new TypeError('bug'); })).toThrow(TypeError);
    expect(configOrCheck(() => 5)).toEqual({ config: 5 });
  });

  describe('fallback author', () => {
    const lookUpNever = async () => {
      throw new Error('must not be asked');
    };

    it('is an advisory warning when settings.userId is unset', async () => {
      for (const userId of [undefined, null, '']) {
        await expect(fallbackAuthorCheck({ userId, userKind: 'a Lever user', lookUp: lookUpNever })).resolves.toEqual({
          check: 'fallback author',
          ok: false,
          severity: 'advisory',
          code: 'CONFIGURATION',
          detail: 'settings.userId is not set: meetings whose owner is not a Lever user cannot be filed',
        });
      }
    });

    it('fails when the user set is unknown or deactivated, and passes for an active one', async () => {
      const check = (lookUp: () => Promise<{ name: string | null; active: boolean } | null>) =>
        fallbackAuthorCheck({ userId: '7', userKind: 'x', lookUp });
      await expect(check(async () => null)).resolves.toMatchObject({ ok: false, severity: 'required', detail: 'user 7 not found' });
      await expect(check(async () => { throw new AtsError('NOT_FOUND', 'gone'); })).resolves.toMatchObject({ ok: false, detail: 'user 7 not found' });
      await expect(check(async () => ({ name: 'A', active: false }))).resolves.toMatchObject({ ok: false, detail: 'user 7 is deactivated' });
      await expect(check(async () => { throw new AtsError('PERMISSION_DENIED', 'no users:read'); })).resolves.toMatchObject({
        ok: false,
        severity: 'required',
        code: 'PERMISSION_DENIED',
      });
      await expect(check(async () => ({ name: 'Sam', active: true }))).resolves.toMatchObject({ ok: true, detail: 'notes fall back to Sam' });
    });
  });
});
