import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { count } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { buildTestApp, type TestApp } from '../testing/app.js';
import { storedFile } from './schema.js';
import { cleanFileName, deleteStoredFileRow, pdfStructureProblem, readVerifiedBody, savePdfUpload, UploadRejected, type UploadSource } from './service.js';
import { DamagedDocumentError } from '../errors.js';
import { localFileStore, type FileStore } from './store.js';

let t: TestApp;
let root: string;
let store: FileStore;
before(async () => {
  t = await buildTestApp();
  root = mkdtempSync(path.join(os.tmpdir(), 'guichet-files-'));
  store = localFileStore(root);
});
after(async () => {
  await t?.close();
  rmSync(root, { recursive: true, force: true });
});

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n', 'latin1');

/** A one-page PDF as pdf-lib writes it, with a classic trailer (no object streams). */
async function onePagePdf(): Promise<Buffer> {
  const document = await PDFDocument.create();
  document.addPage();
  return Buffer.from(await document.save({ useObjectStreams: false }));
}

/** The same PDF declaring an /Encrypt dictionary in its trailer (RC4, as older software writes it). */
function withEncryptEntry(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  assert.ok(text.includes('trailer\n<<'));
  return Buffer.from(text.replace('trailer\n<<', 'trailer\n<<\n/Encrypt << /Filter /Standard /V 1 /R 2 /O (owner) /U (user) /P -4 >>'), 'latin1');
}

/** `qpdf --encrypt user owner 256 -- one-page.pdf out.pdf` (qpdf 11.3): AES-256, encrypted object streams. */
const QPDF_AES256 = Buffer.from('JVBERi0xLjcKJb/3ov4KMSAwIG9iago8PCAvRXh0ZW5zaW9ucyA8PCAvQURCRSA8PCAvQmFzZVZlcnNpb24gLzEuNyAvRXh0ZW5zaW9uTGV2ZWwgOCA+PiA+PiAvUGFnZXMgMyAwIFIgL1R5cGUgL0NhdGFsb2cgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL09ialN0bSAvTGVuZ3RoIDI3MiAvRmlsdGVyIC9GbGF0ZURlY29kZSAvTiAzIC9GaXJzdCAxNSA+PgpzdHJlYW0KNRcJroaNM9RoNH5gRMnSRG+0Q2qzcBk2gzNgvoaWK4IJAvNpuZM0rY1Y4bQkTpTzkzTyEo5RzZzrw7oTXu7m2E3Y/yFTFQKvbHAB2M+wlexo0PWixXGir6BBcJyPHytzEs6z+wNGfJGPKV8fgB/9T3IWUSVCD0PkJS7+wszFlM/3lcbLZxVIKERd9L6PqjfAM49bHLW/UstLLDTVQFsZrMnRnejC/pi+X7zyFeBMYrIOHjIDFtUA3LvpJ5FRK07O1eyJayNLTqiYk8pY/EJ+FOI/0ZUA2b2qRduhAjWtGw2ypJh+IVu3CsDl+DLHqTX+Ub8m/zfQPPC4nL3wOt3l5H2sWU+xeZXWQ59kLJB4+AplbmRzdHJlYW0KZW5kb2JqCjYgMCBvYmoKPDwgL0NGIDw8IC9TdGRDRiA8PCAvQXV0aEV2ZW50IC9Eb2NPcGVuIC9DRk0gL0FFU1YzIC9MZW5ndGggMzIgPj4gPj4gL0ZpbHRlciAvU3RhbmRhcmQgL0xlbmd0aCAyNTYgL08gPDNlZGUyNWNiOTU1NWIyMjAxMGRjM2UxYzEwOWJlNWUwN2Y3ZWM0YmQ1YTZjZjI0ZmViMTlhOTkxZTczODgwNDJiYTkxMWU0NzAwYTcyNGMzMzM1NGNlOWQ0YWJhM2YxNz4gL09FIDw1NTUzNGI3YjlmODJjYmNjODIzYTEzNTIwYTE4YTQxODg5YzI2MWZkODdlMGZmNzQ2OTlkYTNiZmM1ZDQ3OWI3PiAvUCAtNCAvUGVybXMgPDBjYjhhYzBkNmY5YzQ4YThiOTJlMjRkMzBkOTI1YjU2PiAvUiA2IC9TdG1GIC9TdGRDRiAvU3RyRiAvU3RkQ0YgL1UgPGE0YWY5MTBhMDIxZjMzZGFmOGU1MjlhOTE0M2Q0NDNiNWZkNTExMmJiNjkxNWU4NGFlMmQ2YzZlMmQ0MDkxNWZhODNlMjMzZmY1MDAwNjQ0Y2QxZjIwNzk1MDQxNTc1Zj4gL1VFIDwxNDc1YjkzYTFjNzQ4OWE5NDBlNzFiZjJlZjg2NTM5ZWMxMzE2ZDZjOTYzMGU3ZjBmYzViNGRkZjI5NzlkMDI2PiAvViA1ID4+CmVuZG9iago3IDAgb2JqCjw8IC9UeXBlIC9YUmVmIC9MZW5ndGggMzggL0ZpbHRlciAvRmxhdGVEZWNvZGUgL0RlY29kZVBhcm1zIDw8IC9Db2x1bW5zIDQgL1ByZWRpY3RvciAxMiA+PiAvVyBbIDEgMiAxIF0gL0luZm8gNCAwIFIgL1Jvb3QgMSAwIFIgL1NpemUgOCAvSUQgWzxlOWFkODcyMDcwYThkZjYzMGUxNDgxYmU3Y2ExMWI4MT48ZTlhZDg3MjA3MGE4ZGY2MzBlMTQ4MWJlN2NhMTFiODE+XSAvRW5jcnlwdCA2IDAgUiA+PgpzdHJlYW0KeJxjYgACJkYGfgYmBoZiEKsBxGJghBD/Gb/8Y2JgVmYAADDUBC8KZW5kc3RyZWFtCmVuZG9iagpzdGFydHhyZWYKMTA0OQolJUVPRgo=', 'base64');

/** Every file under the store's root, part files included. */
function filesOnDisk(dir = root): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesOnDisk(full) : [full];
  });
}

async function rowCount(): Promise<number> {
  const [row] = await t.db.select({ n: count() }).from(storedFile);
  return row?.n ?? 0;
}

/** A stream in chunks, as a multipart part arrives. */
function chunks(...parts: Buffer[]): UploadSource {
  return Readable.from(parts);
}

/** Stands for busboy at its size limit: emits 'limit', marks the stream truncated and ends it. */
function truncatedSource(limit: number): UploadSource {
  const source: UploadSource = new Readable({ read() {} });
  const body = Buffer.concat([PDF, Buffer.alloc(limit)]).subarray(0, limit);
  queueMicrotask(() => {
    source.push(body);
    source.truncated = true;
    source.emit('limit');
    source.push(null);
  });
  return source;
}

async function rejection(promise: Promise<unknown>): Promise<UploadRejected> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof UploadRejected, String(error));
    return error;
  }
  assert.fail('the upload was accepted');
}

const keep = async () => 'kept';

describe('local file store', () => {
  test('puts, reads back and deletes a body; deleting twice is not an error', async () => {
    const key = await store.put(Readable.from([Buffer.from('bonjour')]));
    assert.match(key, /^[0-9a-f]{2}\/[0-9a-f-]{36}$/);
    assert.equal(await text(store.get(key)), 'bonjour');
    await store.delete(key);
    await store.delete(key);
    assert.deepEqual(filesOnDisk(), []);
  });

  test('refuses a key that could leave its directory', () => {
    assert.throws(() => store.get('../secret'), /invalid storage key/);
    assert.throws(() => store.get('ab/../../etc/passwd'), /invalid storage key/);
  });

  test('a failing stream leaves no partial file', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('début'));
        this.destroy(new Error('connection lost'));
      },
    });
    await assert.rejects(store.put(failing), /connection lost/);
    assert.deepEqual(filesOnDisk(), []);
  });
});

describe('PDF uploads', () => {
  test('a PDF is stored with its size, SHA-256 and cleaned name, in one transaction with the caller’s rows', async () => {
    const before = await rowCount();
    const file = await savePdfUpload(t.db, store, chunks(PDF.subarray(0, 3), PDF.subarray(3)), { originalName: 'C:\\docs\\résolution.pdf', maxBytes: 1024 }, async (_tx, row) => row);
    assert.equal(file.size, PDF.length);
    assert.equal(file.sha256, createHash('sha256').update(PDF).digest('hex'));
    assert.equal(file.originalName, 'résolution.pdf');
    assert.equal(file.mediaType, 'application/pdf');
    assert.equal(await rowCount(), before + 1);
    assert.deepEqual(await text(store.get(file.storageKey)), PDF.toString('latin1'));
    const key = await deleteStoredFileRow(t.db, file.id);
    assert.equal(key, file.storageKey);
    await store.delete(file.storageKey);
  });

  test('a file that is not a PDF (whatever its name) is refused; nothing is stored', async () => {
    const before = await rowCount();
    const error = await rejection(savePdfUpload(t.db, store, chunks(Buffer.from('MZ\x90\x00 not a pdf at all')), { originalName: 'faux.pdf', maxBytes: 1024 }, keep));
    assert.equal(error.problem, 'notPdf');
    assert.equal(error.status, 400);
    assert.equal(await rowCount(), before);
    assert.deepEqual(filesOnDisk(), []);
  });

  test('a file shorter than the PDF signature is refused', async () => {
    const error = await rejection(savePdfUpload(t.db, store, chunks(Buffer.from('%PD')), { originalName: 'court.pdf', maxBytes: 1024 }, keep));
    assert.equal(error.problem, 'notPdf');
    assert.deepEqual(filesOnDisk(), []);
  });

  test('an empty file is refused; nothing is stored', async () => {
    const before = await rowCount();
    const error = await rejection(savePdfUpload(t.db, store, chunks(), { originalName: 'vide.pdf', maxBytes: 1024 }, keep));
    assert.equal(error.problem, 'empty');
    assert.equal(await rowCount(), before);
    assert.deepEqual(filesOnDisk(), []);
  });

  test('a file over the limit is refused while it streams; nothing is stored', async () => {
    const before = await rowCount();
    const big = Buffer.concat([PDF, Buffer.alloc(4096)]);
    const error = await rejection(savePdfUpload(t.db, store, chunks(big.subarray(0, 1000), big.subarray(1000, 2000), big.subarray(2000)), { originalName: 'gros.pdf', maxBytes: 1500 }, keep));
    assert.equal(error.problem, 'tooLarge');
    assert.equal(error.status, 413);
    assert.equal(error.params.size, '0');
    assert.equal(await rowCount(), before);
    assert.deepEqual(filesOnDisk(), []);
  });

  test('a stream the multipart parser truncated at its limit is refused; nothing is stored', async () => {
    const before = await rowCount();
    const error = await rejection(savePdfUpload(t.db, store, truncatedSource(2048), { originalName: 'tronque.pdf', maxBytes: 1_000_000 }, keep));
    assert.equal(error.problem, 'tooLarge');
    assert.equal(await rowCount(), before);
    assert.deepEqual(filesOnDisk(), []);
  });

  test('when the caller’s rows fail, the body and the metadata are both gone', async () => {
    const before = await rowCount();
    await assert.rejects(
      savePdfUpload(t.db, store, chunks(PDF), { originalName: 'ok.pdf', maxBytes: 1024 }, async () => {
        throw new Error('caller failed');
      }),
      /caller failed/,
    );
    assert.equal(await rowCount(), before);
    assert.deepEqual(filesOnDisk(), []);
  });

  test('with inspect, a PDF pdf-lib reads is kept', async () => {
    const pdf = await onePagePdf();
    const file = await savePdfUpload(t.db, store, chunks(pdf), { originalName: 'plan.pdf', maxBytes: 10_000, inspect: true }, async (_tx, row) => row);
    assert.equal(file.size, pdf.length);
    await deleteStoredFileRow(t.db, file.id);
    await store.delete(file.storageKey);
    assert.deepEqual(filesOnDisk(), []);
  });

  test('with inspect, an encrypted PDF is refused (trailer /Encrypt, and a real AES-256 file); nothing is stored', async () => {
    const before = await rowCount();
    for (const encrypted of [withEncryptEntry(await onePagePdf()), QPDF_AES256]) {
      const error = await rejection(savePdfUpload(t.db, store, chunks(encrypted), { originalName: 'chiffre.pdf', maxBytes: 10_000, inspect: true }, keep));
      assert.equal(error.problem, 'encrypted');
      assert.equal(error.status, 400);
      assert.equal(error.messageKey, 'requests.upload.encrypted');
    }
    assert.equal(await rowCount(), before);
    assert.deepEqual(filesOnDisk(), []);
  });

  test('with inspect, a broken PDF (PDF signature, then nothing readable; cut in half; no page) is refused; nothing is stored', async () => {
    const before = await rowCount();
    const pdf = await onePagePdf();
    const empty = Buffer.from(await (await PDFDocument.create()).save({ addDefaultPage: false }));
    for (const broken of [PDF, pdf.subarray(0, Math.floor(pdf.length / 2)), empty, Buffer.from('%PDF-1.4\ntout sauf un PDF', 'latin1')]) {
      const error = await rejection(savePdfUpload(t.db, store, chunks(broken), { originalName: 'abime.pdf', maxBytes: 10_000, inspect: true }, keep));
      assert.equal(error.problem, 'broken');
      assert.equal(error.messageKey, 'requests.upload.broken');
    }
    assert.equal(await rowCount(), before);
    assert.deepEqual(filesOnDisk(), []);
  });

  test('without inspect, the structure is not read (callers that only check the signature keep working)', async () => {
    const file = await savePdfUpload(t.db, store, chunks(PDF), { originalName: 'minimal.pdf', maxBytes: 1024 }, async (_tx, row) => row);
    assert.equal(await pdfStructureProblem(PDF), 'broken');
    await deleteStoredFileRow(t.db, file.id);
    await store.delete(file.storageKey);
  });

  test('names keep their last segment, without control characters', () => {
    assert.equal(cleanFileName('../../etc/passwd'), 'passwd');
    assert.equal(cleanFileName('a\u0000b\nc.pdf'), 'abc.pdf');
    assert.equal(cleanFileName(''), 'document.pdf');
    assert.equal(cleanFileName('x'.repeat(300)).length, 200);
  });
});

describe('the app’s file store and upload settings', () => {
  test('test apps keep files in a temporary DATA_DIR of their own', () => {
    assert.notEqual(path.resolve(t.config.DATA_DIR), path.resolve('./data'));
    assert.equal(t.config.UPLOAD_MAX_BYTES, 10 * 1024 * 1024);
  });
});

describe('reading a stored body back', () => {
  test('the body is served only when its size and SHA-256 are those recorded: altered, cut, lengthened or missing is DamagedDocumentError', async () => {
    const file = await savePdfUpload(t.db, store, chunks(PDF), { originalName: 'piece.pdf', maxBytes: 1024 }, async (_tx, row) => row);
    assert.deepEqual(await readVerifiedBody(store, file), PDF);
    const onDisk = path.join(root, file.storageKey);
    const flipped = Buffer.from(PDF);
    flipped[12] = (flipped[12] ?? 0) ^ 1;
    const cases: Array<[string, Buffer | null, 'altered' | 'missing']> = [
      ['one byte changed', flipped, 'altered'],
      ['cut short', PDF.subarray(0, PDF.length - 1), 'altered'],
      ['lengthened', Buffer.concat([PDF, Buffer.from('x')]), 'altered'],
      ['removed', null, 'missing'],
    ];
    for (const [label, body, reason] of cases) {
      if (body) writeFileSync(onDisk, body);
      else rmSync(onDisk);
      await assert.rejects(readVerifiedBody(store, file), (error: unknown) => error instanceof DamagedDocumentError && error.reason === reason && error.storedFileId === file.id, label);
    }
    await deleteStoredFileRow(t.db, file.id);
  });
});
