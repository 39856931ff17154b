import { DEFAULT_LOGIN_INFO_URL, isTrustedSignInTarget, readBullhornDiscovery } from './bullhorn-session.manager';

describe('isTrustedSignInTarget', () => {
  const from = new URL('https://auth.bullhornstaffing.com/oauth/authorize?client_id=x');
  const local = new URL('http://127.0.0.1:4100/oauth/token');

  it.each([
    ['https://auth-west.bullhornstaffing.com/oauth/authorize', true],
    ['https://AUTH-EMEA.bullhornstaffing.com/oauth/token', true],
    ['https://bullhornstaffing.com/oauth/token', true],
    ['http://auth-west.bullhornstaffing.com/oauth/authorize', false],
    ['https://auth-west.bullhornstaffing.com:8443/oauth/authorize', false],
    ['https://auth-west.bullhornstaffing.com.evil.example/oauth/authorize', false],
    ['https://evilbullhornstaffing.com/oauth/authorize', false],
    ['https://evil.example/oauth/authorize', false],
  ])('from Bullhorn to %s → %s', (to, trusted) => expect(isTrustedSignInTarget(from, new URL(to))).toBe(trusted));

  it('trusts the host the request went to, port included, but never a downgrade to http', () => {
    expect(isTrustedSignInTarget(local, new URL('http://127.0.0.1:4100/west/oauth/token'))).toBe(true);
    expect(isTrustedSignInTarget(local, new URL('http://127.0.0.1:4101/west/oauth/token'))).toBe(false);
    expect(isTrustedSignInTarget(new URL('https://bh.test/x'), new URL('http://bh.test/y'))).toBe(false);
  });
});

describe('readBullhornDiscovery', () => {
  it("asks Bullhorn's own loginInfo unless settings.loginInfoUrl says otherwise", () => {
    expect(readBullhornDiscovery({})).toEqual({ loginInfoUrl: DEFAULT_LOGIN_INFO_URL });
    expect(DEFAULT_LOGIN_INFO_URL).toBe('https://rest.bullhornstaffing.com/rest-services/loginInfo');
    expect(readBullhornDiscovery({ loginInfoUrl: ' http://127.0.0.1:9/rest-services/loginInfo ' })).toEqual({
      loginInfoUrl: 'http://127.0.0.1:9/rest-services/loginInfo',
    });
  });
});
