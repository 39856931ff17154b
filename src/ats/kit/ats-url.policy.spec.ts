import { AtsUrlPolicy } from './ats-url.policy';

const GREENHOUSE = ['greenhouse.io'];
const LEVER = ['lever.co'];

const refused = (policy: AtsUrlPolicy, url: string, domains = GREENHOUSE) => {
  const result = policy.check(url, domains);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.reason;
};

describe('AtsUrlPolicy', () => {
  const none = new AtsUrlPolicy([]);

  it('allows https on the vendor domain and its subdomains', () => {
    expect(none.check('https://harvest.greenhouse.io/v3', GREENHOUSE).ok).toBe(true);
    expect(none.check('https://greenhouse.io', GREENHOUSE).ok).toBe(true);
    expect(none.check('https://api.sandbox.lever.co/v1', LEVER).ok).toBe(true);
    expect(none.check('https://HARVEST.Greenhouse.IO./v3', GREENHOUSE).ok).toBe(true);
  });

  it('refuses loopback, private and link-local addresses with the reason', () => {
    expect(refused(none, 'http://127.0.0.1:8080/v3')).toContain('loopback');
    expect(refused(none, 'https://10.1.2.3/v3')).toContain('private');
    expect(refused(none, 'https://169.254.169.254/latest/meta-data')).toContain('linkLocal');
    expect(refused(none, 'https://[::1]/v3')).toContain('loopback');
    expect(refused(none, 'https://[::ffff:127.0.0.1]/v3')).toContain('loopback');
  });

  it('refuses other schemes, http on a vendor domain and a non-default port', () => {
    expect(refused(none, 'file:///etc/passwd')).toContain('file:');
    expect(refused(none, 'ftp://harvest.greenhouse.io/')).toContain('scheme');
    expect(refused(none, 'http://harvest.greenhouse.io/v3')).toContain('https');
    expect(refused(none, 'https://harvest.greenhouse.io:8443/v3')).toContain('port');
    expect(refused(none, 'not a url')).toContain('not a valid');
  });

  it('refuses hosts that only look like the vendor', () => {
    expect(refused(none, 'https://greenhouse.io.evil.com/v3')).toContain('greenhouse.io.evil.com');
    expect(refused(none, 'https://evilgreenhouse.io/v3')).toContain('evilgreenhouse.io');
    expect(refused(none, 'https://api.lever.co@evil.com/v1', LEVER)).toContain('user info');
    expect(refused(none, 'https://user:pw@api.lever.co/v1', LEVER)).toContain('user info');
    expect(refused(none, 'https://api.lever.co/v1', GREENHOUSE)).toContain('api.lever.co');
  });

  it('refuses an unlisted host and allows a listed one, over http too, port by port when the entry names one', () => {
    expect(refused(none, 'https://ats-proxy.internal/v3')).toContain('ATS_ALLOWED_HOSTS');
    const listed = new AtsUrlPolicy(['ats-proxy.internal', '127.0.0.1:4010', '[::1]']);
    expect(listed.check('http://ats-proxy.internal/v3', GREENHOUSE).ok).toBe(true);
    expect(listed.check('http://127.0.0.1:4010/v3', GREENHOUSE).ok).toBe(true);
    expect(refused(listed, 'http://127.0.0.1:4011/v3')).toContain('loopback');
    expect(listed.check('http://[::1]:9999/', GREENHOUSE).ok).toBe(true);
    // A listed host still may not carry user info or another scheme.
    expect(refused(listed, 'http://key@127.0.0.1:4010/')).toContain('user info');
    expect(refused(listed, 'ftp://127.0.0.1:4010/')).toContain('scheme');
  });

  it('never repeats a path or query in its reasons', () => {
    expect(refused(none, 'https://evil.example/secret-path?token=abc')).not.toMatch(/secret-path|token=abc/);
  });

  it('refuses a malformed allow-list where it is configured', () => {
    expect(() => new AtsUrlPolicy(['https://example.com'])).toThrow('invalid ATS_ALLOWED_HOSTS');
  });

  it('reads ATS_ALLOWED_HOSTS from the environment', () => {
    const policy = AtsUrlPolicy.fromEnvironment({ ATS_ALLOWED_HOSTS: ' 127.0.0.1:4010 , fake.test' });
    expect(policy.check('http://fake.test/x', GREENHOUSE).ok).toBe(true);
    expect(AtsUrlPolicy.fromEnvironment({}).check('http://fake.test/x', GREENHOUSE).ok).toBe(false);
  });

  it('binds to one vendor for the HTTP client', () => {
    const guard = none.forVendor(LEVER);
    expect(guard.refusal('https://api.lever.co/v1/opportunities')).toBeNull();
    expect(guard.refusal('http://127.0.0.1:9/v1')).toContain('loopback');
  });
});
