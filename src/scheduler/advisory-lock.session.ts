import { Client } from 'pg';

/** Advisory-lock namespace of Debrief's scheduled jobs (first key of the two-key form; "DBRF"). */
export const JOB_LOCK_NAMESPACE = 0x44425246;

/**
 * One dedicated database session for a job run's advisory locks. Session-level advisory locks belong to
 * the connection that took them: taking one through a pool and releasing it through another connection
 * would leave it held. A session of its own also means a crashed process releases its locks with its
 * connection. Keys are texts hashed by Postgres (hashtext), so every instance derives the same lock.
 */
export class AdvisoryLockSession {
  private lost = false;

  private constructor(private readonly client: Client) {
    client.on('error', () => {
      this.lost = true;
    });
    client.on('end', () => {
      this.lost = true;
    });
  }

  static async open(connectionString: string | undefined): Promise<AdvisoryLockSession> {
    const client = new Client({ connectionString, application_name: 'debrief-scheduler' });
    await client.connect();
    return new AdvisoryLockSession(client);
  }

  /** False once the session dropped: its locks are gone and another instance may have taken them. */
  get alive(): boolean {
    return !this.lost;
  }

  async tryLock(key: string): Promise<boolean> {
    const res = await this.client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok`, [JOB_LOCK_NAMESPACE, key]);
    return res.rows[0]?.ok === true;
  }

  async unlock(key: string): Promise<void> {
    if (this.lost) return;
    await this.client.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [JOB_LOCK_NAMESPACE, key]);
  }

  /** Ends the session, which releases whatever it still holds. */
  async close(): Promise<void> {
    this.lost = true;
    await this.client.end().catch(() => undefined);
  }
}

/** Which of the given lock keys some session of this database holds right now (any instance). */
export const HELD_LOCKS_SQL = `
  SELECT k.key FROM unnest($2::text[]) AS k(key)
  WHERE EXISTS (SELECT 1 FROM pg_locks l
                WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND l.classid = $1::int8::oid AND l.objid = hashtext(k.key)::oid)`;
