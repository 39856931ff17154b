import { ATS_ERROR_CODES, type AtsErrorCode } from '../ats/ats-error';

/** Failures the pipeline finds in its own inputs (stored data or configuration), before any ATS call. */
export const PIPELINE_ERROR_CODES = ['CONNECTION_MISSING', 'EVENT_MISSING', 'PAYLOAD_PURGED', 'INVALID_PAYLOAD'] as const;
export type PipelineErrorCode = (typeof PIPELINE_ERROR_CODES)[number];

/** Every code a sync can fail with: what the ATS said, what the pipeline found, or an unexpected error. */
export type SyncErrorCode = AtsErrorCode | PipelineErrorCode | 'INTERNAL';
export const SYNC_ERROR_CODES: readonly SyncErrorCode[] = [...ATS_ERROR_CODES, ...PIPELINE_ERROR_CODES, 'INTERNAL'];

export interface FailureTreatment {
  /** The worker tries again with backoff (until SYNC_MAX_ATTEMPTS). */
  retryNow: boolean;
  /** Once failed, the recovery job re-arms it after RECOVERY_INTERVAL_HOURS (at most RECOVERY_MAX_REARMS times). */
  rearmByRecovery: boolean;
  /** Once failed, a passing connection test re-arms it. */
  rearmOnTestPass: boolean;
  /** Nothing automatic brings it back: an operator must fix something and retry or resolve it. */
  waitsForPerson: boolean;
}

const t = (retryNow: boolean, rearmByRecovery: boolean, rearmOnTestPass: boolean, waitsForPerson: boolean): FailureTreatment => ({
  retryNow,
  rearmByRecovery,
  rearmOnTestPass,
  waitsForPerson,
});

/**
 * What each failure code means for a sync. The worker's retry decision, the recovery job, retention (which keeps
 * what recovery may still need) and the connection test all read this table and nothing else.
 *   RATE_LIMITED, TEMPORARY, INTERNAL — the ATS or the network may answer differently later.
 *   AUTH_FAILED — retrying at once cannot help; credentials an admin has since fixed can (recovery, test).
 *   PERMISSION_DENIED — needs a change in the ATS; a passing test shows it was made.
 *   NOT_FOUND, INVALID_REQUEST, CONFIGURATION and the pipeline's own codes — only a person can fix them.
 */
export const FAILURE_POLICY: Readonly<Record<SyncErrorCode, FailureTreatment>> = {
  RATE_LIMITED: t(true, true, false, false),
  TEMPORARY: t(true, true, true, false),
  INTERNAL: t(true, true, false, false),
  AUTH_FAILED: t(false, true, true, false),
  PERMISSION_DENIED: t(false, false, true, true),
  NOT_FOUND: t(false, false, false, true),
  INVALID_REQUEST: t(false, false, false, true),
  CONFIGURATION: t(false, false, false, true),
  CONNECTION_MISSING: t(false, false, false, true),
  EVENT_MISSING: t(false, false, false, true),
  PAYLOAD_PURGED: t(false, false, false, true),
  INVALID_PAYLOAD: t(false, false, false, true),
};

export function isSyncErrorCode(code: string): code is SyncErrorCode {
  return Object.hasOwn(FAILURE_POLICY, code);
}

/** The codes with one treatment, in the table's order (for SQL `= ANY($n)` and for descriptions). */
export function codesWhere(key: keyof FailureTreatment): SyncErrorCode[] {
  return SYNC_ERROR_CODES.filter((code) => FAILURE_POLICY[code][key]);
}
