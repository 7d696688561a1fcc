// `npm run start:s3`: a throwaway S3 server on this machine, the one the tests start (OpenStack
// Swift with its s3api middleware, on a free 127.0.0.1 port, data in a temp dir); prints its
// endpoint and credentials and runs until Ctrl-C, which deletes its data. Needs Debian's Swift
// and memcached (see .ci/run). The launcher is test/support/s3-server.ts, loaded through tsx so
// that there is one implementation.
import { register } from 'tsx/esm/api';

register();
const { startS3Server, swiftInstalled } = await import('../test/support/s3-server.ts');

if (!swiftInstalled()) {
  process.stderr.write(
    'start:s3 needs OpenStack Swift and memcached: apt-get install swift swift-proxy ' +
      'swift-account swift-container swift-object memcached\n',
  );
  process.exit(1);
}

const started = Date.now();
const server = await startS3Server();
process.stdout.write(
  `S3 (OpenStack Swift, s3api) ready in ${Date.now() - started} ms, data in ${server.dir}\n` +
    `  endpoint           ${server.endpoint}   (path-style only: forcePathStyle: true)\n` +
    `  region             ${server.region}\n` +
    `  access key id      ${server.accessKeyId}\n` +
    `  secret access key  ${server.secretAccessKey}\n\n` +
    `AWS_ENDPOINT_URL_S3=${server.endpoint} AWS_REGION=${server.region} ` +
    `AWS_ACCESS_KEY_ID=${server.accessKeyId} AWS_SECRET_ACCESS_KEY=${server.secretAccessKey}\n\n` +
    'Ctrl-C stops it and deletes its data.\n',
);

// The servers run in process groups of their own, out of the terminal's reach: end them here.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void server.destroy().then(() => process.exit(0));
  });
}
