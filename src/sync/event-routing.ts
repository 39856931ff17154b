/**
 * Which connections an event goes to, as SQL over a `connections` row aliased `c`: the event's account, and the
 * connection's team when it names one (a connection without a team covers every team of the account). Intake,
 * replay and preview all ask this one expression; `account` and `team` are SQL expressions (parameters or columns).
 */
export function routesEventSql(c: string, account: string, team: string): string {
  return `${c}.account_id = ${account} AND (${c}.team_id IS NULL OR ${c}.team_id = ${team})`;
}

/** Connections that take new syncs: enabled and not deleted. */
export function takesNewSyncsSql(c: string): string {
  return `${c}.enabled AND ${c}.deleted_at IS NULL`;
}

/** The connections an event creates syncs for, now. */
export function routedConnectionSql(c: string, account: string, team: string): string {
  return `${takesNewSyncsSql(c)} AND ${routesEventSql(c, account, team)}`;
}
