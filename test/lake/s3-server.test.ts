import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';

import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { describeWithS3 } from '../support/describe-with-s3.js';
import { s3ClientFor, startS3Server, type TestS3Server } from '../support/s3-server.js';

const Bucket = 'lake';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describeWithS3('an S3 server of the test (OpenStack Swift with s3api)', () => {
  let server: TestS3Server;
  let s3: S3Client;

  beforeAll(async () => {
    server = await startS3Server();
    s3 = s3ClientFor(server);
  }, 60_000);

  afterAll(async () => {
    s3.destroy();
    await server.destroy();
  });

  it('listens on a loopback port of its own, path-style', () => {
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.forcePathStyle).toBe(true);
  });

  it('creates a bucket, and puts, gets and lists objects with their user metadata', async () => {
    await s3.send(new CreateBucketCommand({ Bucket }));
    for (const hour of ['00', '01']) {
      await s3.send(
        new PutObjectCommand({
          Bucket,
          Key: `messages/2026/11/23/${hour}/1_10.jsonl`,
          Body: `{"hour":"${hour}"}\n`,
          ContentType: 'application/x-ndjson',
          Metadata: { 'first-position': '1', 'last-position': '10' },
        }),
      );
    }
    const got = await s3.send(
      new GetObjectCommand({ Bucket, Key: 'messages/2026/11/23/01/1_10.jsonl' }),
    );
    expect(await got.Body?.transformToString()).toBe('{"hour":"01"}\n');
    expect(got.ContentType).toBe('application/x-ndjson');
    expect(got.Metadata).toEqual({ 'first-position': '1', 'last-position': '10' });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'messages/2026/' }));
    expect(listed.Contents?.map((object) => object.Key)).toEqual([
      'messages/2026/11/23/00/1_10.jsonl',
      'messages/2026/11/23/01/1_10.jsonl',
    ]);
  });

  it('takes a 12 MB object as a multipart upload through lib-storage', async () => {
    const body = new Uint8Array(12 * 1024 * 1024).map((_, index) => (index * 31) % 251);
    await new Upload({
      client: s3,
      params: { Bucket, Key: 'big.bin', Body: body, Metadata: { kind: 'multipart' } },
    }).done();
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'big.bin' }));
    // A multipart ETag ends in the part count: lib-storage's 5 MB parts make three.
    expect(head.ETag).toMatch(/-3"$/);
    expect(head.ContentLength).toBe(body.length);
    expect(head.Metadata).toEqual({ kind: 'multipart' });
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'big.bin' }));
    expect(sha256(await got.Body!.transformToByteArray())).toBe(sha256(body));
  });

  it('refuses connections while killed, and keeps its objects across a restart', async () => {
    await server.kill();
    // A client of its own, without retries: the shared one may hold a socket to the dead proxy.
    const during = s3ClientFor(server, { maxAttempts: 1 });
    await expect(
      during.send(new HeadObjectCommand({ Bucket, Key: 'big.bin' })),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    during.destroy();
    await server.restart();
    const listed = await s3.send(new ListObjectsV2Command({ Bucket }));
    expect(listed.Contents?.map((object) => object.Key)).toContain('big.bin');
    const got = await s3.send(
      new GetObjectCommand({ Bucket, Key: 'messages/2026/11/23/00/1_10.jsonl' }),
    );
    expect(await got.Body?.transformToString()).toBe('{"hour":"00"}\n');
  });

  it('stops everything and deletes its directory on destroy', async () => {
    await server.destroy();
    await expect(access(server.dir)).rejects.toMatchObject({ code: 'ENOENT' });
    const after = s3ClientFor(server, { maxAttempts: 1 });
    await expect(after.send(new ListObjectsV2Command({ Bucket }))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    after.destroy();
  });
});
