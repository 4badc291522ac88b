import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { uniqueEmail } from './support/flows.js';
import { codeOf } from './support/mailbox.js';
import { person } from './support/people.js';
import { NODE_WITH_TSX, ROOT } from './support/processes.js';
import { PNG_1x1 } from './support/samples.js';

/**
 * Runs every example of docs/guide.md against a real server, in the guide's order: each `sh`
 * block (curl, with the status it answers in a `# 201` line) and each `ts` block (which must be
 * the example file it names, run as a script), then compares what it printed with the `json`
 * block that follows. In the expected JSON, "…" matches any value, and a `"…": "…"` entry lets
 * an object have more keys.
 */

const run = promisify(execFile);
const guide = readFileSync(join(ROOT, 'docs/guide.md'), 'utf8');

interface Example {
  kind: 'sh' | 'ts';
  code: string;
  file?: string;
  status?: number;
  expected: unknown;
}

function examplesOf(markdown: string): Example[] {
  const blocks = [...markdown.matchAll(/(?:<!-- example: (\S+) -->\n)?```(\w+)\n([\s\S]*?)```/g)].map((match) => ({
    file: match[1],
    language: match[2]!,
    code: match[3]!,
  }));
  const examples: Example[] = [];
  blocks.forEach((block, index) => {
    if (block.language !== 'sh' && block.language !== 'ts') return;
    const next = blocks[index + 1];
    if (next?.language !== 'json')
      throw new Error(`guide: the ${block.language} block ${block.code.slice(0, 60)}… is not followed by its json answer`);
    const status = /^# (\d{3})$/m.exec(block.code)?.[1];
    if (block.language === 'sh' && !status) throw new Error(`guide: the sh block ${block.code.slice(0, 60)}… names no status`);
    if (block.language === 'ts' && !block.file) throw new Error('guide: a ts block without its <!-- example: file --> line');
    examples.push({
      kind: block.language,
      code: block.code,
      file: block.file,
      status: status ? Number(status) : undefined,
      expected: JSON.parse(next.code),
    });
  });
  return examples;
}

/** The expected JSON as vitest matchers: "…" is any value, `"…": "…"` an open object. */
function matcherOf(expected: unknown): unknown {
  if (expected === '…') return expect.anything();
  if (Array.isArray(expected)) return expected.map(matcherOf);
  if (expected && typeof expected === 'object') {
    const { '…': open, ...fields } = expected as Record<string, unknown>;
    const matchers = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, matcherOf(value)]));
    return open === '…' ? expect.objectContaining(matchers) : matchers;
  }
  return expected;
}

const examples = examplesOf(guide);
const t = useServer();
const env: Record<string, string> = {};
let workDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'cn-guide-'));
  writeFileSync(join(workDir, 'photo.png'), PNG_1x1);
  const peer = await person(t.api, t.mailbox);
  Object.assign(env, { BASE: t.server.url, EMAIL: uniqueEmail('guide'), PASSWORD: 'Guide-Pass-2024', PEER_ID: String(peer.id) });
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

it('has examples of every kind', () => {
  expect(examples.filter((example) => example.kind === 'sh').length).toBeGreaterThanOrEqual(10);
  expect(examples.filter((example) => example.kind === 'ts').map((example) => example.file)).toEqual([
    'docs/examples/sdk-quickstart.ts',
    'docs/examples/chat-socket.ts',
  ]);
});

it.each(examples.map((example) => [example.file ?? example.code.split('\n')[0]!, example] as const))('%s', async (_name, example) => {
  if (example.code.includes('$OTP')) env.OTP = codeOf(await t.mailbox.waitFor(env.EMAIL!, 'Verify your Email')).otp;
  const options = { cwd: workDir, env: { ...process.env, ...env }, timeout: 20_000 };
  let printed: unknown;
  if (example.kind === 'sh') {
    // The status is printed after the body, on a line of its own.
    const script = `curl() { command curl -w '\\n%{http_code}' "$@"; }\nset -e\n${example.code}`;
    const { stdout } = await run('/bin/bash', ['-c', script], options);
    const lines = stdout.trimEnd().split('\n');
    const status = Number(lines.pop());
    printed = JSON.parse(lines.join('\n'));
    expect({ status, body: printed }).toEqual({ status: example.status, body: matcherOf(example.expected) });
  } else {
    expect(example.code, `the guide's block is ${example.file} verbatim`).toBe(readFileSync(join(ROOT, example.file!), 'utf8'));
    const { stdout } = await run(NODE_WITH_TSX[0], [...NODE_WITH_TSX.slice(1), join(ROOT, example.file!)], { ...options, cwd: ROOT });
    printed = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(printed).toEqual(matcherOf(example.expected));
  }
  // Later examples use what earlier ones answered: ACCESS, REFRESH, UPLOAD_URL, URL…
  if (printed && typeof printed === 'object' && !Array.isArray(printed)) {
    for (const [key, value] of Object.entries(printed)) if (typeof value === 'string') env[key.toUpperCase()] = value;
  }
});
