import type { ConnectionCheck } from './ats-adapter.port';
import { isAtsError } from './ats-error';

/** A failed connection check from an ATS refusal; anything that is not an AtsError is a bug and is rethrown. */
export function failedCheck(check: string, err: unknown, prefix?: string): ConnectionCheck {
  if (!isAtsError(err)) throw err;
  return { check, ok: false, detail: prefix ? `${prefix}: ${err.message}` : err.message, code: err.code };
}
