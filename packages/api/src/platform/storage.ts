import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { required } from '../invariant.js';

/** The first bytes of a stored object and its full size. */
interface ObjectHead {
  bytes: Buffer;
  size: number;
}

/** Where uploaded media lives: local files by default, S3 when configured. */
export interface MediaStorage {
  /** Streams `body` to `key`; when the stream fails nothing is left behind. */
  put(key: string, body: Readable, contentType: string): Promise<void>;
  head(key: string, length: number): Promise<ObjectHead | undefined>;
  delete(key: string): Promise<void>;
  /** The public URL written in responses. */
  urlOf(key: string): string;
  /** The key of one of our URLs, or undefined for any other URL. */
  keyOf(url: string): string | undefined;
  /** S3 only: a URL the client may PUT the object to itself. */
  presignPut?(key: string, contentType: string, expiresInSeconds: number): Promise<string>;
}

const isSafeKey = (key: string) => /^[a-z]+\/[0-9a-f-]{36}\.[a-z0-9]+$/.test(key);

function keyUnder(base: string, url: string): string | undefined {
  const prefix = `${base.replace(/\/+$/, '')}/`;
  if (!url.startsWith(prefix)) return undefined;
  const key = url.slice(prefix.length);
  return isSafeKey(key) ? key : undefined;
}

/** Files under `root`, served by the server at `publicBase` (…/media). */
export function localStorage(root: string, publicBase: string): MediaStorage {
  const pathOf = (key: string) => {
    const path = resolve(root, key);
    if (!isSafeKey(key) || !path.startsWith(resolve(root) + sep)) throw new Error(`unsafe media key ${key}`);
    return path;
  };
  return {
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      // Written aside and renamed, so a half-written file is never served.
      const partial = join(dirname(path), `.${randomUUID()}.partial`);
      try {
        await pipeline(body, createWriteStream(partial, { mode: 0o644 }));
        await rename(partial, path);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    },
    async head(key, length) {
      let handle;
      try {
        handle = await open(pathOf(key), 'r');
      } catch {
        return undefined;
      }
      try {
        const bytes = Buffer.alloc(length);
        const { bytesRead } = await handle.read(bytes, 0, length, 0);
        return { bytes: bytes.subarray(0, bytesRead), size: (await handle.stat()).size };
      } finally {
        await handle.close();
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    urlOf: (key) => `${publicBase}/${key}`,
    keyOf: (url) => keyUnder(publicBase, url),
  };
}

/** Reads a stored local file (for serving), or undefined. */
export async function openLocalMedia(root: string, key: string) {
  if (!isSafeKey(key)) return undefined;
  const path = join(root, key);
  try {
    const info = await stat(path);
    return { stream: createReadStream(path), size: info.size };
  } catch {
    return undefined;
  }
}

export interface S3Options {
  bucket: string;
  region: string;
  endpoint?: string | undefined;
  publicUrl?: string | undefined;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
}

export function s3Storage(options: S3Options): MediaStorage {
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.accessKeyId && options.secretAccessKey
      ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
      : {}),
    // S3-compatible servers store streamed uploads corrupted when checksums are added to them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = options.bucket;
  const publicBase = (
    options.publicUrl ??
    (options.endpoint ? `${options.endpoint.replace(/\/+$/, '')}/${Bucket}` : `https://${Bucket}.s3.${options.region}.amazonaws.com`)
  ).replace(/\/+$/, '');

  return {
    async put(key, body, contentType) {
      const upload = new Upload({ client, params: { Bucket, Key: key, Body: body, ContentType: contentType } });
      try {
        await upload.done();
      } catch (error) {
        await upload.abort().catch(() => {});
        throw error;
      }
    },
    async head(key, length) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: key, Range: `bytes=0-${length - 1}` }));
        // S3 answers a successful GET with a body; a missing one is a broken store, not a missing object.
        const bytes = Buffer.from(await required(object.Body, `the body of ${key}`).transformToByteArray());
        const total = /\/(\d+)$/.exec(object.ContentRange ?? '')?.[1];
        return { bytes: bytes.subarray(0, length), size: total ? Number(total) : Number(object.ContentLength ?? bytes.length) };
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || status === 416 || (error as Error).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    urlOf: (key) => `${publicBase}/${key}`,
    keyOf: (url) => keyUnder(publicBase, url),
    presignPut: (key, contentType, expiresIn) =>
      getSignedUrl(client, new PutObjectCommand({ Bucket, Key: key, ContentType: contentType }), { expiresIn }),
  };
}
