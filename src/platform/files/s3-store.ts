import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { FileStore } from './store.js';

export type S3Settings = { url: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string };

/**
 * Bodies in S3-compatible object storage (a cloud bucket, MinIO, Ceph), for instances that share
 * no disk. Keys have the local store's shape. A body is read whole before it is sent (uploads are
 * size-limited while they stream), so a failed upload leaves no object behind.
 */
export function s3FileStore(settings: S3Settings): FileStore {
  const client = new S3Client({
    endpoint: settings.url,
    region: settings.region,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    // Path-style URLs work with every S3-compatible server; the bucket need not be a DNS name.
    forcePathStyle: true,
    // Only what S3 requires: servers other than AWS do not all know the newer checksum headers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = settings.bucket;

  async function* download(key: string): AsyncGenerator<Uint8Array> {
    let body: AsyncIterable<Uint8Array>;
    try {
      const response = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      body = response.Body as AsyncIterable<Uint8Array>;
    } catch (error) {
      // The same code as a missing local file: readers report a missing body the same way.
      if (error instanceof NoSuchKey) throw Object.assign(new Error(`no object ${key}`), { code: 'ENOENT' });
      throw error;
    }
    yield* body;
  }

  return {
    async put(body) {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
      const id = randomUUID();
      const key = `${id.slice(0, 2)}/${id}`;
      const bytes = Buffer.concat(chunks);
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: bytes, ContentLength: bytes.length, ContentType: 'application/octet-stream' }));
      return key;
    },
    get(key) {
      return Readable.from(download(key), { objectMode: false });
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
  };
}
