import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/**
 * A real S3-compatible server (s3rver, objects kept as files in a temp folder) on 127.0.0.1 and
 * a free port, owned by one test file. `directory` lets a test look at what the server really
 * holds, beyond what the S3 API answers.
 */
export interface S3TestServer {
  endpoint: string;
  bucket: string;
  /** s3rver checks signatures made with these (its fixed test credentials). */
  accessKeyId: string;
  secretAccessKey: string;
  directory: string;
  /** Stops the server and removes its folder; a second call does nothing. */
  close: () => Promise<void>;
}

export async function startS3Server(bucket = 'bulwark-test'): Promise<S3TestServer> {
  const directory = mkdtempSync(join(tmpdir(), 'bulwark-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  let isClosed = false;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    directory,
    close: async () => {
      if (isClosed) return;
      isClosed = true;
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * The environment that points a test app's file storage at `server`. s3rver checks the access
 * key id only (not V4 signatures), so any secret signs; tests pass one they then look for.
 */
export function s3StorageEnv(
  server: Pick<S3TestServer, 'endpoint' | 'bucket' | 'accessKeyId'>,
  secretAccessKey: string,
): Record<string, string> {
  return {
    BULWARK_FILES_STORAGE: 's3',
    BULWARK_FILES_S3_ENDPOINT: server.endpoint,
    BULWARK_FILES_S3_BUCKET: server.bucket,
    BULWARK_FILES_S3_ACCESS_KEY_ID: server.accessKeyId,
    BULWARK_FILES_S3_SECRET_ACCESS_KEY: secretAccessKey,
    BULWARK_FILES_S3_FORCE_PATH_STYLE: 'true',
  };
}
