// Run before install, start and test: a newcomer with the wrong Node or package manager is told
// what to do now, instead of meeting a stranger failure later. No dependencies: it runs before
// anything is installed.
// Node's globals imported by name: this file is linted as plain JavaScript, without Node's globals.
import console from 'node:console';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const [, wantedPnpm] = manifest.packageManager.split('@');
const minimumNode = manifest.engines.node.replace(/^>=/, '');

const numbers = (version) => version.split('.').map(Number);
const atLeast = (version, minimum) => {
  const [a, b] = [numbers(version), numbers(minimum)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
};

const problems = [];
if (!atLeast(process.versions.node, minimumNode)) {
  problems.push(
    `Node ${process.versions.node} is too old: this project needs Node ${minimumNode} or newer (Node 20 LTS is what it is tested on).`,
    `  With nvm: nvm install 20 && nvm use 20   (or download it from https://nodejs.org/)`,
  );
}
// npm and yarn set npm_config_user_agent too; pnpm's is "pnpm/<version> npm/? node/…".
const agent = process.env.npm_config_user_agent ?? '';
const usedPnpm = /^pnpm\/(\S+)/.exec(agent)?.[1];
if (agent && usedPnpm !== wantedPnpm) {
  problems.push(
    `This project is installed and run with pnpm ${wantedPnpm}${usedPnpm ? ` (this is pnpm ${usedPnpm})` : ` (this is ${agent.split(' ')[0]})`}.`,
    `  npm install -g pnpm@${wantedPnpm} && pnpm install`,
  );
}
if (problems.length) {
  console.error(`\n${problems.join('\n')}\n`);
  process.exit(1);
}
