import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { eq } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { transaction, type Db } from '../db/index.js';
import { AppError, DamagedDocumentError } from '../errors.js';
import type { MessageKey } from '../i18n/index.js';
import { storedFile } from './schema.js';
import type { FileStore } from './store.js';

export type StoredFile = typeof storedFile.$inferSelect;

export type UploadProblem = 'missing' | 'empty' | 'tooLarge' | 'notPdf' | 'encrypted' | 'broken';

const problemKeys: Record<UploadProblem, MessageKey> = {
  missing: 'files.upload.missing',
  empty: 'files.upload.empty',
  tooLarge: 'files.upload.tooLarge',
  notPdf: 'files.upload.notPdf',
  // Kept with the requests module's messages: the engine's uploads are the ones inspected.
  encrypted: 'requests.upload.encrypted',
  broken: 'requests.upload.broken',
};

/** An upload refused for a reason the person can act on; nothing of it is kept. */
export class UploadRejected extends AppError {
  constructor(readonly problem: UploadProblem, maxBytes = 0) {
    super(problem === 'tooLarge' ? 413 : 400, problemKeys[problem], { size: formatMebibytes(maxBytes) });
  }
}

export function formatMebibytes(bytes: number): string {
  return String(Math.round((bytes / 1_048_576) * 10) / 10);
}

const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');

/**
 * Passes the bytes through while counting them, hashing them (SHA-256) and checking the first
 * bytes against the PDF signature: a file that is not a PDF is refused at its first chunk,
 * whatever its name or declared type.
 */
class PdfCheck extends Transform {
  bytes = 0;
  private head = Buffer.alloc(0);
  private readonly hash = createHash('sha256');

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return callback(new UploadRejected('tooLarge', this.maxBytes));
    if (this.head.length < PDF_MAGIC.length) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, PDF_MAGIC.length - this.head.length)]);
      if (!PDF_MAGIC.subarray(0, this.head.length).equals(this.head)) return callback(new UploadRejected('notPdf'));
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes === 0) return callback(new UploadRejected('empty'));
    if (this.head.length < PDF_MAGIC.length) return callback(new UploadRejected('notPdf'));
    callback();
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** A multipart file stream: busboy marks it truncated and emits 'limit' at the size limit. */
export type UploadSource = Readable & { truncated?: boolean };

/**
 * `inspect`: after the body is stored and before its row is written, load it with pdf-lib and
 * refuse a file that is encrypted (nobody at the ministry could read it) or that does not parse.
 */
export type UploadMeta = { originalName: string; maxBytes: number; inspect?: boolean };

/** Keeps the last path segment of a browser-given name, without control characters, 200 at most. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return clean || 'document.pdf';
}

/**
 * Streams a PDF into the store, then records its metadata and whatever the caller records with it
 * (`then`) in one transaction. A file that is empty, not a PDF or over the limit is refused while
 * it streams; what was written is deleted and no row is kept. If the transaction fails, the body
 * is deleted too.
 */
export async function savePdfUpload<T>(
  db: Db,
  store: FileStore,
  source: UploadSource,
  meta: UploadMeta,
  then: (tx: Db, file: StoredFile) => Promise<T>,
): Promise<T> {
  const check = new PdfCheck(meta.maxBytes);
  // The check may fail before the store starts reading it: keep its first error for the answer.
  let failure: Error | undefined;
  check.on('error', (error: Error) => {
    failure ??= error;
  });
  source.on('error', (error: Error) => check.destroy(error));
  // Refused as soon as the limit is crossed, not after the rest was read.
  source.on('limit', () => check.destroy(new UploadRejected('tooLarge', meta.maxBytes)));
  source.pipe(check);
  let key: string;
  try {
    key = await store.put(check);
  } catch (error) {
    // Let the rest of the request body drain so the request ends normally.
    source.unpipe(check);
    source.resume();
    throw failure ?? error;
  }
  if (source.truncated) {
    await store.delete(key);
    throw new UploadRejected('tooLarge', meta.maxBytes);
  }
  if (meta.inspect) await inspectStored(store, key, meta.maxBytes);
  try {
    return await transaction(db, async (tx) => {
      const [row] = await tx
        .insert(storedFile)
        .values({ storageKey: key, originalName: cleanFileName(meta.originalName), mediaType: 'application/pdf', size: check.bytes, sha256: check.digest() })
        .returning();
      if (!row) throw new Error('stored_file insert returned nothing');
      return then(tx, row);
    });
  } catch (error) {
    await store.delete(key);
    throw error;
  }
}

/** A stored body read back whole; past `maxBytes` it stops reading and throws `tooLong()`. */
async function readStored(store: FileStore, key: string, maxBytes: number, tooLong: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of store.get(key)) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += buffer.length;
    if (total > maxBytes) throw tooLong();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Refuses a stored body that pdf-lib finds encrypted or broken; a refused body is deleted. */
async function inspectStored(store: FileStore, key: string, maxBytes: number): Promise<void> {
  let problem: 'encrypted' | 'broken' | null;
  try {
    problem = await pdfStructureProblem(await readStored(store, key, maxBytes, () => new UploadRejected('tooLarge', maxBytes)));
  } catch (error) {
    await store.delete(key);
    throw error;
  }
  if (problem) {
    await store.delete(key);
    throw new UploadRejected(problem);
  }
}

/**
 * What pdf-lib finds wrong with a PDF: encrypted (it marks the document so when its trailer names
 * an /Encrypt dictionary; encryption is ignored while loading so that an encrypted file is told
 * apart from a broken one), broken (it does not load, or has no page to read), or nothing.
 */
export async function pdfStructureProblem(bytes: Uint8Array): Promise<'encrypted' | 'broken' | null> {
  try {
    const document = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false });
    if (document.isEncrypted) return 'encrypted';
    return document.getPageCount() > 0 ? null : 'broken';
  } catch {
    return 'broken';
  }
}

export async function findStoredFile(db: Db, id: string): Promise<StoredFile | undefined> {
  const [row] = await db.select().from(storedFile).where(eq(storedFile.id, id));
  return row;
}

/**
 * Deletes a file's row in the caller's transaction and returns its storage key: delete the body
 * with `store.delete(key)` once the transaction has committed.
 */
export async function deleteStoredFileRow(tx: Db, id: string): Promise<string | null> {
  const [row] = await tx.delete(storedFile).where(eq(storedFile.id, id)).returning({ key: storedFile.storageKey });
  return row?.key ?? null;
}

/**
 * A stored document's body, read whole and checked against the size and SHA-256 recorded at
 * upload: a body that is missing or altered throws DamagedDocumentError and is never served.
 */
export async function readVerifiedBody(store: FileStore, file: Pick<StoredFile, 'id' | 'storageKey' | 'size' | 'sha256'>): Promise<Buffer> {
  let body: Buffer;
  try {
    // Longer than recorded is altered already: no need to read the rest into memory.
    body = await readStored(store, file.storageKey, file.size, () => new DamagedDocumentError(file.id, 'altered'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DamagedDocumentError(file.id, 'missing');
    throw error;
  }
  if (body.length !== file.size || createHash('sha256').update(body).digest('hex') !== file.sha256) throw new DamagedDocumentError(file.id, 'altered');
  return body;
}
