import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { JOB_LOCK_NAMESPACE } from '../../src/scheduler/advisory-lock.session';
import { adminHeaders, http } from '../support/app';

/** Runs a job through the admin API, as an operator would. */
export const runJob = (app: NestFastifyApplication, name: string) => http(app).post(`/admin/jobs/${name}/run`).set(adminHeaders());

/**
 * Moves a sync's history back in time, as if `minutes` had passed since the meeting arrived and since
 * matching last ran: the jobs compare these timestamps with the database clock.
 */
export async function ageSync(db: DataSource, syncId: string, minutes: number): Promise<void> {
  const shift = `make_interval(mins => ${Number(minutes)})`;
  await db.query(`UPDATE webhook_events SET received_at = received_at - ${shift} WHERE id = (SELECT event_id FROM syncs WHERE id = $1)`, [syncId]);
  await db.query(
    `UPDATE syncs SET created_at = created_at - ${shift}, finished_at = finished_at - ${shift},
            rematched_at = rematched_at - ${shift} WHERE id = $1`,
    [syncId],
  );
}

export async function syncRow(db: DataSource, syncId: string): Promise<Record<string, any>> {
  const rows = await db.query(`SELECT * FROM syncs WHERE id = $1`, [syncId]);
  return rows[0];
}

export async function onlySyncId(db: DataSource, eventId: string): Promise<string> {
  const rows: Array<{ id: string }> = await db.query(`SELECT id FROM syncs WHERE event_id = $1`, [eventId]);
  if (rows.length !== 1) throw new Error(`expected one sync for ${eventId}, found ${rows.length}`);
  return rows[0]!.id;
}

/** Holds a job's lock from outside the app, as another instance running it would. */
export async function holdJobLock(url: string, job: string): Promise<{ release(): Promise<void> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const res = await client.query(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok`, [JOB_LOCK_NAMESPACE, `job:${job}`]);
  if (!res.rows[0].ok) throw new Error('lock already held');
  return { release: () => client.end() };
}
