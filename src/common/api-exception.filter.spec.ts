import { QueryFailedError } from 'typeorm';
import { toResponse } from './api-exception.filter';
import { loggableError } from './http/loggable-error';

/** A TypeORM error as the pg driver reports a value Postgres refused. */
const refused = (sqlstate: string, parameters: unknown[]) => {
  const driverError = Object.assign(new Error('invalid input syntax'), { code: sqlstate });
  return new QueryFailedError('SELECT * FROM syncs WHERE created_at < $1', parameters, driverError);
};

describe('ApiExceptionFilter', () => {
  it.each(['22P02', '22007', '22008', '22021', '22P05', '22003'])('answers a Postgres data exception (%s) with a 400', (sqlstate) => {
    const { status, body } = toResponse(refused(sqlstate, ['x']));
    expect(status).toBe(400);
    expect(body).toEqual({ code: 'INVALID_REQUEST', message: expect.any(String), details: [{ path: '$', message: expect.any(String) }] });
  });

  it('keeps other query failures a 500 without their text', () => {
    expect(toResponse(refused('42P01', []))).toEqual({ status: 500, body: { code: 'INTERNAL', message: 'internal error' } });
  });

  it('logs a failed query without its SQL or parameters', () => {
    const logged = JSON.stringify(loggableError(refused('XX000', ['secret-parameter-value', { apiKey: 'sk_live_123' }])));
    expect(logged).not.toContain('secret-parameter-value');
    expect(logged).not.toContain('sk_live_123');
    expect(logged).not.toContain('SELECT');
    expect(JSON.parse(logged)).toEqual(expect.objectContaining({ type: 'QueryFailedError', code: 'XX000' }));
  });
});
