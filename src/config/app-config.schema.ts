import { CronTime, validateCronExpression } from 'cron';
import { z } from 'zod';
import { parseAllowedHosts } from './allowed-hosts';

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A five- or six-field cron expression, checked by the same parser the scheduler uses. */
const cron = z.string().trim().refine((v) => validateCronExpression(v).valid, 'must be a cron expression, e.g. "*/5 * * * *"');

const timeZone = z.string().trim().refine((tz) => {
  try {
    new CronTime('0 * * * *', tz);
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone, e.g. UTC or Europe/Paris');

/** Minutes after a meeting was received at which an unmatched sync is tried again: positive, increasing. */
const minutesLadder = z
  .string()
  .transform(list)
  .pipe(z.array(z.string().regex(/^\d+$/, 'must be whole minutes').transform(Number).pipe(z.number().int().min(1))).min(1))
  .refine((steps) => steps.every((step, i) => i === 0 || step > steps[i - 1]!), 'must be increasing, e.g. 15,60,360,1440');

/**
 * Comma-separated webhook secrets. A `whsec_` secret is base64 key bytes: one that does not decode (or
 * decodes to almost nothing) would make an HMAC key anyone can reproduce, so it stops the boot. The
 * message names the entry by position, never by value.
 */
const webhookSecrets = z
  .string()
  .optional()
  .transform(list)
  .superRefine((secrets, ctx) => {
    secrets.forEach((secret, i) => {
      if (!secret.startsWith('whsec_')) return;
      const encoded = secret.slice('whsec_'.length);
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 === 1) {
        ctx.addIssue({ code: 'custom', message: `entry ${i + 1} is not base64 after whsec_` });
      } else if (Buffer.from(encoded, 'base64').length < 16) {
        ctx.addIssue({ code: 'custom', message: `entry ${i + 1} is too short: a whsec_ secret holds at least 16 bytes` });
      }
    });
  });

/** `host`, `host:port` or IP literals, comma-separated; a malformed entry stops the boot rather than widen or block. */
const hostList = z
  .string()
  .optional()
  .transform(list)
  .superRefine((hosts, ctx) => {
    const { invalid } = parseAllowedHosts(hosts);
    if (invalid.length > 0) ctx.addIssue({ code: 'custom', message: `invalid entries: ${invalid.join(', ')} (use host, host:port or an IP)` });
  });

/** AES-256 needs exactly 32 bytes: accept 64 hex characters or base64 of 32 bytes. */
const encryptionKey = z
  .string()
  .transform((value, ctx) => {
    const trimmed = value.trim();
    const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
    if (bytes.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'must be 32 bytes: 64 hex characters or base64 of 32 bytes' });
      return z.NEVER;
    }
    return bytes;
  });

/** The environment Debrief reads, once, at boot. Every variable of DESIGN.md's contract is here. */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(0, 65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    DATA_DIR: z.string().min(1).default('./.data'),
    WEBHOOK_SECRETS: webhookSecrets,
    WEBHOOK_SIGNATURE_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
      .optional()
      .transform((v) => v?.toLowerCase()),
    WEBHOOK_TOLERANCE_SECONDS: int(1, 86_400).default(300),
    WEBHOOK_BODY_LIMIT_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
    ADMIN_TOKEN: z.string().optional().transform(list),
    ADMIN_READONLY_TOKENS: z.string().optional().transform(list),
    ENCRYPTION_KEY: encryptionKey.optional(),
    ASSET_ALLOWED_HOSTS: hostList,
    ATS_ALLOWED_HOSTS: hostList,
    ASSET_TIMEOUT_MS: int(100, 120_000).default(5000),
    ASSET_MAX_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    WORKER_ENABLED: boolean.default(true),
    WORKER_CONCURRENCY: int(1, 256).default(32),
    WORKER_POLL_MS: int(50, 60_000).default(1000),
    SYNC_LEASE_SECONDS: int(5, 3600).default(120),
    SYNC_MAX_ATTEMPTS: int(1, 100).default(8),
    SYNC_BACKOFF_BASE_SECONDS: int(1, 3600).default(30),
    SYNC_BACKOFF_MAX_SECONDS: int(1, 7 * 86_400).default(6 * 3600),
    SCHEDULER_ENABLED: boolean.default(true),
    JOB_TIMEZONE: timeZone.default('UTC'),
    JOB_SWEEPER_CRON: cron.default('* * * * *'),
    JOB_REMATCH_CRON: cron.default('*/5 * * * *'),
    REMATCH_LADDER_MINUTES: minutesLadder.default([15, 60, 360, 1440]),
    REMATCH_WINDOW_DAYS: int(1, 365).default(7),
    JOB_RECOVERY_CRON: cron.default('0 * * * *'),
    RECOVERY_INTERVAL_HOURS: int(1, 24 * 30).default(6),
    RECOVERY_MAX_REARMS: int(0, 100).default(4),
    JOB_DIRECTORY_REFRESH_CRON: cron.default('*/15 * * * *'),
    JOB_DIRECTORY_FULL_REFRESH_CRON: cron.default('0 3 * * *'),
    DIRECTORY_PAGE_SIZE: int(1, 500).default(100),
    DIRECTORY_MAX_PAGES_PER_RUN: int(1, 100_000).default(50),
    JOB_RETENTION_CRON: cron.default('30 4 * * *'),
    RETENTION_DAYS: int(1, 3650).default(90),
    JOB_RUNS_RETENTION_DAYS: int(1, 3650).default(30),
    JOB_ERASURE_CRON: cron.default('* * * * *'),
    /** Salt of the identifier hashes the audit log keeps for erasures; unset → one generated and stored once. */
    ERASURE_HASH_SALT: z.string().min(16, 'must be at least 16 characters').optional(),
    DB_POOL_SIZE: int(1, 200).default(20),
    HTTP_HEADERS_TIMEOUT_MS: int(100, 300_000).default(10_000),
    HTTP_REQUEST_TIMEOUT_MS: int(100, 3_600_000).default(30_000),
    HTTP_IDLE_TIMEOUT_MS: int(0, 3_600_000).default(0),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: int(100, 600_000).default(72_000),
    HTTP_MAX_CONNECTIONS: int(1, 1_000_000).default(1024),
    HTTP_OVERSIZED_DISCARD_BYTES: int(0, 1024 * 1024 * 1024).default(16 * 1024 * 1024),
    JSON_MAX_DEPTH: int(8, 1000).default(64),
  })
  .superRefine((env, ctx) => {
    // Node refuses a headers timeout longer than the request timeout it is part of.
    if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS)
      ctx.addIssue({ code: 'custom', path: ['HTTP_HEADERS_TIMEOUT_MS'], message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS' });
    if (env.NODE_ENV !== 'production') return;
    if (env.WEBHOOK_SECRETS.length === 0)
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRETS'], message: 'is required when NODE_ENV=production' });
    if (env.ADMIN_TOKEN.length === 0)
      ctx.addIssue({ code: 'custom', path: ['ADMIN_TOKEN'], message: 'is required when NODE_ENV=production' });
    if (!env.ENCRYPTION_KEY)
      ctx.addIssue({ code: 'custom', path: ['ENCRYPTION_KEY'], message: 'is required when NODE_ENV=production' });
  });

export type AppConfig = z.infer<typeof envSchema>;

export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidConfigError';
  }
}

/** Parses the environment; throws InvalidConfigError naming each bad variable. Empty strings count as unset. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') cleaned[key] = value;
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new InvalidConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'} ${issue.message}`),
    );
  }
  return result.data;
}
