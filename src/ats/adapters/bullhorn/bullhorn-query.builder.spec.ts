import { corporateUserNameWhere, emailQuery, luceneDate, luceneQuote, jpqlString, nameQuery, phoneQuery, phoneVariants } from './bullhorn-query.builder';

describe('Bullhorn query building', () => {
  it('spells a number the ways people type it', () => {
    expect(phoneVariants('+14155550101')).toEqual([
      '4155550101',
      '(415) 555-0101',
      '415-555-0101',
      '+14155550101',
      '+1 415 555 0101',
    ]);
    expect(phoneVariants('+442079460958')).toEqual(['2079460958', '020 7946 0958', '020-7946-0958', '02079460958', '+442079460958', '+44 20 7946 0958']);
  });

  it('searches every phone field and excludes deleted records', () => {
    const q = phoneQuery('+14155550101')!;
    for (const field of ['phone', 'mobile', 'phone2', 'phone3', 'workPhone']) expect(q).toContain(`${field}:"4155550101"`);
    expect(q.endsWith(') AND isDeleted:false')).toBe(true);
    expect(phoneQuery('n/a')).toBeNull();
  });

  it('quotes Lucene phrases and JPQL strings safely', () => {
    expect(luceneQuote('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
    expect(nameQuery("Sinéad  O'Brien")).toBe('name:"Sinéad O\'Brien" AND isDeleted:false');
    expect(emailQuery('a@b.c')).toBe('(email:"a@b.c" OR email2:"a@b.c" OR email3:"a@b.c") AND isDeleted:false');
    expect(jpqlString("o'brien@x.test")).toBe("'o''brien@x.test'");
  });

  it('asks for CorporateUsers under every split of the owner\'s name into first and last name, enabled and not deleted', () => {
    expect(corporateUserNameWhere('alex rivers')).toBe(
      "((firstName='alex' AND lastName='rivers')) AND enabled=true AND isDeleted=false",
    );
    expect(corporateUserNameWhere(' mary  ann smith ')).toBe(
      "((firstName='mary' AND lastName='ann smith') OR (firstName='mary ann' AND lastName='smith')) AND enabled=true AND isDeleted=false",
    );
    expect(corporateUserNameWhere('cher')).toBe("(firstName='cher' OR lastName='cher') AND enabled=true AND isDeleted=false");
    expect(corporateUserNameWhere('  ')).toBeNull();
  });

  it('quotes a name with an apostrophe as a JPQL string', () => {
    expect(corporateUserNameWhere("sinéad o'brien")).toBe(
      "((firstName='sinéad' AND lastName='o''brien')) AND enabled=true AND isDeleted=false",
    );
  });

  it('formats index dates as yyyyMMddHHmmss in UTC', () => {
    expect(luceneDate(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102030405');
  });
});
