import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';

const run = promisify(execFile);

/** PostgreSQL's own programs (`pg_config --bindir`), or undefined when they are not installed. */
export function postgresBinaries(): string | undefined {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    return ['initdb', 'pg_ctl', 'pg_basebackup'].every((name) => existsSync(join(dir, name))) ? dir : undefined;
  } catch {
    return undefined;
  }
}

export interface StreamingPair {
  /** postgres://… of the primary's and the replica's `database`. */
  primaryUrl: string;
  replicaUrl: string;
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  /** Runs one statement on the replica (or the primary) on a connection of its own. */
  onReplica<R extends pg.QueryResultRow>(text: string): Promise<R[]>;
  onPrimary<R extends pg.QueryResultRow>(text: string): Promise<R[]>;
  /** Waits until the replica has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Stops both servers and removes their files, whatever state they are in. */
  destroy(): Promise<void>;
}

/**
 * A primary and a streaming replica of it, made by PostgreSQL's own initdb, pg_basebackup -R
 * and pg_ctl, run as the `postgres` OS user, in a temporary folder, on free ports of 127.0.0.1.
 * The machine's own PostgreSQL server is not touched.
 */
export async function startStreamingPair(bin: string, database: string): Promise<StreamingPair> {
  const base = mkdtempSync(join(tmpdir(), 'cn-replication-'));
  const [primaryDir, replicaDir] = [join(base, 'primary'), join(base, 'replica')];
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const started = new Set<string>();
  const asPostgres = (program: string, args: string[]) =>
    // runuser: the servers refuse to run as root. The folder is the working directory the postgres user can enter.
    run('runuser', ['-u', 'postgres', '--', join(bin, program), ...args], { cwd: base });
  const pgCtl = (dir: string, action: 'start' | 'stop', port: number) =>
    asPostgres('pg_ctl', [
      '-D',
      dir,
      '-w',
      '-t',
      '60',
      ...(action === 'start' ? ['-l', `${dir}.log`, '-o', `-p ${port}`] : ['-m', 'fast']),
      action,
    ]);
  const url = (port: number) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const once = async <R extends pg.QueryResultRow>(connectionString: string, text: string) => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      return (await client.query<R>(text)).rows;
    } finally {
      await client.end();
    }
  };

  const pair: StreamingPair = {
    primaryUrl: url(primaryPort),
    replicaUrl: url(replicaPort),
    async stopReplica() {
      await pgCtl(replicaDir, 'stop', replicaPort);
      started.delete(replicaDir);
    },
    async startReplica() {
      await pgCtl(replicaDir, 'start', replicaPort);
      started.add(replicaDir);
    },
    onReplica: (text) => once(url(replicaPort), text),
    onPrimary: (text) => once(url(primaryPort), text),
    async caughtUp(timeoutMs = 15_000) {
      const [primary] = await pair.onPrimary<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
      const lsn = primary?.lsn ?? '0/0';
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await pair.onReplica<{ done: boolean }>(`select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn as done`);
        if (row?.done) return;
        if (Date.now() > deadline) throw new Error(`the replica did not replay up to ${lsn} in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async destroy() {
      for (const [dir, port] of [
        [replicaDir, replicaPort],
        [primaryDir, primaryPort],
      ] as const) {
        if (started.has(dir)) await pgCtl(dir, 'stop', port).catch(() => undefined);
      }
      rmSync(base, { recursive: true, force: true });
    },
  };

  try {
    chownSync(
      base,
      Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
      Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
    );
    await asPostgres('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    // Written by root into the postgres user's file: appending keeps its owner.
    appendFileSync(
      join(primaryDir, 'postgresql.conf'),
      [
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${base}'`,
        'wal_level = replica',
        'max_wal_senders = 4',
        // A replica stopped for a while finds the WAL it missed still there.
        'wal_keep_size = 256MB',
        'hot_standby = on',
        // Throw-away servers: durability only costs the test time.
        'fsync = off',
        'full_page_writes = off',
        '',
      ].join('\n'),
    );
    await pgCtl(primaryDir, 'start', primaryPort);
    started.add(primaryDir);
    await once(`postgres://postgres@127.0.0.1:${primaryPort}/postgres`, `create database ${database}`);
    // -R writes standby.signal and primary_conninfo: the copy starts as a streaming replica. A
    // fast checkpoint: the default spreads it over minutes.
    const source = ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres'];
    await asPostgres('pg_basebackup', [...source, '-D', replicaDir, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync']);
    await pair.startReplica();
    return pair;
  } catch (error) {
    await pair.destroy();
    throw error;
  }
}
