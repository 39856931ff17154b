import { compareNames, givenNameVariant, jaroWinkler, mayBeSameGivenName, type NameAgreementLevel } from './name-comparison';
import { parseName } from './name-normaliser';

const level = (a: string, b: string, threshold = 0.92): NameAgreementLevel =>
  compareNames(parseName(a)!, parseName(b)!, threshold).level;

describe('jaroWinkler', () => {
  it('is 1 for equal strings and 0 when nothing is shared', () => {
    expect(jaroWinkler('smith', 'smith')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('', 'abc')).toBe(0);
  });

  it('matches the published reference values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
  });

  it('is symmetric', () => {
    expect(jaroWinkler('katherine', 'catherine')).toBeCloseTo(jaroWinkler('catherine', 'katherine'), 10);
  });
});

describe('compareNames', () => {
  it.each([
    ['Jane Doe', 'Doe, Jane'],
    ['José García', 'JOSE GARCIA'],
    ['Thomas Müller', 'Thomas Mueller'],
    ['Søren Kierkegaard', 'Soeren Kierkegaard'],
    ['Đorđe Petrović', 'Djordje Petrovic'],
    ['Đorđe Petrović', 'Dorde Petrovic'],
    ['Ludwig van Beethoven', 'Ludwig Beethoven'],
    ['John A. Smith', 'John Smith'],
    ['John A. Smith', 'John Adam Smith'],
    ['Wei Wang', 'Wang Wei'],
    ['Дмитрий Иванов', 'Dmitriy Ivanov'],
    ['Madonna', 'madonna'],
    ['John Smith Jr.', 'Smith, John, Jr.'],
    ['Anna Vanhouten', 'Anna van Houten'],
    ['Omar Almasri', 'Omar al-Masri'],
    ['Andrew Lloydwebber', 'Andrew Lloyd-Webber'],
    ['Marieclaire Dubois', 'Marie-Claire Dubois'],
    ['Maria Delacruz', 'María de la Cruz'],
    ['Kim Seoyeon', 'Seo-yeon Kim'],
    ['Kim Seo Yeon', 'Seoyeon Kim'],
    ['Sean O Connor', "Seán O'Connor"],
    ['李娜', '娜 李'],
    ['An Le', 'Le An'],
  ])('%s and %s are exact', (a, b) => {
    expect(level(a, b)).toBe('exact');
    expect(level(b, a)).toBe('exact');
  });

  it.each([
    ['Smith', 'John Smith', 'surname only'],
    ['J. Smith', 'John Smith', 'initial for the given name'],
    ['John Smith', 'John Adam Smith', 'middle name left out'],
    ['Maria Garcia', 'Maria Garcia Lopez', 'second surname left out'],
    ['Anh Le', 'Anh', 'one identifying token and a particle'],
    ['John Smith Jr.', 'John Smith', 'generation left out'],
  ])('%s and %s are compatible (%s)', (a, b) => {
    expect(level(a, b)).toBe('compatible');
    expect(level(b, a)).toBe('compatible');
  });

  it.each([
    ['Jon Smith', 'John Smith'],
    ['Katherine Johnson', 'Catherine Johnson'],
    ['Dmitry Ivanov', 'Дмитрий Иванов'],
    ['Anh Le', 'Anh La'],
    ['John A. Smith', 'John B. Smith'],
    ['John Smith Jr.', 'John Smith Sr.'],
  ])('%s and %s are near', (a, b) => {
    expect(level(a, b)).toBe('near');
  });

  it.each([
    ['John Smith', 'Jane Smith'],
    ['Ben Stiller', 'Anna Stiller'],
    ['J. Smith', 'Adam Smith'],
    ['Li Na', 'Li Wei'],
    ['Priya Patel', 'Oliver Bennett'],
    ['Kim Seoyeon', 'Ji-woo Kim'],
    ['Thị Hoa Đỗ', 'Thị Hoa Lê'],
  ])('%s and %s are different', (a, b) => {
    expect(level(a, b)).toBe('different');
  });

  it('lets the threshold decide between near and different', () => {
    expect(level('Mohammed Ali', 'Muhammad Ali', 0.92)).toBe('near');
    expect(level('Mohammed Ali', 'Muhammad Ali', 0.99)).toBe('different');
  });

  it('does not let given names alone stand for a family name that is also a particle', () => {
    expect(level('Thi Hoa', 'Thị Hoa Đỗ')).toBe('compatible');
    expect(level('An', 'An Le')).toBe('compatible');
  });

  it('joins only whole tokens, so letters never move between parts of a name', () => {
    expect(level('Ann Abel', 'Anna Bel')).not.toMatch(/exact|compatible/);
    expect(level('Jo Annabel Smith', 'Joanna Bel Smith')).not.toBe('exact');
  });
});

describe('givenNameVariant', () => {
  const variant = (a: string, b: string) => givenNameVariant(parseName(a)!, parseName(b)!);

  it.each([
    ['Dan Smith', 'Daniel Smith'],
    ['Daniel Smith', 'Dan Smith'],
    ['Meg Ryan', 'Megan Ryan'],
    ['Yuri Petrov', 'Yury Petrov'],
    ['Bill Turner', 'William Turner'],
    ['Jon Smith', 'John Smith'],
  ])('%s may go by the name of %s', (a, b) => {
    expect(variant(a, b)).toBe(true);
  });

  it.each([
    ['Dan Smith', 'Dan Smyth', 'family names one letter apart are other families'],
    ['Dan Smith', 'Dan Smith', 'the same name is not a variant'],
    ['Oliver Bennett', 'Olivia Bennett', 'two letters apart'],
    ['Yuri Petrov', 'Yury Ivanov', 'another family name'],
    ['Dan', 'Daniel', 'no family name to compare'],
  ])('%s and %s are not (%s)', (a, b) => {
    expect(variant(a, b)).toBe(false);
  });

  it('knows short forms that do not start like the name', () => {
    expect(mayBeSameGivenName('peggy', 'margaret')).toBe(true);
    expect(mayBeSameGivenName('bob', 'robert')).toBe(true);
    expect(mayBeSameGivenName('bill', 'robert')).toBe(false);
  });
});
