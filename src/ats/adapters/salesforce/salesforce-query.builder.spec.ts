import { emailSoql, listingSoql, nameSoql, noteLinksSoql, phoneSosl, salesforceId, soqlString, soslTerm } from './salesforce-query.builder';

/** Reads one SOQL string literal starting at `at` (a quote) as Salesforce does; returns its value and end. */
function readLiteral(soql: string, at: number): { value: string; end: number } {
  expect(soql[at]).toBe("'");
  let value = '';
  for (let i = at + 1; i < soql.length; i++) {
    const c = soql[i];
    if (c === '\\') {
      const next = soql[i + 1];
      const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', "'": "'", '"': '"', '\\': '\\' };
      if (!(next in map)) throw new Error(`invalid escape \\${next}`);
      value += map[next];
      i++;
    } else if (c === "'") {
      return { value, end: i };
    } else {
      value += c;
    }
  }
  throw new Error('unterminated literal');
}

const HOSTILE = [
  "O'Brien",
  "x' OR Name != '",
  "x\\' OR Id != null OR Name = '",
  "Robert'); DELETE FROM Contact; --",
  'Back\\slash\\',
  'quote " double',
  "tab\tnew\nline\r",
  "%' OR Name LIKE '%",
  '\\\\\'',
  "'",
  "\u0000null\u001fbyte",
];

describe('Salesforce SOQL/SOSL builder', () => {
  it.each(HOSTILE)('keeps a hostile name inside its literal: %j', (name) => {
    const soql = nameSoql('Contact', name, 50);
    const start = soql.indexOf("Name = '") + 'Name = '.length;
    const { value, end } = readLiteral(soql, start);
    // The literal holds exactly the name (spaces folded, control characters without an escape dropped)...
    const expected = name.trim().replace(/\s+/g, ' ').replace(/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g, '');
    expect(value).toBe(expected);
    // ...and the query goes on exactly as built after it: nothing the name said became SOQL.
    expect(soql.slice(end + 1)).toBe(' LIMIT 50');
  });

  it.each(HOSTILE)('keeps a hostile e-mail inside its literal on leads too: %j', (email) => {
    const soql = emailSoql('Lead', email, 10);
    const start = soql.indexOf("Email = '") + 'Email = '.length;
    const { end } = readLiteral(soql, start);
    expect(soql.slice(end + 1)).toBe(' AND IsConverted = false LIMIT 10');
  });

  it('escapes every documented sequence and nothing else', () => {
    expect(soqlString(`a'b"c\\d\ne`)).toBe(`'a\\'b\\"c\\\\d\\ne'`);
    expect(soqlString('Zoë Ñúñez')).toBe("'Zoë Ñúñez'");
  });

  it('escapes SOSL reserved characters in a search term', () => {
    expect(soslTerm('a} OR {b')).toBe('{a\\} OR \\{b}');
    expect(soslTerm('x" AND (y*)')).toBe('{x\\" AND \\(y\\*\\)}');
    expect(soslTerm('+1-234')).toBe('{\\+1\\-234}');
  });

  it('searches phones by their national digits in phone fields, on the objects asked for', () => {
    expect(phoneSosl(['Contact', 'Lead'], '+12345678900', 20)).toBe(
      'FIND {2345678900} IN PHONE FIELDS RETURNING ' +
        'Contact(Id, FirstName, LastName, Name, Email, Phone, MobilePhone, HomePhone, OtherPhone, LastModifiedDate LIMIT 20), ' +
        'Lead(Id, FirstName, LastName, Name, Email, Phone, MobilePhone, LastModifiedDate WHERE IsConverted = false LIMIT 20)',
    );
    expect(phoneSosl(['Contact'], '} DELETE', 20)).toBeNull();
  });

  it('accepts only record ids, and writes dates as unquoted UTC instants', () => {
    expect(salesforceId('003000000000001AAA')).toBe('003000000000001AAA');
    expect(salesforceId("003' OR Id != '")).toBeNull();
    expect(() => noteLinksSoql("003' OR '1'='1", null)).toThrow();
    expect(listingSoql('Contact', new Date('2026-11-30T10:20:30.456Z'))).toContain('WHERE LastModifiedDate >= 2026-11-30T10:20:30Z ORDER BY Id');
  });
});
