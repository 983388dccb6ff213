import type { PDFFont } from 'pdf-lib';

/**
 * Text for the standard PDF fonts (Helvetica, WinAnsi encoding), shared by every PDF the portal
 * draws: the enrolment acknowledgement, the MES form, the service agreement.
 */


/** WinAnsi's code points above Latin-1's printable ranges (0x20–0x7E and 0xA0–0xFF). */
const WIN_ANSI_EXTRAS = new Set([...'€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ'].map((c) => c.codePointAt(0)));

function isWinAnsi(codePoint: number): boolean {
  return (codePoint >= 0x20 && codePoint <= 0x7e) || (codePoint >= 0xa0 && codePoint <= 0xff) || WIN_ANSI_EXTRAS.has(codePoint);
}

/** Look-alikes for characters WinAnsi lacks; an empty string drops the character. */
const REPLACEMENTS: Record<string, string> = {
  '\u202f': '\u00a0', // narrow no-break space (Intl's fr-CA times): stays unbreakable
  '\u2007': '\u00a0', // figure space
  '\u2060': '', // word joiner
  '\u200b': '', // zero-width space
  '\u200c': '',
  '\u200d': '',
  '\ufeff': '',
  '\t': ' ',
  '\n': ' ',
  '\r': ' ',
  '\u2002': ' ',
  '\u2003': ' ',
  '\u2004': ' ',
  '\u2005': ' ',
  '\u2006': ' ',
  '\u2008': ' ',
  '\u2009': ' ',
  '\u200a': ' ',
  '\u2028': ' ',
  '\u2029': ' ',
  '\u2010': '-',
  '\u2011': '-', // non-breaking hyphen
  '\u2012': '–',
  '\u2015': '—',
  '\u2212': '-', // minus sign
  '\u2044': '/',
  '\u2032': '’',
  '\u2033': '”',
  '\u201b': '‘',
  '\u201f': '“',
  '\u2265': '>=',
  '\u2264': '<=',
  '\u2260': '!=',
  '\u2192': '->',
  '\u2190': '<-',
  '\u2713': 'v',
  '\u2714': 'v',
};

/** One character WinAnsi lacks: its look-alike, else its base letter keeping what accents fit, else '?'. */
function fallback(char: string): string {
  const replacement = REPLACEMENTS[char];
  if (replacement !== undefined) return replacement;
  const codePoint = char.codePointAt(0) ?? 0;
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return '';
  // "ễ" is e + circumflex + tilde: drop accents from the end until what remains composes into WinAnsi ("ê").
  const parts = [...char.normalize('NFD')];
  while (parts.length > 1) {
    parts.pop();
    const composed = parts.join('').normalize('NFC');
    if ([...composed].every((c) => isWinAnsi(c.codePointAt(0) ?? 0))) return composed;
  }
  return '?';
}

/**
 * Makes text drawable with the standard fonts (WinAnsi encoding): every French character (é è à ç
 * ’ « » É ô û Œ …) is kept; spaces, dashes and symbols WinAnsi lacks become look-alikes, other
 * letters lose the accents that cannot be drawn.
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC')) out += isWinAnsi(char.codePointAt(0) ?? 0) ? char : fallback(char);
  return out;
}

/** Splits a word wider than the line into pieces that fit. */
function breakWord(word: string, fits: (s: string) => boolean): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const char of word) {
    if (piece && !fits(piece + char)) {
      pieces.push(piece);
      piece = '';
    }
    piece += char;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/** Greedy wrapping on ordinary spaces (no-break spaces hold); the text must already be WinAnsi. */
export function wrapText(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= maxWidth;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    if (fits(word)) {
      line = word;
    } else {
      const pieces = breakWord(word, fits);
      line = pieces.pop() ?? '';
      lines.push(...pieces);
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}
