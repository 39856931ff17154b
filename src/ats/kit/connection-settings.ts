import { z } from 'zod';

/**
 * The shared pieces every adapter's connection contract is built from, so one setting means one thing (and
 * is refused for one reason) on every provider.
 */

/** Settings that decide which host receives the credentials: changing one needs the credentials re-sent. */
const DESTINATION_SETTINGS = new WeakSet<z.ZodType>();
/** Settings holding a URL that the URL policy judges. */
const URL_SETTINGS = new WeakSet<z.ZodType>();

/** `''` and `null` have always meant "not set" in stored settings; they still do. */
const unsetIfEmpty = (value: unknown) => (value === '' || value === null ? undefined : value);

/** `{ limit, intervalMs }`: at least one request per interval, an interval of at least 100 ms. */
export const rateLimitSetting = z
  .strictObject({
    limit: z.number().int('must be a whole number').min(1).max(100_000),
    intervalMs: z.number().int('must be a whole number of milliseconds').min(100).max(3_600_000),
  })
  .optional();

/** Per-request timeout in milliseconds. */
export const timeoutMsSetting = z.number().int('must be a whole number of milliseconds').min(100).max(120_000).optional();

/** The ATS user who authors notes when the meeting owner is not one; read as a string (ids may be numbers). */
export const userIdSetting = z.preprocess(
  unsetIfEmpty,
  z
    .union([z.string().trim().min(1).max(255), z.number().int().nonnegative()], { error: 'must be a user id (string or number)' })
    .transform(String)
    .optional(),
);

/** A user id the ATS keeps as a number (Greenhouse, Bullhorn). */
export const numericUserIdSetting = z.preprocess(
  unsetIfEmpty,
  z
    .union([z.string().trim().regex(/^\d{1,18}$/, 'must be a numeric user id'), z.number().int().nonnegative()], {
      error: 'must be a numeric user id',
    })
    .transform(String)
    .optional(),
);

/** A free-text setting; blank means unset. */
export const textSetting = (max = 255) => z.preprocess(unsetIfEmpty, z.string().trim().min(1).max(max).optional());

export const booleanSetting = z.boolean().optional();

/** A whole number within bounds (e.g. minutes of overlap). */
export const intSetting = (min: number, max: number) => z.number().int('must be a whole number').min(min).max(max).optional();

/**
 * A URL the adapter sends credentials to. The schema checks its form; where it may point is the URL policy's
 * call (vendor domains, ATS_ALLOWED_HOSTS), applied by the connection config reader to every URL setting.
 * Trailing slashes are dropped so paths join the same way whatever the operator typed.
 */
export function urlSetting(): z.ZodType<string | undefined> {
  const schema = z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .max(2048)
      .refine((value) => URL.canParse(value), 'must be an absolute URL')
      .transform((value) => value.replace(/\/+$/, ''))
      .optional(),
  );
  URL_SETTINGS.add(schema);
  DESTINATION_SETTINGS.add(schema);
  return schema;
}

/** Marks a non-URL setting that still chooses the destination host (e.g. Workable's subdomain). */
export function destinationSetting<T extends z.ZodType>(schema: T): T {
  DESTINATION_SETTINGS.add(schema);
  return schema;
}

/** A required credential string; the message never repeats the value. */
export const secretString = z
  .string({ error: 'required: a non-empty string' })
  .min(1, 'required: a non-empty string')
  .max(4096, 'too long');

export function isUrlSetting(schema: z.ZodType): boolean {
  return URL_SETTINGS.has(schema);
}

export function isDestinationSetting(schema: z.ZodType): boolean {
  return DESTINATION_SETTINGS.has(schema);
}
