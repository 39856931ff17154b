/**
 * Folds lower-case text to ASCII letters so that one person's name compares equal however it was typed.
 *
 * The letter table follows any-ascii's romanisation for the scripts candidates' names arrive in (Latin letters
 * that NFKD leaves alone, Greek, Cyrillic), except that Greek ου is read as "ou" the way Greek names are written
 * in Latin letters (Papadopoulos). A table of our own keeps that exception and the set of folded scripts
 * deliberate: a wider romanisation would make different people's names collide.
 * Letters of other scripts (CJK, Arabic, …) are kept as they are: an exact comparison of the original is safer
 * than a romanisation that makes different people's names collide.
 */
const LETTERS: Readonly<Record<string, string>> = {
  // Latin letters without a canonical decomposition
  ß: 'ss', æ: 'ae', ð: 'd', ø: 'o', þ: 'th', đ: 'd', ħ: 'h', ı: 'i', ĸ: 'k', ŀ: 'l', ł: 'l', ŋ: 'ng',
  œ: 'oe', ŧ: 't', ƒ: 'f', ǝ: 'e', ə: 'e', ɨ: 'i', ʉ: 'u',
  // Greek (accented forms decompose to these first)
  α: 'a', β: 'v', γ: 'g', δ: 'd', ε: 'e', ζ: 'z', η: 'i', θ: 'th', ι: 'i', κ: 'k', λ: 'l', μ: 'm', ν: 'n',
  ξ: 'x', ο: 'o', π: 'p', ρ: 'r', σ: 's', ς: 's', τ: 't', υ: 'y', φ: 'f', χ: 'ch', ψ: 'ps', ω: 'o',
  // Cyrillic: й is listed because its decomposition would otherwise turn it into и
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh',
  щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  ђ: 'dj', є: 'ie', ѕ: 'dz', і: 'i', ј: 'j', љ: 'lj', њ: 'nj', ћ: 'c', џ: 'dzh', ґ: 'g',
  ғ: 'gh', қ: 'q', ң: 'ng', ө: 'o', ұ: 'u', ү: 'u', һ: 'h', ә: 'a',
};

/** Spellings used when the keyboard lacks the letter: Müller is also Mueller, Søren Soeren, Đorđe Djordje. */
const SPELLED_OUT: Readonly<Record<string, string>> = { ä: 'ae', ö: 'oe', ü: 'ue', ø: 'oe', å: 'aa', đ: 'dj' };

const COMBINING_MARK = /\p{M}/u;
const GREEK_OU = /ο[υύ]/g;

function lowerCase(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(GREEK_OU, 'ou');
}

function foldChar(char: string): string {
  const direct = LETTERS[char];
  if (direct !== undefined) return direct;
  let out = '';
  for (const part of char.normalize('NFKD')) {
    if (COMBINING_MARK.test(part)) continue;
    out += LETTERS[part] ?? part;
  }
  return out;
}

/** Lower-cases, folds diacritics and romanises Greek and Cyrillic letters; other characters pass through. */
export function foldToAscii(text: string): string {
  let out = '';
  for (const char of lowerCase(text)) out += foldChar(char);
  return out;
}

/** Like {@link foldToAscii}, but with umlauts and ø/å spelled out (ü → ue) instead of stripped (ü → u). */
export function foldSpelledOut(text: string): string {
  let out = '';
  for (const char of lowerCase(text)) out += SPELLED_OUT[char] ?? foldChar(char);
  return out;
}
