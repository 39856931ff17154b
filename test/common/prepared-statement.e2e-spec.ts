import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { PreparedStatement, preparedVariant } from '../../src/common/prepared-statement';
import { isDataException } from '../../src/common/api-error';
import { createTestDatabase, TestDatabase } from '../support/database';

describe('PreparedStatement', () => {
  let db: TestDatabase;
  let one: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    // One connection, so that what it prepared can be read back on it.
    one = new DataSource(dataSourceOptions(db.url, 1));
    await one.initialize();
    await one.query(`CREATE TABLE prepared_probe (id int PRIMARY KEY, label text NOT NULL)`);
  });
  afterAll(async () => {
    await one?.destroy();
    await db?.drop();
  });

  const insert = new PreparedStatement<{ id: number; label: string }>(
    'test_prepared_probe_insert',
    `INSERT INTO prepared_probe (id, label) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET label = EXCLUDED.label RETURNING id, label`,
  );
  const relabel = new PreparedStatement<{ id: number }>('test_prepared_probe_relabel', `UPDATE prepared_probe SET label = $2 WHERE id = $1 RETURNING id`);

  it('is parsed once per connection and then only executed, answering the rows', async () => {
    expect(await insert.run(one, [1, 'first'])).toEqual([{ id: 1, label: 'first' }]);
    expect(await insert.run(one, [1, 'again'])).toEqual([{ id: 1, label: 'again' }]);
    // UPDATE … RETURNING answers its rows too (TypeORM's query answers [rows, count] there).
    expect(await relabel.run(one, [1, 'third'])).toEqual([{ id: 1 }]);
    expect(await relabel.run(one, [2, 'none'])).toEqual([]);

    const prepared: Array<{ name: string }> = await one.query(`SELECT name FROM pg_prepared_statements ORDER BY name`);
    expect(prepared.map((p) => p.name)).toEqual(['test_prepared_probe_insert', 'test_prepared_probe_relabel']);
  });

  it('runs on a connection already taken from the pool', async () => {
    const runner = one.createQueryRunner();
    await runner.connect();
    try {
      expect(await insert.runOn(runner, [5, 'on a runner'])).toEqual([{ id: 5, label: 'on a runner' }]);
    } finally {
      await runner.release();
    }
  });

  it("passes the driver's errors on with their SQLSTATE", async () => {
    const bad = new PreparedStatement('test_prepared_probe_cast', `SELECT $1::int AS n`);
    const err = await bad.run(one, ['not a number']).catch((e: unknown) => e);
    expect(isDataException(err)).toBe(true);
  });

  it('refuses one name for two texts', () => {
    expect(() => new PreparedStatement('test_prepared_probe_insert', `SELECT 1`)).toThrow(/declared twice/);
    expect(() => new PreparedStatement('test_prepared_probe_insert', insert.text)).not.toThrow();
  });

  it('prepares each variant of a composed text once, under a name of its own', async () => {
    const text = (tiers: number) => Array.from({ length: tiers }, (_, i) => `SELECT ${i} AS tier, $1::text AS key`).join(' UNION ALL ');
    const one1 = preparedVariant('test_variant', text(1));
    expect(preparedVariant('test_variant', text(1))).toBe(one1);
    const two = preparedVariant('test_variant', text(2));
    expect(two.name).not.toBe(one1.name);
    expect(one1.name).toMatch(/^test_variant_[0-9a-f]{12}$/);
    expect(await two.run(one, ['k'])).toEqual([{ tier: 0, key: 'k' }, { tier: 1, key: 'k' }]);
    expect(await one1.run(one, ['k'])).toEqual([{ tier: 0, key: 'k' }]);
  });
});
