/**
 * Postgres stores neither the NUL character (in text or jsonb) nor a lone UTF-16 surrogate (in jsonb). Both
 * are valid in JSON strings, so payloads, rendered notes, ATS answers and error messages can carry them; a
 * sync whose outcome holds one could never record it (the write fails, the lease lapses, the next attempt
 * fails the same way). What the sync state writes goes through these first.
 */

const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** For text columns: NUL removed, lone surrogates replaced by U+FFFD (as the driver's UTF-8 encoding would). */
export function storableText(value: string): string {
  return value.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * For jsonb columns: JSON text in which NUL and lone surrogates (in keys as in values) are U+FFFD. JSON.stringify
 * writes exactly those characters as `\u` escapes (paired surrogates stay literal), so the escapes are replaced
 * in the text, minding escaped backslashes (`\\u0000` is a backslash followed by text, not an escape).
 */
export function storableJson(value: unknown): string {
  return JSON.stringify(value).replace(/(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi, '$1\\ufffd');
}
