import { randomBytes } from 'node:crypto';
import { InvalidConfigError, parseConfig } from './app-config.schema';

const KEY_HEX = randomBytes(32).toString('hex');
const PRODUCTION = { NODE_ENV: 'production', WEBHOOK_SECRETS: 'whsec_' + randomBytes(24).toString('base64'), ADMIN_TOKEN: 'admin-token', ENCRYPTION_KEY: KEY_HEX };

/** The problems parseConfig reports for `env`, or [] when it accepts it. */
function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (err) {
    if (err instanceof InvalidConfigError) return err.problems;
    throw err;
  }
}

describe('parseConfig', () => {
  it('gives the documented defaults for an empty development environment', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '0.0.0.0',
      DATA_DIR: './.data',
      WEBHOOK_SECRETS: [],
      WEBHOOK_TOLERANCE_SECONDS: 300,
      WEBHOOK_BODY_LIMIT_BYTES: 1024 * 1024,
      ADMIN_TOKEN: [],
      LOG_LEVEL: 'info',
      WORKER_ENABLED: true,
      WORKER_CONCURRENCY: 32,
      DB_POOL_SIZE: 20,
      SCHEDULER_ENABLED: true,
      HTTP_HEADERS_TIMEOUT_MS: 10_000,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_IDLE_TIMEOUT_MS: 0,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 72_000,
      HTTP_MAX_CONNECTIONS: 1024,
      HTTP_OVERSIZED_DISCARD_BYTES: 16 * 1024 * 1024,
      JSON_MAX_DEPTH: 64,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.WEBHOOK_SIGNATURE_HEADER).toBeUndefined();
    expect(config.ENCRYPTION_KEY).toBeUndefined();
  });

  it('parses the documented forms of each setting', () => {
    const config = parseConfig({
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db:5432/debrief',
      WEBHOOK_SECRETS: ' whsec_' + Buffer.alloc(24, 1).toString('base64') + ' , raw-secret-value ,',
      WEBHOOK_SIGNATURE_HEADER: 'X-Hub-Signature-256',
      WEBHOOK_TOLERANCE_SECONDS: '60',
      WEBHOOK_BODY_LIMIT_BYTES: '2048',
      ADMIN_TOKEN: 'token-a,token-b',
      ENCRYPTION_KEY: KEY_HEX,
      ASSET_ALLOWED_HOSTS: 'api.provider.com, cdn.provider.com',
      LOG_LEVEL: 'debug',
      WORKER_ENABLED: 'false',
      WORKER_CONCURRENCY: '16',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      DATABASE_URL: 'postgresql://u:p@db:5432/debrief',
      WEBHOOK_SECRETS: ['whsec_' + Buffer.alloc(24, 1).toString('base64'), 'raw-secret-value'],
      WEBHOOK_SIGNATURE_HEADER: 'x-hub-signature-256',
      WEBHOOK_TOLERANCE_SECONDS: 60,
      WEBHOOK_BODY_LIMIT_BYTES: 2048,
      ADMIN_TOKEN: ['token-a', 'token-b'],
      ASSET_ALLOWED_HOSTS: ['api.provider.com', 'cdn.provider.com'],
      LOG_LEVEL: 'debug',
      WORKER_ENABLED: false,
      WORKER_CONCURRENCY: 16,
    });
    expect(config.ENCRYPTION_KEY).toEqual(Buffer.from(KEY_HEX, 'hex'));
  });

  it('reads ATS_ALLOWED_HOSTS as a host list and stops on an entry that is not a host', () => {
    expect(parseConfig({ ATS_ALLOWED_HOSTS: ' 127.0.0.1:4010, ats-proxy.internal ,' }).ATS_ALLOWED_HOSTS).toEqual([
      '127.0.0.1:4010',
      'ats-proxy.internal',
    ]);
    expect(parseConfig({}).ATS_ALLOWED_HOSTS).toEqual([]);
    expect(() => parseConfig({ ATS_ALLOWED_HOSTS: 'https://evil.example/x' })).toThrow(/ATS_ALLOWED_HOSTS invalid entries: https:\/\/evil.example\/x/);
  });

  it.each(['2130706433', '0x7f000001', '127.1', '0177.0.0.1', 'cdn.0x10', 'https://api.provider.com'])(
    'stops at boot on an ASSET_ALLOWED_HOSTS entry that can never match a URL host: %s',
    (entry) => {
      expect(() => parseConfig({ ASSET_ALLOWED_HOSTS: `api.provider.com,${entry}` })).toThrow(/ASSET_ALLOWED_HOSTS invalid entries/);
    },
  );

  it('keeps canonical hosts and IP literals in ASSET_ALLOWED_HOSTS', () => {
    expect(parseConfig({ ASSET_ALLOWED_HOSTS: '127.0.0.1:8080,[::1],files.v2.provider.com' }).ASSET_ALLOWED_HOSTS).toEqual([
      '127.0.0.1:8080',
      '[::1]',
      'files.v2.provider.com',
    ]);
  });

  it('takes ENCRYPTION_KEY as 64 hex characters or base64 of 32 bytes', () => {
    const bytes = randomBytes(32);
    expect(parseConfig({ ENCRYPTION_KEY: bytes.toString('hex') }).ENCRYPTION_KEY).toEqual(bytes);
    expect(parseConfig({ ENCRYPTION_KEY: bytes.toString('base64') }).ENCRYPTION_KEY).toEqual(bytes);
  });

  it('treats empty strings as unset, as docker-compose and .env files write them', () => {
    expect(parseConfig({ PORT: '', WEBHOOK_SECRETS: '', ADMIN_TOKEN: '', NODE_ENV: '' })).toMatchObject({ PORT: 3000, WEBHOOK_SECRETS: [], NODE_ENV: 'development' });
  });

  it.each<[string, string, RegExp]>([
    ['PORT', 'eighty', /^PORT must be a whole number/],
    ['PORT', '70000', /^PORT /],
    ['PORT', '-1', /^PORT /],
    ['NODE_ENV', 'staging', /^NODE_ENV /],
    ['DATABASE_URL', 'mysql://db/x', /^DATABASE_URL must be a postgres:\/\/ URL/],
    ['WEBHOOK_TOLERANCE_SECONDS', '0', /^WEBHOOK_TOLERANCE_SECONDS /],
    ['WEBHOOK_TOLERANCE_SECONDS', '5m', /^WEBHOOK_TOLERANCE_SECONDS must be a whole number/],
    ['WEBHOOK_BODY_LIMIT_BYTES', '1.5', /^WEBHOOK_BODY_LIMIT_BYTES must be a whole number/],
    ['WEBHOOK_BODY_LIMIT_BYTES', '10', /^WEBHOOK_BODY_LIMIT_BYTES /],
    ['WEBHOOK_SIGNATURE_HEADER', 'X Signature', /^WEBHOOK_SIGNATURE_HEADER must be an HTTP header name/],
    ['WEBHOOK_SECRETS', 'whsec_', /^WEBHOOK_SECRETS /],
    ['WEBHOOK_SECRETS', 'whsec_not base64!', /^WEBHOOK_SECRETS /],
    ['WEBHOOK_SECRETS', `raw-secret,whsec_${Buffer.alloc(4).toString('base64')}`, /^WEBHOOK_SECRETS /],
    ['ENCRYPTION_KEY', 'too-short', /^ENCRYPTION_KEY must be 32 bytes/],
    ['ENCRYPTION_KEY', randomBytes(16).toString('hex'), /^ENCRYPTION_KEY must be 32 bytes/],
    ['ENCRYPTION_KEY', 'a passphrase that is not a key but is 43 chars', /^ENCRYPTION_KEY must be 32 bytes/],
    ['LOG_LEVEL', 'verbose', /^LOG_LEVEL /],
    ['WORKER_ENABLED', 'maybe', /^WORKER_ENABLED /],
    ['WORKER_CONCURRENCY', '0', /^WORKER_CONCURRENCY /],
    ['HTTP_REQUEST_TIMEOUT_MS', 'soon', /^HTTP_REQUEST_TIMEOUT_MS /],
    ['HTTP_MAX_CONNECTIONS', 'lots', /^HTTP_MAX_CONNECTIONS /],
    ['JSON_MAX_DEPTH', '2', /^JSON_MAX_DEPTH /],
    ['HTTP_HEADERS_TIMEOUT_MS', '60000', /^HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS/],
  ])('refuses %s=%j, naming the variable', (name, value, message) => {
    const found = problems({ [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('reports every invalid variable at once, in one error whose message names them', () => {
    expect(() => parseConfig({ PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(InvalidConfigError);
    try {
      parseConfig({ PORT: 'x', LOG_LEVEL: 'loud' });
    } catch (err) {
      expect((err as Error).message).toMatch(/^Invalid configuration:\n {2}- PORT .*\n {2}- LOG_LEVEL /);
    }
  });

  describe('with NODE_ENV=production', () => {
    it('starts with the secrets, the admin token and the encryption key', () => {
      expect(problems(PRODUCTION)).toEqual([]);
    });

    it.each(['WEBHOOK_SECRETS', 'ADMIN_TOKEN', 'ENCRYPTION_KEY'])('refuses to start without %s', (name) => {
      expect(problems({ ...PRODUCTION, [name]: undefined })).toEqual([`${name} is required when NODE_ENV=production`]);
      expect(problems({ ...PRODUCTION, [name]: '' })).toEqual([`${name} is required when NODE_ENV=production`]);
    });

    it('names all three when none is set', () => {
      expect(problems({ NODE_ENV: 'production' })).toEqual([
        'WEBHOOK_SECRETS is required when NODE_ENV=production',
        'ADMIN_TOKEN is required when NODE_ENV=production',
        'ENCRYPTION_KEY is required when NODE_ENV=production',
      ]);
    });

    it('does not count a list of only separators as a secret', () => {
      expect(problems({ ...PRODUCTION, WEBHOOK_SECRETS: ' , ,', ADMIN_TOKEN: ',' })).toEqual([
        'WEBHOOK_SECRETS is required when NODE_ENV=production',
        'ADMIN_TOKEN is required when NODE_ENV=production',
      ]);
    });
  });

  it('lets development start without secrets, admin token or key (the admin API is then disabled)', () => {
    expect(problems({ NODE_ENV: 'development' })).toEqual([]);
    expect(problems({ NODE_ENV: 'test' })).toEqual([]);
  });
});
