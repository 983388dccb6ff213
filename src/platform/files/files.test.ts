import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { count } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../testing/app.js';
import { storedFile } from './schema.js';
import { cleanFileName, deleteStoredFileRow, savePdfUpload, UploadRejected, type UploadSource } from './service.js';
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
