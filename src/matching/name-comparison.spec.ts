import { compareNames, jaroWinkler, type NameAgreementLevel } from './name-comparison';
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
  ])('%s and %s are different', (a, b) => {
    expect(level(a, b)).toBe('different');
  });

  it('lets the threshold decide between near and different', () => {
    expect(level('Mohammed Ali', 'Muhammad Ali', 0.92)).toBe('near');
    expect(level('Mohammed Ali', 'Muhammad Ali', 0.99)).toBe('different');
  });
});
