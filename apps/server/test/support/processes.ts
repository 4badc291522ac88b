import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORD, uniqueEmail } from './flows.js';
import type { RestClient } from './http.js';
import { freePort } from './ports.js';
import { createDatabase, dropDatabase, postgresUrl } from './postgres.js';
import { waiter } from './wait.js';

const ROOT = new URL('../../../../', import.meta.url).pathname;
export { ROOT };

/**
 * How `pnpm start` runs the server: one node process with tsx as its loader (the tsx CLI would
 * add a wrapper process that relays signals, and under load cuts a graceful stop short).
 */
export const NODE_WITH_TSX = [process.execPath, '--import', 'tsx'] as const;

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * `pnpm start` in a process of its own, with the given environment (and extra node flags, for
 * measuring it); resolves once it is ready.
 */
export async function startServerProcess(
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
  readyWithinMs = 45_000,
): Promise<ServerProcess> {
  const [node, ...flags] = NODE_WITH_TSX;
  const child = spawn(node, [...flags, ...nodeFlags, 'apps/server/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + readyWithinMs;
  while (!output.includes('career nexus api ready')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output, exited };
}

/** Signs a new member up on a server process that writes mail to its outbox (`dataDir`). */
export async function signUpThroughOutbox(api: RestClient, dataDir: string, label: string) {
  const email = uniqueEmail(label);
  await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD });
  const otp = await outboxCode(dataDir, email);
  const created = await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp });
  if (created.status !== 201) throw new Error(`sign-up of ${email} answered ${created.status}: ${JSON.stringify(created.body)}`);
  return { email, access: created.body.access as string, refresh: created.body.refresh as string };
}

/** The 6-digit code of the newest mail to `email` in a data folder's outbox; waits for it to be written. */
export function outboxCode(dataDir: string, email: string): Promise<string> {
  const dir = join(dataDir, 'outbox');
  const find = () => {
    let files: string[];
    try {
      files = readdirSync(dir).sort().reverse();
    } catch {
      return undefined; // no mail written yet
    }
    for (const file of files) {
      const eml = readFileSync(join(dir, file), 'utf8');
      if (eml.includes(email)) return /Your code: (\d{6})/.exec(eml)?.[1];
    }
    return undefined;
  };
  return waiter().until(find, 10_000, () => `no mail to ${email} in ${dir}`);
}

export interface ProcessGroup {
  processes: ServerProcess[];
  urls: string[];
  /** Each process's DATA_DIR (its outbox, for `outboxCode`). */
  dirs: string[];
  /** SIGTERM to each, then the database and the folders go. */
  stop(): Promise<void>;
}

/**
 * `count` server processes sharing one PostgreSQL database made for them, each with a data folder
 * of its own and the same JWT secret. `env` adds settings; a setting given as undefined is removed.
 */
export async function startProcessGroup(count: number, env: Record<string, string | undefined> = {}): Promise<ProcessGroup> {
  const database = `cn_group_${randomBytes(4).toString('hex')}`;
  await createDatabase(database);
  const shared: Record<string, string | undefined> = {
    ...process.env,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATABASE_URL: postgresUrl(database),
    JWT_SECRET: randomBytes(32).toString('hex'),
    ...env,
  };
  const settings = Object.fromEntries(Object.entries(shared).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const group: ProcessGroup = {
    processes: [],
    urls: [],
    dirs: [],
    async stop() {
      for (const proc of group.processes) {
        proc.child.kill('SIGTERM');
        await proc.exited;
      }
      await dropDatabase(database);
      for (const dir of group.dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
  for (let i = 0; i < count; i++) {
    const [dir, port] = [mkdtempSync(join(tmpdir(), 'cn-group-')), await freePort()];
    group.dirs.push(dir);
    // One after the other: the first one migrates the shared database.
    group.processes.push(
      await startServerProcess({ ...settings, PORT: String(port), DATA_DIR: dir, PUBLIC_URL: `http://127.0.0.1:${port}` }),
    );
    group.urls.push(`http://127.0.0.1:${port}`);
  }
  return group;
}
