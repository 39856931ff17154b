import { AssetUrlGuard, type HostResolver, addressRange, isPublicAddress, parseAllowedHosts } from './asset-url.guard';

const resolverFor =
  (answers: Record<string, string[]>): HostResolver =>
  async (hostname) => {
    const addresses = answers[hostname];
    if (addresses === undefined) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('parseAllowedHosts', () => {
  it('reads hostnames, ports and IP literals, normalising case, brackets and root dots', () => {
    expect(
      parseAllowedHosts([' API.Provider.com ', 'cdn.provider.com:8443', '127.0.0.1', '10.0.0.5:80', '[::1]:9000', '::1', 'assets.example.']),
    ).toEqual({
      hosts: [
        { host: 'api.provider.com', port: null, isIp: false },
        { host: 'cdn.provider.com', port: 8443, isIp: false },
        { host: '127.0.0.1', port: null, isIp: true },
        { host: '10.0.0.5', port: 80, isIp: true },
        { host: '::1', port: 9000, isIp: true },
        { host: '::1', port: null, isIp: true },
        { host: 'assets.example', port: null, isIp: false },
      ],
      invalid: [],
    });
  });

  it('skips blanks and reports entries that could never match a URL host', () => {
    expect(parseAllowedHosts(['', 'https://api.provider.com', '*.provider.com', 'host:0', 'host:99999', 'a b', '[zz]']).invalid).toEqual([
      'https://api.provider.com',
      '*.provider.com',
      'host:0',
      'host:99999',
      'a b',
      '[zz]',
    ]);
  });

  it('makes the guard refuse to start on an invalid entry', () => {
    expect(() => new AssetUrlGuard(['https://api.provider.com'])).toThrow(/invalid allowed asset host entries/);
  });
});

describe('addressRange', () => {
  it.each([
    ['8.8.8.8', 'unicast'],
    ['2606:4700:4700::1111', 'unicast'],
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:8.8.8.8', 'unicast'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['2002:a00:1::', '6to4'],
    ['::7f00:1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['nonsense', 'invalid'],
  ])('%s is %s', (address, range) => expect(addressRange(address)).toBe(range));

  it('calls only global unicast public', () => {
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('::ffff:10.0.0.1')).toBe(false);
  });
});

describe('AssetUrlGuard.check', () => {
  const resolve = resolverFor({
    'api.provider.com': ['93.184.216.34'],
    'mixed.provider.com': ['93.184.216.34', '10.0.0.7'],
    'mapped.provider.com': ['::ffff:127.0.0.1'],
    'v6.provider.com': ['2606:4700:4700::1111'],
    'empty.provider.com': [],
  });
  const guard = new AssetUrlGuard(
    ['api.provider.com', 'mixed.provider.com', 'mapped.provider.com', 'v6.provider.com', 'empty.provider.com', 'missing.provider.com'],
    resolve,
  );

  it('passes an allowed host with a public address and names the address to connect to', async () => {
    await expect(guard.check('https://API.provider.com./v1/a.json')).resolves.toMatchObject({
      ok: true,
      hostname: 'api.provider.com',
      address: '93.184.216.34',
      family: 4,
    });
    await expect(guard.check('https://v6.provider.com/a.json')).resolves.toMatchObject({ ok: true, family: 6 });
  });

  it('refuses when any of the answers is not public', async () => {
    await expect(guard.check('https://mixed.provider.com/a.json')).resolves.toEqual({
      ok: false,
      reason: expect.stringMatching(/10\.0\.0\.7 \(private\)/),
    });
  });

  it('judges IPv4-mapped IPv6 answers by the IPv4 address', async () => {
    await expect(guard.check('https://mapped.provider.com/a.json')).resolves.toMatchObject({
      ok: false,
      reason: expect.stringMatching(/\(loopback\)/),
    });
  });

  it('refuses hosts that do not resolve', async () => {
    await expect(guard.check('https://missing.provider.com/a.json')).resolves.toEqual({
      ok: false,
      reason: 'host missing.provider.com could not be resolved (ENOTFOUND)',
    });
    await expect(guard.check('https://empty.provider.com/a.json')).resolves.toMatchObject({ ok: false, reason: /did not resolve/ });
  });

  it('allows a private literal only when that literal is listed', async () => {
    const literal = new AssetUrlGuard(['127.0.0.1', '[::1]:8080'], resolve);
    await expect(literal.check('http://127.0.0.1:3000/a.json')).resolves.toMatchObject({ ok: true, address: '127.0.0.1' });
    await expect(literal.check('http://[::1]:8080/a.json')).resolves.toMatchObject({ ok: true, address: '::1', family: 6 });
    await expect(literal.check('http://[::1]:8081/a.json')).resolves.toMatchObject({ ok: false, reason: /not in the allowed/ });
    // Another spelling of a loopback address is a different host as far as the list is concerned.
    await expect(literal.check('http://[::ffff:127.0.0.1]/a.json')).resolves.toMatchObject({ ok: false });
    await expect(literal.check('http://127.0.0.2/a.json')).resolves.toMatchObject({ ok: false });
  });

  it('reads numeric host spellings the way the URL parser does', async () => {
    const literal = new AssetUrlGuard(['8.8.8.8'], resolve);
    await expect(literal.check('http://0x7f000001/a.json')).resolves.toMatchObject({ ok: false, reason: /127\.0\.0\.1/ });
    await expect(literal.check('http://134744072/a.json')).resolves.toMatchObject({ ok: true, address: '8.8.8.8' });
  });

  it('refuses URLs with other schemes or that do not parse', async () => {
    await expect(guard.check('gopher://api.provider.com/')).resolves.toMatchObject({ ok: false, reason: /only http and https/ });
    await expect(guard.check('/relative/path.json')).resolves.toMatchObject({ ok: false, reason: /not a valid absolute URL/ });
  });
});
