import type { ConnectionCheck } from '../ats-adapter.port';
import { isAtsError } from '../ats-error';
import { failedCheck } from '../connection-check';

/**
 * The checks every adapter reports the same way. A connection test passes when every required check passes;
 * an advisory check that fails is a warning the operator sees, and does not keep syncs from being re-armed.
 */
export function connectionTestPassed(checks: readonly ConnectionCheck[]): boolean {
  return checks.every((c) => c.ok || c.severity === 'advisory');
}

/** The adapter's configuration, or the one failed `configuration` check that says why it cannot be read. */
export function configOrCheck<T>(read: () => T): { config: T; checks?: undefined } | { config?: undefined; checks: ConnectionCheck[] } {
  try {
    return { config: read() };
  } catch (err) {
    return { checks: [{ ...failedCheck('configuration', err), severity: 'required' }] };
  }
}

export interface FallbackAuthor {
  name: string | null;
  /** Whether the user may still author notes (enabled, not deleted). */
  active: boolean;
}

/**
 * `settings.userId`, the author of notes whose meeting owner is not an ATS user. Unset is advisory: every
 * meeting whose owner the ATS knows is still filed. Set but unusable (unknown, deactivated, refused) fails:
 * the operator asked for that user and meetings relying on it would fail.
 * `lookUp` answers null for a user the ATS does not have; an AtsError NOT_FOUND means the same.
 */
export async function fallbackAuthorCheck(options: {
  userId: string | null | undefined;
  /** e.g. "a Greenhouse user". */
  userKind: string;
  lookUp: (userId: string) => Promise<FallbackAuthor | null>;
}): Promise<ConnectionCheck> {
  const check = 'fallback author';
  const { userId } = options;
  if (!userId) {
    return {
      check,
      ok: false,
      severity: 'advisory',
      detail: `settings.userId is not set: meetings whose owner is not ${options.userKind} cannot be filed`,
      code: 'CONFIGURATION',
    };
  }
  let user: FallbackAuthor | null;
  try {
    user = await options.lookUp(userId);
  } catch (err) {
    if (isAtsError(err) && err.code === 'NOT_FOUND') user = null;
    else return { ...failedCheck(check, err), severity: 'required' };
  }
  if (!user) return { check, ok: false, severity: 'required', detail: `user ${userId} not found`, code: 'CONFIGURATION' };
  if (!user.active) {
    return { check, ok: false, severity: 'required', detail: `user ${userId} is deactivated`, code: 'CONFIGURATION' };
  }
  return { check, ok: true, severity: 'required', detail: `notes fall back to ${user.name || userId}` };
}
