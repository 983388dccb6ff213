/**
 * The CSV files the commands import (npm run registry:import, childcare:import). Hand-written
 * rather than a CSV library: see src/platform/README.md (csv/).
 */

export type CsvRow = {
  /** The physical line on which the row starts (1 for the header). */
  line: number;
  fields: string[];
  /** A quote out of place or never closed: the fields are not reliable. */
  malformed: boolean;
};

export type CsvProblem = { line: number; fr: string; en: string };

/**
 * RFC 4180 with the usual tolerances: LF, CRLF or CR line ends, an optional UTF-8 byte order mark,
 * blank lines ignored, spaces around a quoted field ignored. Quoted fields may hold commas, line
 * breaks and doubled quotes. Problems are reported with the line on which their row starts.
 */
export function parseCsv(input: string): { rows: CsvRow[]; problems: CsvProblem[] } {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const rows: CsvRow[] = [];
  const problems: CsvProblem[] = [];
  let line = 1;
  let rowLine = 1;
  let fields: string[] = [];
  let field = '';
  /** Inside a quoted field. */
  let quoted = false;
  /** The current field was quoted and its closing quote has been read. */
  let closed = false;
  let rowHasContent = false;
  let malformed = false;

  // One problem per row: once a quote is out of place, the rest of the row tells nothing more.
  const problem = (fr: string, en: string) => {
    if (malformed) return;
    malformed = true;
    problems.push({ line: rowLine, fr, en });
  };
  const endField = () => {
    fields.push(field);
    field = '';
    closed = false;
  };
  const endRow = () => {
    endField();
    if (rowHasContent) rows.push({ line: rowLine, fields, malformed });
    fields = [];
    rowHasContent = false;
    malformed = false;
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        closed = true;
        i++;
        continue;
      }
      // A line break inside quotes belongs to the field; CRLF is counted once, on its LF.
      if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
      field += c;
      i++;
      continue;
    }
    if (c === ',') {
      rowHasContent = true;
      endField();
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRow();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
      continue;
    }
    // A line of spaces only is blank.
    if (c !== ' ' && c !== '\t') rowHasContent = true;
    if (closed) {
      if (c !== ' ' && c !== '\t') {
        problem(`caractère « ${c} » après le guillemet fermant d'un champ`, `character "${c}" after the closing quote of a field`);
        // Reported once per field; the rest of it is kept as text.
        closed = false;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"') {
      if (field.trim() === '') {
        quoted = true;
        field = '';
      } else {
        problem('guillemet dans un champ qui ne commence pas par un guillemet', 'quote inside a field that does not start with a quote');
        field += c;
      }
      i++;
      continue;
    }
    field += c;
    i++;
  }
  if (quoted) {
    malformed = false;
    problem('guillemet jamais fermé (fin du fichier atteinte)', 'quote never closed (end of file reached)');
  }
  if (rowHasContent) endRow();
  return { rows, problems };
}

/** A problem of a whole line, as the imports report them (no column). */
export type CsvLineError = { line: number; column: null; fr: string; en: string };

/** The file's text when it is UTF-8, else every line holding bytes that are not. */
export function decodeCsvBytes(bytes: Uint8Array): { ok: true; text: string } | { ok: false; errors: CsvLineError[] } {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const lines = new TextDecoder('utf-8').decode(bytes).split(/\r\n|\n|\r/);
    const errors = lines.flatMap((text, index) =>
      text.includes('\uFFFD')
        ? [{ line: index + 1, column: null, fr: 'caractères qui ne sont pas de l\'UTF-8 (enregistrez le fichier en « CSV UTF-8 »)', en: 'characters that are not UTF-8 (save the file as "CSV UTF-8")' }]
        : [],
    );
    return { ok: false, errors };
  }
}
