import { ASHBY_CONTRACT } from '../adapters/ashby/ashby-connection.contract';
import { BULLHORN_CONTRACT } from '../adapters/bullhorn/bullhorn-connection.contract';
import { GREENHOUSE_CONTRACT } from '../adapters/greenhouse/greenhouse-connection.contract';
import { LEVER_CONTRACT } from '../adapters/lever/lever-connection.contract';
import { SANDBOX_CONTRACT } from '../adapters/sandbox/sandbox-connection.contract';
import { WORKABLE_CONTRACT } from '../adapters/workable/workable-connection.contract';
import { AtsError } from '../ats-error';
import { AtsUrlPolicy } from './ats-url.policy';
import { checkConnectionConfig, type ConnectionContract, jsonPath, readConnectionConfig } from './connection-contract';

const policy = new AtsUrlPolicy([]);
const CREDENTIALS: Record<string, Record<string, unknown>> = {
  greenhouse: { clientId: 'id', clientSecret: 'secret-value' },
  lever: { apiKey: 'secret-value' },
  ashby: { apiKey: 'secret-value' },
  workable: { token: 'secret-value' },
  bullhorn: { clientId: 'id', clientSecret: 'secret-value', username: 'u', password: 'secret-value' },
  sandbox: {},
};
const BASE_SETTINGS: Record<string, Record<string, unknown>> = { workable: { subdomain: 'acme' } };
const CONTRACTS: ConnectionContract[] = [GREENHOUSE_CONTRACT, LEVER_CONTRACT, ASHBY_CONTRACT, WORKABLE_CONTRACT, BULLHORN_CONTRACT, SANDBOX_CONTRACT] as never;

const issuesOf = (contract: ConnectionContract, settings: Record<string, unknown>, credentials = CREDENTIALS[contract.provider]) => {
  const result = checkConnectionConfig(contract, policy, { credentials, settings: { ...BASE_SETTINGS[contract.provider], ...settings } });
  return result.ok ? [] : result.issues.map((i) => ({ path: jsonPath(i.path), message: i.message }));
};

describe('connection contracts', () => {
  describe.each(CONTRACTS.map((c) => [c.provider, c] as const))('%s', (provider, contract) => {
    it('accepts its documented minimum', () => {
      expect(issuesOf(contract, {})).toEqual([]);
    });

    it('refuses the same bad shared settings with the same paths', () => {
      const paths = (settings: Record<string, unknown>) => issuesOf(contract, settings).map((i) => i.path);
      expect(paths({ rateLimit: { limit: 1e-9, intervalMs: 1000 } })).toEqual(['$.settings.rateLimit.limit']);
      expect(paths({ rateLimit: { limit: 0, intervalMs: 1000 } })).toEqual(['$.settings.rateLimit.limit']);
      expect(paths({ rateLimit: { limit: 5, intervalMs: 10 } })).toEqual(['$.settings.rateLimit.intervalMs']);
      expect(paths({ rateLimit: { limit: 5, intervalMs: 1000, burst: 3 } })).toEqual(['$.settings.rateLimit.burst']);
      expect(paths({ timeoutMs: -1 })).toEqual(['$.settings.timeoutMs']);
      expect(paths({ timeoutMs: 0 })).toEqual(['$.settings.timeoutMs']);
      expect(paths({ timeoutMs: '5000' })).toEqual(['$.settings.timeoutMs']);
      expect(paths({ rateLimit: { limit: 5, intervalMs: 1000 }, timeoutMs: 5000 })).toEqual([]);
      // Keys the matcher reads live beside the adapter's own.
      expect(paths({ defaultRegion: 'GB', internalDomains: ['acme.test'] })).toEqual([]);
    });

    it('names missing credentials by path without echoing any value', () => {
      const keys = Object.keys(CREDENTIALS[provider]!);
      const issues = issuesOf(contract, {}, {});
      expect(issues.map((i) => i.path)).toEqual(keys.map((k) => `$.credentials.${k}`));
      expect(issuesOf(contract, {}, { ...CREDENTIALS[provider], extra: 'secret-value' })).toEqual(
        provider === 'sandbox' ? [] : [{ path: '$.credentials.extra', message: 'unknown field' }],
      );
      if (keys.length > 0) {
        const wrongType = Object.fromEntries(keys.map((k) => [k, 12345678]));
        expect(JSON.stringify(issuesOf(contract, {}, wrongType))).not.toContain('12345678');
      }
    });

    it('judges every URL setting with the URL policy', () => {
      for (const key of contract.urlSettings) {
        expect(issuesOf(contract, { [key]: 'http://127.0.0.1:9999' })).toEqual([
          { path: `$.settings.${key}`, message: expect.stringContaining('loopback') },
        ]);
        expect(issuesOf(contract, { [key]: 'file:///etc/passwd' }).map((i) => i.path)).toEqual([`$.settings.${key}`]);
        expect(issuesOf(contract, { [key]: `https://api.${contract.vendorDomains[0]}/x/` })).toEqual([]);
      }
    });
  });

  it('declares the URL settings each vendor uses, on the vendor domains', () => {
    expect(GREENHOUSE_CONTRACT.urlSettings).toEqual(['baseUrl', 'authUrl']);
    expect(LEVER_CONTRACT.urlSettings).toEqual(['baseUrl']);
    expect(ASHBY_CONTRACT.urlSettings).toEqual(['baseUrl']);
    expect(BULLHORN_CONTRACT.urlSettings).toEqual(['authUrl', 'restLoginUrl', 'loginInfoUrl', 'baseUrl']);
    expect(WORKABLE_CONTRACT.destinationSettings).toEqual(['subdomain', 'baseUrl']);
    expect(SANDBOX_CONTRACT.urlSettings).toEqual([]);
    expect(BULLHORN_CONTRACT.vendorDomains).toEqual(['bullhornstaffing.com']);
  });

  it('reads user ids the same way everywhere: blank is unset, numbers become strings', () => {
    for (const contract of [LEVER_CONTRACT, ASHBY_CONTRACT, WORKABLE_CONTRACT] as ConnectionContract[]) {
      const read = (userId: unknown) =>
        readConnectionConfig(contract, { credentials: CREDENTIALS[contract.provider], settings: { ...BASE_SETTINGS[contract.provider], userId } }).settings.userId;
      expect(read('  u-1 ')).toBe('u-1');
      expect(read(42)).toBe('42');
      expect(read('')).toBeUndefined();
      expect(read(null)).toBeUndefined();
    }
    expect(issuesOf(GREENHOUSE_CONTRACT as never, { userId: 'abc' })).toEqual([{ path: '$.settings.userId', message: 'must be a numeric user id' }]);
    expect(issuesOf(BULLHORN_CONTRACT as never, { userId: 'abc' }).map((i) => i.path)).toEqual(['$.settings.userId']);
  });

  it('needs a Workable subdomain or base URL, and a subdomain that is one DNS label', () => {
    const workable = WORKABLE_CONTRACT as unknown as ConnectionContract;
    const check = (settings: Record<string, unknown>) => {
      const result = checkConnectionConfig(workable, policy, { credentials: { token: 't' }, settings });
      return result.ok ? [] : result.issues.map((i) => jsonPath(i.path));
    };
    expect(check({})).toEqual(['$.settings.subdomain']);
    expect(check({ subdomain: 'evil.com/x' })).toEqual(['$.settings.subdomain']);
    expect(check({ baseUrl: 'https://acme.workable.com/spi/v3' })).toEqual([]);
  });

  it('refuses stored configuration at read time with CONFIGURATION, naming paths, never values', () => {
    let error: unknown;
    try {
      readConnectionConfig(LEVER_CONTRACT, { credentials: { apiKey: 99999999 }, settings: { rateLimit: { limit: 1e-9, intervalMs: 1000 } } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AtsError);
    expect(error).toMatchObject({ code: 'CONFIGURATION' });
    expect((error as Error).message).toContain('credentials.apiKey');
    expect((error as Error).message).toContain('settings.rateLimit.limit');
    expect((error as Error).message).not.toContain('99999999');
  });

  it('writes JSON paths the way the admin API does', () => {
    expect(jsonPath(['settings', 'candidates', 0, 'id'])).toBe('$.settings.candidates[0].id');
    expect(jsonPath(['settings', 'odd key'])).toBe('$.settings["odd key"]');
  });
});
