import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@careernexus/api';
import { openDatabase, type DatabaseHandle } from '@careernexus/db';
import { inject } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import { freePort } from './ports.js';
import { createDatabase, dropDatabase, postgresUrl } from './postgres.js';

export interface TestServer extends RunningServer {
  dataDir: string;
}

/** A fresh database cloned from the project's migrated template (PGlite or PostgreSQL). */
async function cloneTemplateDatabase(): Promise<{ handle: DatabaseHandle; drop: () => Promise<void> }> {
  const template = inject('databaseTemplate');
  if (inject('databaseKind') === 'pglite') {
    const handle = await openDatabase({ loadDataDir: new Blob([readFileSync(template)]) });
    return { handle, drop: async () => {} };
  }
  const name = `cn_test_${randomBytes(6).toString('hex')}`;
  await createDatabase(name, template);
  return { handle: await openDatabase({ url: postgresUrl(name), poolSize: 5 }), drop: () => dropDatabase(name) };
}

/**
 * A real server on a free port of 127.0.0.1 with its own data folder, and its own database: a
 * clone of the template unless the caller brings one (closed and dropped with the server).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  database?: { handle: DatabaseHandle; drop: () => Promise<void> },
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cn-test-'));
  // The port is chosen first so that PUBLIC_URL (media and e-mail links) points at this server.
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    JWT_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...env,
  });
  const { handle, drop } = database ?? (await cloneTemplateDatabase());
  const server = await startServer(config, handle);
  return {
    ...server,
    dataDir,
    close: async () => {
      await server.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
