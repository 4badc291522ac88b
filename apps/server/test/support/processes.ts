import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../../../', import.meta.url).pathname;
export const TSX = join(ROOT, 'node_modules/.bin/tsx');
export { ROOT };

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `pnpm start` in a process of its own, with the given environment; resolves once it is ready. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(TSX, ['apps/server/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 45_000;
  while (!output.includes('career nexus api ready')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output, exited };
}

/** The 6-digit code of the newest mail to `email` in a data folder's outbox. */
export function outboxCode(dataDir: string, email: string): string {
  const dir = join(dataDir, 'outbox');
  for (const file of readdirSync(dir).sort().reverse()) {
    const eml = readFileSync(join(dir, file), 'utf8');
    if (eml.includes(email)) return /Your code: (\d{6})/.exec(eml)![1]!;
  }
  throw new Error(`no mail to ${email}`);
}
