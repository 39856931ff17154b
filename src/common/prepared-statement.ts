import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';

const declared = new Map<string, string>();

/**
 * A fixed-text statement that each pooled connection parses and plans once, then only executes: a named
 * prepared statement of the `pg` driver (TypeORM's `query` sends unnamed ones, which Postgres parses, analyses
 * and plans on every call; for the hot statements that cost more than running them).
 *
 * Declare one per statement, at module level, in the repository that owns its table. A name belongs to one text:
 * declaring it twice with another text throws at load, because Postgres would refuse the second on a connection
 * that prepared the first. Postgres keeps a generic plan once it is no worse than the custom ones
 * (`plan_cache_mode = auto`), so a statement whose best plan depends on its values still gets custom plans.
 *
 * Answers the rows (also for UPDATE … RETURNING, where TypeORM's `query` answers `[rows, count]`). Errors are
 * the driver's own (`code` is the SQLSTATE), as `isDatabaseUnavailable` and `isDataException` read them.
 */
export class PreparedStatement<Row = Record<string, any>> {
  constructor(
    readonly name: string,
    readonly text: string,
  ) {
    const existing = declared.get(name);
    if (existing !== undefined && existing !== text) throw new Error(`prepared statement ${name} is declared twice with different texts`);
    declared.set(name, text);
  }

  /** Runs on a connection of the data source's pool. */
  async run(dataSource: DataSource, values: unknown[]): Promise<Row[]> {
    const result = await poolOf(dataSource).query<Row & Record<string, any>>({ name: this.name, text: this.text, values });
    return result.rows;
  }

  /** Runs on the connection a query runner has taken from the pool (`await runner.connect()` first). */
  async runOn(runner: QueryRunner, values: unknown[]): Promise<Row[]> {
    const client = (runner as unknown as { databaseConnection?: PoolClient }).databaseConnection;
    if (!client) throw new Error('the query runner holds no connection: connect it first');
    const result = await client.query<Row & Record<string, any>>({ name: this.name, text: this.text, values });
    return result.rows;
  }
}

/** The `pg` pool behind a TypeORM Postgres data source. */
function poolOf(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('the data source is not connected to Postgres');
  return pool;
}

const variants = new Map<string, PreparedStatement<any>>();

/**
 * The prepared statement for one of a few texts a repository composes (a lookup whose parts depend on what is
 * asked): named after `prefix` and a hash of the text, so each variant is prepared once per connection. Only for
 * texts drawn from a small fixed set; values always travel as parameters, never in the text.
 */
export function preparedVariant<Row = Record<string, any>>(prefix: string, text: string): PreparedStatement<Row> {
  let statement = variants.get(text);
  if (!statement) {
    statement = new PreparedStatement<Row>(`${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 12)}`, text);
    variants.set(text, statement);
  }
  return statement as PreparedStatement<Row>;
}
