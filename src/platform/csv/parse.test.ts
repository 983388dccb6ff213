import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeCsvBytes, parseCsv } from './parse.js';

describe('CSV parser', () => {
  test('LF, CRLF and CR line ends; no empty row for the final line end', () => {
    for (const text of ['a,b\nc,d\n', 'a,b\r\nc,d\r\n', 'a,b\rc,d\r', 'a,b\r\nc,d']) {
      const { rows, problems } = parseCsv(text);
      assert.deepEqual(problems, []);
      assert.deepEqual(
        rows.map((r) => [r.line, r.fields]),
        [
          [1, ['a', 'b']],
          [2, ['c', 'd']],
        ],
        JSON.stringify(text),
      );
    }
  });

  test('a UTF-8 byte order mark is dropped, accents are kept', () => {
    const { rows } = parseCsv('\uFEFFrq_id,municipalité\n1,Montréal\n');
    assert.deepEqual(rows[0]?.fields, ['rq_id', 'municipalité']);
    assert.deepEqual(rows[1]?.fields, ['1', 'Montréal']);
  });

  test('quoted fields hold commas, doubled quotes and line breaks; later rows keep their physical line', () => {
    const text = 'a,b,c\n"1, rue X","dit ""Le Chef""","ligne 1\r\nligne 2\nligne 3"\nlast,"",\n';
    const { rows, problems } = parseCsv(text);
    assert.deepEqual(problems, []);
    assert.deepEqual(rows[1], { line: 2, fields: ['1, rue X', 'dit "Le Chef"', 'ligne 1\r\nligne 2\nligne 3'], malformed: false });
    assert.deepEqual(rows[2], { line: 5, fields: ['last', '', ''], malformed: false });
  });

  test('empty fields, blank lines and spaces around a quoted field', () => {
    const { rows, problems } = parseCsv('a,,c\n\n   \n,\n "x" , y \n');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      rows.map((r) => [r.line, r.fields]),
      [
        [1, ['a', '', 'c']],
        [4, ['', '']],
        [5, ['x', ' y ']],
      ],
    );
  });

  test('a stray quote or a character after a closing quote marks its row, and parsing goes on', () => {
    const { rows, problems } = parseCsv('a,b\n5 "A" st,x""\n"q"z,y\nok,ok\n');
    assert.deepEqual(
      problems.map((p) => p.line),
      [2, 3],
    );
    assert.ok(problems.every((p) => p.fr.length > 0 && p.en.length > 0));
    assert.deepEqual(
      rows.map((r) => [r.line, r.malformed]),
      [
        [1, false],
        [2, true],
        [3, true],
        [4, false],
      ],
    );
  });

  test('a quote never closed is reported on the line where its row starts', () => {
    const { rows, problems } = parseCsv('a,b\nc,d\ne,"open\nf,g\n');
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.line, 3);
    assert.match(problems[0]?.en ?? '', /never closed/);
    assert.equal(rows.at(-1)?.malformed, true);
  });

  test('bytes that are not UTF-8 are refused with their lines', () => {
    const latin1 = Buffer.from('rq_id,municipality\nx,Montr\xe9al\n', 'latin1');
    const decoded = decodeCsvBytes(latin1);
    assert.equal(decoded.ok, false);
    assert.deepEqual(decoded.ok ? [] : decoded.errors.map((e) => e.line), [2]);
    assert.deepEqual(decodeCsvBytes(Buffer.from('\uFEFFMontréal')), { ok: true, text: 'Montréal' });
  });
});
