import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT } from './support/processes.js';

const run = promisify(execFile);
const PACK_TIMEOUT_MS = 240_000;

let consumer: string;

/**
 * `pnpm pack` builds packages/sdk/dist in place; the two test projects run this file at the same
 * time, so the builds take turns (a lock directory, broken when left behind by a killed run).
 */
async function packExclusively(destination: string): Promise<string> {
  const lock = join(tmpdir(), `careernexus-sdk-pack-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}`);
  const deadline = Date.now() + PACK_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > PACK_TIMEOUT_MS) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${lock} stayed locked`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    await run('pnpm', ['--filter', '@careernexus/sdk', 'pack', '--pack-destination', destination], { cwd: ROOT });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  const tarball = readdirSync(destination).find((file) => file.endsWith('.tgz'));
  if (!tarball) throw new Error('pnpm pack wrote no tarball');
  return join(destination, tarball);
}

const versionIn = (dir: string, name: string) =>
  (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

const COMPILER_OPTIONS = {
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  // The package's declarations (and those of its dependencies) are checked too.
  skipLibCheck: false,
  noEmit: true,
  // What @trpc/client and @trpc/server's declarations need: DOM (fetch, WebSocket) and disposables.
  lib: ['ES2023', 'ESNext.Disposable', 'DOM'],
  types: [],
};

beforeAll(async () => {
  consumer = mkdtempSync(join(tmpdir(), 'cn-sdk-consumer-'));
  const tarball = await packExclusively(mkdtempSync(join(tmpdir(), 'cn-sdk-pack-')));
  // A project of its own outside the workspace: the tarball and TypeScript, nothing of the server.
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({
      name: 'sdk-consumer',
      private: true,
      type: 'module',
      dependencies: { '@careernexus/sdk': `file:${tarball}`, typescript: versionIn(ROOT, 'typescript') },
    }),
  );
  for (const name of ['good', 'bad']) {
    writeFileSync(join(consumer, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions: COMPILER_OPTIONS, files: [`${name}.ts`] }));
  }
  // From the pnpm store the workspace was installed from; the registry only for what it lacks.
  await run('pnpm', ['install', '--prefer-offline', '--ignore-workspace'], { cwd: consumer });
}, PACK_TIMEOUT_MS + 60_000);

afterAll(() => {
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

async function typeCheck(name: 'good' | 'bad', source: string) {
  writeFileSync(join(consumer, `${name}.ts`), source);
  return run(join(consumer, 'node_modules/.bin/tsc'), ['-p', `tsconfig.${name}.json`], { cwd: consumer }).then(
    () => ({ ok: true, output: '' }),
    (error: { stdout: string; stderr: string }) => ({ ok: false, output: error.stdout + error.stderr }),
  );
}

it('installs from its tarball with no server code, and type-checks correct calls of every kind', { timeout: 60_000 }, async () => {
  const installed = join(consumer, 'node_modules/@careernexus/sdk');
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
  expect(manifest.exports).toEqual({ '.': { types: './dist/index.d.ts', import: './dist/index.js' } });
  expect(Object.keys(manifest.dependencies as object).sort()).toEqual(['@trpc/client', '@trpc/server', 'superjson']);
  const declarations = readdirSync(join(installed, 'dist')).filter((file) => file.endsWith('.d.ts'));
  expect(declarations).toContain('router.d.ts');
  for (const file of declarations) {
    expect(readFileSync(join(installed, 'dist', file), 'utf8'), file).not.toMatch(/@careernexus\/|kysely|pino|fastify|from '\.\.\//);
  }

  const checked = await typeCheck(
    'good',
    `import { createClient, describeClientError, follow, uploadMedia, type RouterOutputs } from '@careernexus/sdk';

const client = createClient({ url: 'http://localhost:8000', getAccessToken: () => 'token' });
export async function main() {
  const created = await client.auth.signup.mutate({ email: 'a@example.test', password1: 'x', password2: 'x', otp: '123456' });
  const access: string | undefined = 'access' in created ? created.access : undefined;
  const me: RouterOutputs['auth']['me'] = await client.auth.me.query();
  const kind: 'learner' | 'mentor' | 'employer' = me.user_type;
  const post = await client.posts.create.mutate({ body: 'hello' });
  const comment = await client.posts.comment.mutate({ post: post.post_id, body: 'hi' });
  const photo = await uploadMedia(client, { body: new Blob([]), contentType: 'image/png' });
  await client.profile.update.mutate({ profile_photo: photo.url });
  const chat = follow(client.chat.onMessage, { onEvent: (message, id) => console.log(message.message.toUpperCase(), message.chat_id + 1, id) });
  const subscription = client.notifications.onNotification.subscribe(undefined, { onData: (event) => console.log(event.id.length) });
  chat.unsubscribe();
  subscription.unsubscribe();
  try {
    await client.auth.me.query();
  } catch (error) {
    const { code, message, fields } = describeClientError(error);
    console.log(code, message, fields.email?.[0]);
  }
  return { access, kind, comment };
}
`,
  );
  expect(checked.output).toBe('');
  expect(checked.ok).toBe(true);

  // The JavaScript runs with the package's own dependencies.
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', "const sdk = await import('@careernexus/sdk'); console.log(Object.keys(sdk).sort().join())"],
    { cwd: consumer },
  );
  expect(stdout.trim()).toBe('UploadError,createClient,describeClientError,follow,uploadMedia');
});

it('refuses wrong calls with the expected type errors', { timeout: 60_000 }, async () => {
  const checked = await typeCheck(
    'bad',
    `import { createClient, follow } from '@careernexus/sdk';

const client = createClient({ url: 'http://localhost:8000' });
export async function main() {
  await client.posts.create.mutate({ body: 42 });
  await client.posts.publish.mutate({ body: 'no such procedure' });
  const me = await client.auth.me.query();
  const id: string = me.id;
  follow(client.chat.onMessage, { onEvent: (message) => message.sender });
  return id;
}
`,
  );
  expect(checked.ok).toBe(false);
  const errors = checked.output.split('\n').filter((line) => /error TS\d+/.test(line));
  expect(errors.map((line) => /^(\S+\(\d+,\d+\)): error (TS\d+)/.exec(line)?.slice(1, 3).join(' '))).toEqual([
    'bad.ts(5,38) TS2322',
    'bad.ts(6,22) TS2339',
    'bad.ts(8,9) TS2322',
    'bad.ts(9,65) TS2339',
  ]);
  expect(errors[0]).toContain("Type 'number' is not assignable to type 'string'.");
  expect(errors[1]).toContain("Property 'publish' does not exist");
  expect(errors[3]).toContain("Property 'sender' does not exist on type 'ChatMessageEvent'.");
});
