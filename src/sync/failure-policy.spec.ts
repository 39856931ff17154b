import { ATS_ERROR_CODES } from '../ats/ats-error';
import { codesWhere, FAILURE_POLICY, PIPELINE_ERROR_CODES, SYNC_ERROR_CODES } from './failure-policy';
import { decideRetry } from './retry-policy';

const settings = { maxAttempts: 5, baseSeconds: 30, maxSeconds: 3600 };

describe('the failure table', () => {
  // [code, retry now, re-armed by recovery, re-armed by a passing test, waits for a person]
  const expected: Array<[string, boolean, boolean, boolean, boolean]> = [
    ['RATE_LIMITED', true, true, false, false],
    ['TEMPORARY', true, true, true, false],
    ['AUTH_FAILED', false, true, true, false],
    ['NOT_FOUND', false, false, false, true],
    ['INVALID_REQUEST', false, false, false, true],
    ['PERMISSION_DENIED', false, false, true, true],
    ['CONFIGURATION', false, false, false, true],
    ['CONNECTION_MISSING', false, false, false, true],
    ['EVENT_MISSING', false, false, false, true],
    ['PAYLOAD_PURGED', false, false, false, true],
    ['INVALID_PAYLOAD', false, false, false, true],
    ['INTERNAL', true, true, false, false],
  ];

  it('lists every code once: the ATS codes, the pipeline codes and INTERNAL', () => {
    expect([...SYNC_ERROR_CODES].sort()).toEqual(expected.map(([code]) => code).sort());
    expect(SYNC_ERROR_CODES).toEqual(expect.arrayContaining([...ATS_ERROR_CODES, ...PIPELINE_ERROR_CODES, 'INTERNAL']));
    expect(Object.keys(FAILURE_POLICY).sort()).toEqual([...SYNC_ERROR_CODES].sort());
  });

  it.each(expected)('%s: retry %s, recovery %s, test %s, person %s', (code, retryNow, rearmByRecovery, rearmOnTestPass, waitsForPerson) => {
    expect(FAILURE_POLICY[code as keyof typeof FAILURE_POLICY]).toEqual({ retryNow, rearmByRecovery, rearmOnTestPass, waitsForPerson });
  });

  it('a code waits for a person exactly when neither the worker nor the recovery job brings it back', () => {
    for (const code of SYNC_ERROR_CODES) {
      const row = FAILURE_POLICY[code];
      expect(row.waitsForPerson).toBe(!row.retryNow && !row.rearmByRecovery);
    }
  });

  it('answers the jobs and the connection test with the codes they had before', () => {
    expect(new Set(codesWhere('rearmByRecovery'))).toEqual(new Set(['TEMPORARY', 'RATE_LIMITED', 'AUTH_FAILED', 'INTERNAL']));
    expect(new Set(codesWhere('rearmOnTestPass'))).toEqual(new Set(['AUTH_FAILED', 'PERMISSION_DENIED', 'TEMPORARY']));
    expect(new Set(codesWhere('retryNow'))).toEqual(new Set(['RATE_LIMITED', 'TEMPORARY', 'INTERNAL']));
  });

  it('the worker retries exactly the codes the table marks, and fails a code it does not know', () => {
    for (const code of SYNC_ERROR_CODES) {
      expect(decideRetry(code, 1, settings).action).toBe(FAILURE_POLICY[code].retryNow ? 'retry' : 'fail');
    }
    expect(decideRetry('SOMETHING_NEW', 1, settings).action).toBe('fail');
  });
});
