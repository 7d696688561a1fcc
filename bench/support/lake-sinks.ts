import { s3Sink, type LakeSink } from '../../src/lake/index.js';
import type { TestS3Server } from '../../test/support/s3-server.js';

/** The benchmark's bucket, created once the S3 server is up. */
export const BENCH_BUCKET = 'bench';

/** A sink on a fresh prefix of the benchmark's bucket (a run never sees another's objects). */
export function freshS3Sink(server: TestS3Server, name: string): LakeSink {
  return s3Sink(
    { bucket: BENCH_BUCKET, prefix: `${name}-${crypto.randomUUID().slice(0, 8)}/` },
    {
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    },
  );
}
