import { createHash } from 'node:crypto';

import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

import type { LakeSink, StoredLakeObject } from '../sink.js';

/** Where in S3: a bucket, and a key prefix (`''`, or ending in `/`). */
export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

/** Objects larger than this go up in parts of this size (S3's multipart upload). */
const PART_BYTES = 8 * 1024 * 1024;

/**
 * The archive in an S3 bucket: each object at `<prefix><key>`, its event count and checksum in
 * its user metadata (`x-amz-meta-strata-count`, `x-amz-meta-strata-sha256`). An S3 PUT (or a
 * completed multipart upload) is atomic: readers see the old object or the new one.
 */
export function s3Sink(location: S3Location, config: S3ClientConfig = {}): LakeSink {
  const client = new S3Client(config);
  const { bucket, prefix } = location;
  return {
    location: `s3://${bucket}/${prefix}`,
    async put(key, object) {
      const upload = new Upload({
        client,
        partSize: PART_BYTES,
        params: {
          Bucket: bucket,
          Key: `${prefix}${key}`,
          Body: object.body,
          ContentType: key.endsWith('.parquet')
            ? 'application/vnd.apache.parquet'
            : 'application/gzip',
          Metadata: { 'strata-count': String(object.count), 'strata-sha256': object.sha256 },
          // A body of one part goes up in one PUT, whose MD5 S3 checks: the bytes stored are the
          // bytes sent (the SDK's own checksums are not checked by every S3-compatible server).
          ...(object.body.byteLength <= PART_BYTES
            ? { ContentMD5: createHash('md5').update(object.body).digest('base64') }
            : {}),
        },
      });
      await upload.done();
    },
    async get(key): Promise<StoredLakeObject | undefined> {
      try {
        const reply = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${key}` }),
        );
        if (reply.Body === undefined) throw new Error(`S3 sent no body for ${key}`);
        const body = await reply.Body.transformToByteArray();
        return {
          body,
          count: Number(reply.Metadata?.['strata-count']),
          sha256: reply.Metadata?.['strata-sha256'] ?? '',
        };
      } catch (error) {
        if (error instanceof NoSuchKey) return undefined;
        throw error;
      }
    },
    async metadata(key) {
      try {
        const reply = await client.send(
          new HeadObjectCommand({ Bucket: bucket, Key: `${prefix}${key}` }),
        );
        return {
          count: Number(reply.Metadata?.['strata-count']),
          sha256: reply.Metadata?.['strata-sha256'] ?? '',
        };
      } catch (error) {
        if (error instanceof NotFound) return undefined;
        throw error;
      }
    },
    async *list(keyPrefix) {
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: `${prefix}${keyPrefix}`,
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        );
        for (const item of page.Contents ?? []) {
          if (item.Key !== undefined) yield item.Key.slice(prefix.length);
        }
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    },
    close() {
      client.destroy();
    },
  };
}
