import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// nginx (Debian's package; `.ci/run` installs it) with docs/nginx/careernexus.conf as it is: only
// its two per-deployment includes are written here. Used by nginx.test.ts and `pnpm bench -- --through-nginx`.
export const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'].find(existsSync) ?? whichNginx();
const SITE_CONF = new URL('../../../../docs/nginx/careernexus.conf', import.meta.url).pathname;

function whichNginx(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

export interface Nginx {
  child: ChildProcess;
  port: number;
  /** Its own folder (pid, logs, temp files, the includes); removed by stop(). */
  prefix: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * nginx in a prefix of its own, listening on 127.0.0.1:`port`, in front of `upstreams` (host:port),
 * each written as the upstreams include of docs/operations.md says; resolves once it listens.
 */
export async function startNginx(port: number, upstreams: string[]): Promise<Nginx> {
  if (!NGINX) throw new Error('nginx is not installed (apt-get install -y nginx)');
  const prefix = mkdtempSync(join(tmpdir(), 'cn-nginx-'));
  const errorLogPath = join(prefix, 'error.log');
  const errorLog = () => (existsSync(errorLogPath) ? readFileSync(errorLogPath, 'utf8') : '');
  writeFileSync(
    join(prefix, 'careernexus-upstreams.conf'),
    upstreams.map((server) => `server ${server} max_fails=3 fail_timeout=10s;\n`).join(''),
  );
  writeFileSync(join(prefix, 'careernexus-listen.conf'), `listen 127.0.0.1:${port};\n`);
  // What Debian's /etc/nginx/nginx.conf does around the site file.
  writeFileSync(
    join(prefix, 'nginx.conf'),
    [
      'worker_processes 1;',
      `pid ${join(prefix, 'nginx.pid')};`,
      `error_log ${errorLogPath} warn;`,
      'events { worker_connections 1024; }',
      `http { access_log ${join(prefix, 'access.log')}; include ${SITE_CONF}; }`,
      '',
    ].join('\n'),
  );
  chmodSync(prefix, 0o755); // nginx's workers (nobody, when started as root) write their temp files here
  const args = ['-p', prefix, '-e', errorLogPath, '-c', join(prefix, 'nginx.conf')];
  const check = spawnSync(NGINX, ['-t', ...args], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t failed: ${check.stderr}`);
  const child = spawn(NGINX, [...args, '-g', 'daemon off;'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not listen: ${errorLog()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    port,
    prefix,
    errorLog,
    async stop() {
      // SIGTERM, not a graceful SIGQUIT, which waits for every WebSocket still open to end.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/** Whether something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
