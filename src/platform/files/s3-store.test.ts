import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import S3rver from 's3rver';
import { DamagedDocumentError } from '../errors.js';
import { buildTestApp, type TestApp } from '../testing/app.js';
import { s3FileStore } from './s3-store.js';
import { readVerifiedBody, savePdfUpload } from './service.js';
import type { FileStore } from './store.js';

/** The S3 store over the S3 protocol, against s3rver (an S3-compatible server) in this process. */
let server: S3rver;
let directory: string;
let store: FileStore;
let t: TestApp;
before(async () => {
  directory = mkdtempSync(path.join(os.tmpdir(), 'guichet-s3-'));
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: 'guichet' }] });
  const { port } = await server.run();
  // s3rver's one account.
  store = s3FileStore({ url: `http://127.0.0.1:${port}`, bucket: 'guichet', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
  t = await buildTestApp();
});
after(async () => {
  await t?.close();
  await server?.close();
  rmSync(directory, { recursive: true, force: true });
});

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n', 'latin1');

test('puts, reads back and deletes a body; a missing key reads as a missing file; deleting twice is not an error', async () => {
  const key = await store.put(Readable.from([Buffer.from('bonjour '), Buffer.from('le monde')]));
  assert.match(key, /^[0-9a-f]{2}\/[0-9a-f-]{36}$/);
  assert.equal(await text(store.get(key)), 'bonjour le monde');
  await store.delete(key);
  await store.delete(key);
  await assert.rejects(text(store.get(key)), (error: NodeJS.ErrnoException) => error.code === 'ENOENT');
});

test('a PDF upload stored in the bucket is read back checked; a replaced or deleted object is never served', async () => {
  const file = await savePdfUpload(t.db, store, Readable.from([PDF]), { originalName: 'piece.pdf', maxBytes: 1024 }, async (_tx, row) => row);
  assert.deepEqual(await readVerifiedBody(store, file), PDF);
  const other = await store.put(Readable.from([Buffer.from(PDF.toString('latin1').replace('1.7', '1.6'), 'latin1')]));
  // The row now names an object with other content: as if the bucket's object had been replaced.
  await assert.rejects(readVerifiedBody(store, { ...file, storageKey: other }), (error: unknown) => error instanceof DamagedDocumentError && error.reason === 'altered');
  await store.delete(file.storageKey);
  await assert.rejects(readVerifiedBody(store, file), (error: unknown) => error instanceof DamagedDocumentError && error.reason === 'missing');
});
