import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
