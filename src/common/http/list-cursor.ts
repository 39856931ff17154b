import { badRequest } from '../api-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Microseconds, as Postgres keeps them: a millisecond cursor would skip or repeat rows created in the same
// millisecond (all syncs of one event share their transaction's now()).
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** SQL that renders a timestamptz column exactly, for `encodeTimeCursor`. */
export const cursorTimestampSql = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** An opaque cursor over (timestamp, uuid) keys. */
export function encodeTimeCursor(timestamp: string, id: string): string {
  return Buffer.from(`${timestamp}|${id}`).toString('base64url');
}

/** The key a cursor carries; a cursor that was not made by us is a 400 naming `$.cursor`. */
export function decodeTimeCursor(cursor: string): { timestamp: string; id: string } {
  const [timestamp, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (extra !== undefined || !timestamp || !id || !TIMESTAMP.test(timestamp) || !isRealInstant(timestamp) || !UUID.test(id)) throw invalidCursor();
  return { timestamp, id };
}

/** An opaque cursor over a bigint sequence key (the audit log). */
export function encodeSequenceCursor(id: string): string {
  return Buffer.from(`seq|${id}`).toString('base64url');
}

export function decodeSequenceCursor(cursor: string): string {
  const [kind, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (kind !== 'seq' || extra !== undefined || !id || !/^\d{1,19}$/.test(id) || BigInt(id) > MAX_BIGINT) throw invalidCursor();
  return id;
}

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** The right shape is not enough: month 13 or the 30th of February would reach Postgres, which refuses them. */
function isRealInstant(timestamp: string): boolean {
  const [year, month, day, hour, minute, second] = timestamp.match(/\d+/g)!.map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year);
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

function invalidCursor() {
  return badRequest('invalid cursor', [{ path: '$.cursor', message: 'use the nextCursor of a previous answer' }]);
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to read the next page; null on the last page. */
  nextCursor: string | null;
}
