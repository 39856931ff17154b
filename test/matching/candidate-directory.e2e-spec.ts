import { CandidateNameKeys1764000003000 } from '../../migrations/1764000003000-candidate-name-keys';
import { CandidateLookupKeys1764000006000 } from '../../migrations/1764000006000-candidate-lookup-keys';
import type { AtsCandidate } from '../../src/ats/ats-adapter.port';
import { CandidateDirectoryRepository, type DirectoryQuery } from '../../src/matching/candidate-directory.repository';
import { guardTruncated } from '../../src/matching/candidate-finder.service';
import { decideMatch, DEFAULT_MATCH_SETTINGS, matchQueryKeys } from '../../src/matching/match-policy';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';

function person(id: string, firstName: string | null, lastName: string | null, extra: Partial<AtsCandidate> = {}): AtsCandidate {
  return {
    externalId: id,
    firstName,
    lastName,
    displayName: [firstName, lastName].filter(Boolean).join(' ') || id,
    phones: [],
    emails: [],
    updatedAt: null,
    ...extra,
  };
}

const query = (name: string | null, participants: string[] = []): DirectoryQuery => ({
  ...matchQueryKeys({ atsRecordName: name, participants }, DEFAULT_MATCH_SETTINGS),
  name,
});

describe('candidate directory lookups in Postgres', () => {
  let db: TestDatabase;
  let directory: CandidateDirectoryRepository;
  let connectionId: string;
  let otherConnectionId: string;

  const found = async (name: string | null, participants: string[] = [], connection = connectionId) =>
    (await directory.lookup(connection, query(name, participants))).map((e) => e.externalId).sort();

  beforeAll(async () => {
    db = await createTestDatabase();
    directory = new CandidateDirectoryRepository(db.dataSource);
    const insert = `INSERT INTO connections (name, provider, account_id) VALUES ($1, 'sandbox', 'acc') RETURNING id`;
    [{ id: connectionId }] = await db.dataSource.query(insert, ['directory']);
    [{ id: otherConnectionId }] = await db.dataSource.query(insert, ['other']);
    await directory.upsert(connectionId, [
      person('mueller', 'Thomas', 'Mueller'),
      person('soren', 'Søren', 'Kierkegaard'),
      person('john-adam', 'John Adam', 'Smith'),
      person('j-smith', 'J.', 'Smith'),
      person('jane-smith', 'Jane', 'Smith', { phones: ['(415) 555-2671'] }),
      person('beethoven', 'Ludwig', 'van Beethoven'),
      person('dmitry', 'Dmitry', 'Ivanov'),
      person('display-only', null, null, { displayName: 'Doe, Jane', emails: ['Jane.Doe@Example.com'] }),
      person('bystander', 'Oliver', 'Bennett'),
    ]);
    await directory.upsert(otherConnectionId, [person('elsewhere', 'Thomas', 'Müller')]);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('finds spelling variants, middle names, initials and particles the policy treats as the same name', async () => {
    expect(await found('Thomas Müller')).toEqual(['mueller']);
    expect(await found('Soeren Kierkegaard')).toEqual(['soren']);
    expect(await found('Smith, John')).toEqual(['j-smith', 'john-adam']);
    expect(await found('Ludwig Beethoven')).toEqual(['beethoven']);
    expect(await found('Jane Doe')).toEqual(['display-only']);
  });

  it('finds near spellings one typo apart and leaves unrelated names out', async () => {
    expect(await found('Dmitriy Ivanov')).toEqual(['dmitry']);
    expect(await found('Olivia Bennet')).toEqual([]);
    expect(await found('Nobody Known')).toEqual([]);
  });

  it('finds holders of the meeting phone or email whatever the name, within the connection only', async () => {
    expect(await found(null, ['+1 415 555 2671'])).toEqual(['jane-smith']);
    expect(await found('Somebody Else', ['jane.doe@example.com'])).toEqual(['display-only']);
    expect(await found('Thomas Mueller', [], otherConnectionId)).toEqual(['elsewhere']);
  });

  it('hands over the names real recruiters type, and the policy then decides for the right candidate', async () => {
    const insert = `INSERT INTO connections (name, provider, account_id) VALUES ('typed', 'sandbox', 'acc') RETURNING id`;
    const [{ id: typed }] = await db.dataSource.query(insert);
    await directory.upsert(typed, [
      person('an-le', 'An', 'Le', { phones: ['+14155552671'] }),
      person('an-la', 'An', 'La'),
      person('thi-hoa-do', 'Thị Hoa', 'Đỗ'),
      person('van-houten', 'Anna', 'van Houten'),
      person('al-masri', 'Omar', 'al-Masri'),
      person('lloyd-webber', 'Andrew', 'Lloyd-Webber'),
      person('marie-claire', 'Marie-Claire', 'Dubois'),
      person('li-na', '娜', '李'),
      person('seo-yeon', 'Seo-yeon', 'Kim'),
      person('ji-ho', null, null, { displayName: 'Seoyeon Park' }),
      person('sam-ortiz', 'Sam', 'Ortiz', { emails: ['Sam.Ortiz@gmail.com'] }),
      person('lena-berg', 'Lena', 'Berg', { emails: ['lena.berg+ats@example.com'] }),
      person('sean', 'Seán', "O'Connor"),
      person('priya', 'Priya', 'Nair'),
      person('daniel', 'Daniel', 'Smith'),
      person('dan', 'Dan', 'Smith'),
      person('yury', 'Yury', 'Petrov'),
      person('yuri', 'Yuri', 'Petrov'),
    ]);
    const decide = async (name: string | null, participants: string[] = []) => {
      const entries = await directory.lookup(typed, query(name, participants));
      const decision = decideMatch({ atsRecordName: name, participants }, entries, DEFAULT_MATCH_SETTINGS);
      return { decision: decision.decision, candidateId: decision.candidateId, alternatives: decision.alternatives.map((a) => a.candidateId).sort() };
    };
    const posted = (candidateId: string) => ({ decision: 'matched', candidateId });

    expect(await decide('An Le')).toMatchObject(posted('an-le'));
    expect(await decide('An Le', ['(415) 555-2671'])).toMatchObject(posted('an-le'));
    expect(await decide('Thi Hoa')).toMatchObject({ decision: 'needs_review', alternatives: ['thi-hoa-do'] });
    expect(await decide('Thi Hoa Do')).toMatchObject(posted('thi-hoa-do'));
    for (const [typedName, id] of [
      ['Anna Vanhouten', 'van-houten'],
      ['Vanhouten, Anna', 'van-houten'],
      ['Omar Almasri', 'al-masri'],
      ['Andrew Lloydwebber', 'lloyd-webber'],
      ['Marieclaire Dubois', 'marie-claire'],
      ['李娜', 'li-na'],
      ['李 娜', 'li-na'],
      ['Kim Seoyeon', 'seo-yeon'],
      ['Seoyeon Kim', 'seo-yeon'],
      ['Kim Seo Yeon', 'seo-yeon'],
      ['Sean O Connor', 'sean'],
      ['Sra. Priya Nair', 'priya'],
      ['Priya Nair (Acme Corp)', 'priya'],
      ['Ing. Priya Nair (#5521)', 'priya'],
    ] as const) {
      expect({ typedName, ...(await decide(typedName)) }).toMatchObject({ typedName, ...posted(id) });
    }
    expect(await decide('Seoyeon Park')).toMatchObject(posted('ji-ho'));

    // Plus-addressing: a tagged address finds the plain one on file and the reverse; the address stays evidence.
    expect(await decide(null, ['sam.ortiz+ats@gmail.com'])).toMatchObject(posted('sam-ortiz'));
    expect(await decide('Lena Berg', ['lena.berg@example.com'])).toMatchObject(posted('lena-berg'));
    expect(await decide(null, ['lena.berg+interview@example.com'])).toMatchObject(posted('lena-berg'));
    expect(await found(null, ['sam.ortiz2+ats@gmail.com'], typed)).toEqual([]);

    // A name that a namesake may also go by goes to a person, with both among the alternatives.
    expect(await decide('Dan Smith')).toMatchObject({ decision: 'needs_review', alternatives: ['dan', 'daniel'] });
    expect(await decide('Yuri Petrov')).toMatchObject({ decision: 'needs_review', alternatives: ['yuri', 'yury'] });

    // Near spellings fill their own few places; they do not crowd out such a namesake.
    await directory.upsert(typed, Array.from({ length: 8 }, (_, i) => person(`smyth-${i}`, 'Dan', 'Smyth')));
    const crowded = await decide('Dan Smith');
    expect(crowded.decision).toBe('needs_review');
    expect(crowded.alternatives).toEqual(expect.arrayContaining(['dan', 'daniel']));
  });

  it('looks for near spellings and given-name namesakes only when few carry the name, all in one statement', async () => {
    const insert = `INSERT INTO connections (name, provider, account_id) VALUES ('tiers', 'sandbox', 'acc') RETURNING id`;
    const [{ id: tiers }] = await db.dataSource.query(insert);
    // Every statement sent to Postgres, prepared or not, goes through the driver's Client.query.
    const sent = jest.spyOn(Client.prototype, 'query');
    const lookup = async (name: string, participants: string[] = []) => {
      sent.mockClear();
      const ids = (await directory.lookup(tiers, query(name, participants))).map((e) => e.externalId).sort();
      return { ids, statements: sent.mock.calls.length };
    };
    await directory.upsert(tiers, [
      person('dan', 'Dan', 'Smith', { phones: ['+14155550101'] }),
      person('daniel', 'Daniel', 'Smith'),
      person('smyth', 'Dan', 'Smyth'),
    ]);
    expect(await lookup('Dan Smith')).toEqual({ ids: ['dan', 'daniel', 'smyth'], statements: 1 });
    expect(await lookup('Dan Smith', ['+1 415 555 0101'])).toEqual({ ids: ['dan', 'daniel', 'smyth'], statements: 1 });

    // Three carriers of the name: the others would decide nothing a person is not already asked about.
    await directory.upsert(tiers, [person('dan-2', 'Dan J.', 'Smith'), person('dan-3', 'Dan', 'Smith')]);
    expect(await lookup('Dan Smith')).toEqual({ ids: ['dan', 'dan-2', 'dan-3'], statements: 1 });
    expect(await lookup('Dan Smith', ['+1 415 555 0101'])).toEqual({ ids: ['dan', 'dan-2', 'dan-3'], statements: 1 });
    sent.mockRestore();
  });

  it('keeps name keys current when a candidate is renamed', async () => {
    await directory.upsert(connectionId, [person('bystander', 'Olivia', 'Bennett')]);
    expect(await found('Olivia Bennet')).toEqual(['bystander']);
    expect(await found('Oliver Bennett')).toEqual([]);
  });

  it('says when more candidates carry a name than one lookup returns, and a name alone then decides nothing', async () => {
    const crowd = Array.from({ length: 12 }, (_, i) => person(`crowd-${i}`, 'Maria', `Garcia`, { emails: [`maria${i}@example.com`] }));
    await directory.upsert(connectionId, [...crowd, person('maria-lopez', 'Maria', 'Garcia Lopez')]);
    const lookup = await directory.search(connectionId, query('Maria Garcia Lopez'), 10);
    expect(lookup.namesTruncated).toBe(true);
    expect(lookup.entries.length).toBeLessThanOrEqual(10);

    // Should the cut leave a single carrier of the exact name, a name-only match is not trusted; an email that
    // agrees with the exact name is.
    const onlyOne = [(await directory.get(connectionId, 'maria-lopez'))!];
    const input = { atsRecordName: 'Maria Garcia Lopez', participants: [] };
    const nameOnly = decideMatch(input, onlyOne, DEFAULT_MATCH_SETTINGS);
    expect(nameOnly.decision).toBe('matched');
    const guarded = guardTruncated(nameOnly, lookup, onlyOne);
    expect(guarded).toMatchObject({ decision: 'needs_review', candidateId: null });
    expect(guarded.alternatives[0]!.candidateId).toBe('maria-lopez');
    expect(guarded.reason).toContain('more candidates carry names like this one');

    const withEmail = { atsRecordName: 'Maria Garcia', participants: ['maria3@example.com'] };
    expect((await directory.search(connectionId, query(withEmail.atsRecordName, withEmail.participants), 10)).namesTruncated).toBe(true);
    const entries = await directory.lookup(connectionId, query(withEmail.atsRecordName, withEmail.participants));
    const byEmail = decideMatch(withEmail, entries, DEFAULT_MATCH_SETTINGS);
    expect(byEmail).toMatchObject({ decision: 'matched', candidateId: 'crowd-3' });
    expect(guardTruncated(byEmail, { entries, namesTruncated: true, identifiersTruncated: false }, entries)).toBe(byEmail);
  });

  it('fills name keys for rows written before the column existed (the migration)', async () => {
    const migration = new CandidateNameKeys1764000003000();
    const runner = db.dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      await runner.query(
        `INSERT INTO candidates (connection_id, external_id, display_name, first_name, last_name) VALUES ($1, 'old', 'Müller, Thomas', NULL, NULL)`,
        [connectionId],
      );
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    const [{ keys }] = await db.dataSource.query(
      `SELECT name_keys AS keys FROM candidates WHERE connection_id = $1 AND external_id = 'old'`,
      [connectionId],
    );
    expect(keys).toEqual(expect.arrayContaining(['p:mueller|thomas', 'p:muller|thomas']));
    expect(await found('Thomas Mueller')).toEqual(['mueller', 'old']);
    const [{ indexdef }] = await db.dataSource.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'candidates_name_keys_idx'`);
    expect(indexdef).toContain('USING gin (name_keys)');
  });

  it('recomputes the keys of rows written by the earlier key rules (the migration)', async () => {
    const insert = `INSERT INTO connections (name, provider, account_id) VALUES ('older', 'sandbox', 'acc') RETURNING id`;
    const [{ id: older }] = await db.dataSource.query(insert);
    // Keys as the earlier rules wrote them: 李娜 one token, no mailbox key for a tagged address.
    await db.dataSource.query(
      `INSERT INTO candidates (connection_id, external_id, display_name, first_name, last_name, emails, name_keys) VALUES
         ($1, 'li-na', '李娜', NULL, NULL, '{}', '{k:李娜,t:李娜,s:李娜}'),
         ($1, 'lena', 'Lena Berg', 'Lena', 'Berg', '{lena.berg+ats@example.com}', '{k:berg lena,p:berg|lena,t:berg,t:lena}')`,
      [older],
    );
    expect(await found('李 娜', [], older)).toEqual([]);
    expect(await found(null, ['lena.berg@example.com'], older)).toEqual([]);
    const runner = db.dataSource.createQueryRunner();
    try {
      await new CandidateLookupKeys1764000006000().up(runner);
    } finally {
      await runner.release();
    }
    expect(await found('李 娜', [], older)).toEqual(['li-na']);
    expect(await found(null, ['lena.berg@example.com'], older)).toEqual(['lena']);
  });
});
