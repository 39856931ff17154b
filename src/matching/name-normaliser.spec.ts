import { foldSpelledOut, foldToAscii } from './ascii-fold';
import { normaliseName, parseName } from './name-normaliser';

const key = (raw: string | null | undefined): string | null => normaliseName(raw)?.full ?? null;

describe('foldToAscii', () => {
  it.each([
    ['Zoë Ørsted', 'zoe orsted'],
    ['Łukasz Żółć', 'lukasz zolc'],
    ['Straße', 'strasse'],
    ['Đorđe', 'dorde'],
    ['Æsa Þórunn Ðóra', 'aesa thorunn dora'],
    ['Œuvre', 'oeuvre'],
    ['İlkay Işık', 'ilkay isik'],
    ['Дмитрий Иванов', 'dmitriy ivanov'],
    ['Юлия Щербакова', 'yuliya shcherbakova'],
    ['Γιώργος Παπαδόπουλος', 'giorgos papadopoulos'],
  ])('folds %s to %s', (raw, folded) => {
    expect(foldToAscii(raw)).toBe(folded);
  });

  it('treats decomposed and precomposed accents alike', () => {
    expect(foldToAscii('Jose\u0301')).toBe(foldToAscii('José'));
  });

  it('keeps letters of scripts it does not romanise', () => {
    expect(foldToAscii('王伟')).toBe('王伟');
  });

  it('spells umlauts out in the variant fold only', () => {
    expect(foldToAscii('Müller Søren')).toBe('muller soren');
    expect(foldSpelledOut('Müller Søren')).toBe('mueller soeren');
  });
});

describe('normaliseName', () => {
  it('returns null for missing or empty names', () => {
    expect(normaliseName(null)).toBeNull();
    expect(normaliseName(undefined)).toBeNull();
    expect(normaliseName('')).toBeNull();
    expect(normaliseName('  ,  ')).toBeNull();
    expect(normaliseName('—')).toBeNull();
  });

  it('keeps the tokens in reading order and sorts the key', () => {
    expect(normaliseName('  Jane   Doe ')).toEqual({ full: 'doe jane', tokens: ['jane', 'doe'] });
  });

  it('reads "Last, First" as "First Last"', () => {
    expect(normaliseName('Doe, Jane')).toEqual(normaliseName('Jane Doe'));
    expect(normaliseName('van Gogh, Vincent')?.tokens).toEqual(['vincent', 'van', 'gogh']);
  });

  it('does not take a trailing Jr. or PhD after a comma for a given name', () => {
    expect(normaliseName('John Smith, Jr.')?.tokens).toEqual(['john', 'smith', 'jr']);
    expect(normaliseName('Smith, John, Jr.')?.tokens).toEqual(['john', 'smith', 'jr']);
    expect(normaliseName('Smith, John, PhD')?.tokens).toEqual(['john', 'smith']);
  });

  it('ignores case, accents, punctuation and spacing', () => {
    expect(key('JOSÉ  GARCÍA')).toBe(key('jose garcia'));
    expect(key('Zoë Ørsted-Łukasiewicz')).toBe('lukasiewicz orsted zoe');
  });

  it('joins apostrophes and splits hyphens', () => {
    expect(key("O'Brien")).toBe('obrien');
    expect(key('O’Brien')).toBe('obrien');
    expect(key('OBrien')).toBe('obrien');
    expect(key('Jean-Luc Picard')).toBe(key('Jean Luc Picard'));
    expect(key('Jean‐Luc Picard')).toBe(key('Jean Luc Picard'));
  });

  it('leaves particles, initials and titles out of the key', () => {
    expect(key('Ludwig van Beethoven')).toBe('beethoven ludwig');
    expect(key('Dr. José María de la Cruz')).toBe('cruz jose maria');
    expect(key('John A. Smith')).toBe('john smith');
    expect(key('J.R.R. Tolkien')).toBe('tolkien');
    expect(key('Ahmed al-Hassan')).toBe(key('Ahmed Al Hassan'));
  });

  it('keeps a lone particle or initials when nothing else is left', () => {
    expect(key('Van')).toBe('van');
    expect(key('J. R.')).toBe('j r');
  });

  it('keeps family names that are also particles when nothing follows them or they lead the name', () => {
    expect(key('An Le')).toBe('an le');
    expect(key('Thị Hoa Đỗ')).toBe('do hoa thi');
    expect(key('Đỗ Thị Hoa')).toBe('do hoa thi');
    expect(key('Wei Du')).toBe('du wei');
    expect(key('Wei Di')).toBe('di wei');
    expect(key('María de la Cruz')).toBe('cruz maria');
    expect(key('Ludwig van Beethoven Jr.')).toBe('beethoven ludwig');
  });

  it('leaves bracketed notes and honorifics of other languages out', () => {
    expect(key('Priya Nair (Acme Corp)')).toBe('nair priya');
    expect(key('Tomasz Nowak (#5521)')).toBe('nowak tomasz');
    expect(key('Priya Nair [Referral]')).toBe('nair priya');
    expect(key('Sra. María López')).toBe('lopez maria');
    expect(key('Prof. Dr. Ing. Hans Weber')).toBe('hans weber');
    expect(key('Sr. Juan Pérez')).toBe('juan perez');
    expect(parseName('John Smith Sr.')?.generations).toEqual(['sr']);
    expect(key('(Acme)')).toBe('acme');
  });

  it('reads each Chinese character and Korean syllable as a token, with or without a space', () => {
    expect(normaliseName('李娜')).toEqual(normaliseName('李 娜'));
    expect(normaliseName('李娜')?.tokens).toEqual(['李', '娜']);
    expect(normaliseName('김서연')).toEqual(normaliseName('김 서연'));
    expect(normaliseName('서연 김')?.full).toBe(normaliseName('김서연')?.full);
  });

  it('transliterates Cyrillic and Greek names', () => {
    expect(key('Иванов, Дмитрий')).toBe('dmitriy ivanov');
    expect(key('Γιώργος Παπαδόπουλος')).toBe('giorgos papadopoulos');
  });
});

describe('parseName', () => {
  it('separates identifying tokens from particles, initials and generations', () => {
    const parsed = parseName('Dr. John A. van der Berg Jr.');
    expect(parsed).toMatchObject({
      significant: [{ text: 'john' }, { text: 'berg' }],
      particles: ['van', 'der'],
      initials: ['a'],
      generations: ['jr'],
    });
  });

  it('records the spelled-out variant of umlauts', () => {
    expect(parseName('Thomas Müller')?.significant[1]).toEqual({ text: 'muller', spellings: ['muller', 'mueller'] });
  });
});
