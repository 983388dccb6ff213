import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../config.js';
import { s3FileStore } from './s3-store.js';

/**
 * Where file bodies live: a local directory by default, or an S3-compatible bucket (s3-store.ts)
 * when S3_URL is set. Keys are opaque, flat-safe strings.
 */
export type FileStore = {
  /** Writes the stream under a new key; on any error nothing is left behind. */
  put(body: Readable): Promise<string>;
  get(key: string): Readable;
  /** Deleting a key that does not exist is not an error. */
  delete(key: string): Promise<void>;
};

const KEY = /^[0-9a-f]{2}\/[0-9a-f-]{36}$/;

/** Bodies under `root` (DATA_DIR/files, outside the web root), in 256 sub-directories. */
export function localFileStore(root: string): FileStore {
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new Error('invalid storage key');
    return path.join(root, key);
  };
  return {
    async put(body) {
      const id = randomUUID();
      const key = `${id.slice(0, 2)}/${id}`;
      const target = pathOf(key);
      const partial = `${target}.part`;
      await mkdir(path.dirname(target), { recursive: true });
      try {
        await pipeline(body, createWriteStream(partial, { flags: 'wx', mode: 0o600 }));
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      return key;
    },
    get(key) {
      return createReadStream(pathOf(key));
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}

/** The store the settings choose: the S3 bucket when S3_URL is set, else DATA_DIR/files. */
export function configuredFileStore(config: Config): FileStore {
  if (config.S3_URL && config.S3_BUCKET && config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY) {
    return s3FileStore({ url: config.S3_URL, bucket: config.S3_BUCKET, region: config.S3_REGION, accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY });
  }
  return localFileStore(path.resolve(config.DATA_DIR, 'files'));
}
