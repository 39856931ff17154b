/**
 * Changes to a connection that what Debrief knows of its ATS depends on are announced on this Postgres channel
 * (NOTIFY, sent with the change's commit, so every instance hears of it and only once it is stored). The
 * payload is the connection id. Whoever keeps per-connection state (the candidate directory) listens.
 */
export const CONNECTION_CHANGES_CHANNEL = 'debrief_connection_changes';
export const CONNECTION_CHANGED_SQL = `SELECT pg_notify('${CONNECTION_CHANGES_CHANNEL}', $1)`;

export interface ConnectionShape {
  provider: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  /** The stored ciphertext: a new one means new credentials. */
  credentials: string | null;
}

/**
 * Whether a connection, going from `before` (null: just created) to `after`, reaches its ATS differently
 * enough to start again: it was created or enabled, or its provider, credentials or settings changed.
 * A connection left disabled is not announced (nothing would run for it).
 */
export function announcesChange(before: ConnectionShape | null, after: ConnectionShape): boolean {
  if (!after.enabled) return false;
  if (before === null || !before.enabled) return true;
  return (
    before.provider !== after.provider ||
    before.credentials !== after.credentials ||
    JSON.stringify(before.settings) !== JSON.stringify(after.settings)
  );
}
