/**
 * What of an error may be logged: its kind, message, code and stack. A TypeORM QueryFailedError also carries
 * the SQL and its parameters (connection settings, candidate names, whatever the request held), which a log
 * must not.
 */
export function loggableError(err: unknown): unknown {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { code?: unknown; driverError?: { code?: unknown } };
  const code = typeof e.code === 'string' ? e.code : typeof e.driverError?.code === 'string' ? e.driverError.code : undefined;
  return { type: e.name, message: e.message, ...(code !== undefined ? { code } : {}), stack: e.stack };
}
