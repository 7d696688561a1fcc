import { InvalidArgumentError } from '../store/index.js';
import type { LakeSink } from './sink.js';
import { directorySink } from './sinks/directory.js';
import { s3Sink } from './sinks/s3.js';

/** S3 settings beyond what the AWS SDK reads from its environment. */
export interface LakeS3Settings {
  readonly endpoint?: string;
  readonly region?: string;
  readonly forcePathStyle?: boolean;
}

/**
 * The sink `location` names: `s3://bucket/prefix` (the AWS SDK's usual environment supplies
 * credentials, region and `AWS_ENDPOINT_URL`; `s3` settings win), else a directory path.
 */
export function openLakeSink(location: string, s3: LakeS3Settings = {}): LakeSink {
  if (!location.startsWith('s3://')) return directorySink(location);
  const [bucket = '', ...rest] = location.slice('s3://'.length).split('/');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new InvalidArgumentError('lake.location', `names no valid S3 bucket: ${location}`);
  }
  const path = rest.filter((part) => part !== '').join('/');
  return s3Sink(
    { bucket, prefix: path === '' ? '' : `${path}/` },
    {
      ...(s3.endpoint === undefined ? {} : { endpoint: s3.endpoint }),
      ...(s3.region === undefined ? {} : { region: s3.region }),
      ...(s3.forcePathStyle === undefined ? {} : { forcePathStyle: s3.forcePathStyle }),
    },
  );
}
