import { randomBytes } from 'node:crypto';
import { openDatabase } from '@careernexus/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient, type RestClient } from './support/http.js';
import { startMailbox, type Mailbox } from './support/mailbox.js';
import { person, type Person } from './support/people.js';
import { postgresBinaries, startStreamingPair, type StreamingPair } from './support/replication.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// A real streaming replica, made by PostgreSQL's own tools in a temporary folder (the machine's
// server is left alone): DATABASE_URL names the primary, DATABASE_READ_URL the replica.
const bin = postgresBinaries();
if (!bin) {
  const message = 'read-replica.test.ts: PostgreSQL 15 binaries (initdb, pg_basebackup, pg_ctl under `pg_config --bindir`) not found';
  if (process.env.TEST_POSTGRES === 'required') throw new Error(message);
  console.warn(`\n!! ${message}: skipped.\n`);
}

let pair: StreamingPair | undefined;
const servers: TestServer[] = [];
let mailbox: Mailbox | undefined;
/** The first process's REST client; `other` reaches the second, which shares Redis with it. */
let api: RestClient;
let other: RestClient;
let alice: Person;
let bob: Person;

beforeAll(async () => {
  if (!bin) return;
  pair = await startStreamingPair(bin, 'careernexus');
  mailbox = await startMailbox();
  // Two API processes (in this one) on the pair, sharing Redis. The first migrates the primary; the replica replays it.
  const env = {
    SMTP_URL: mailbox.url,
    AUTH_RATE_LIMIT: '10000',
    DATABASE_URL: pair.primaryUrl,
    DATABASE_READ_URL: pair.replicaUrl,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `cn-replica-${randomBytes(4).toString('hex')}`,
    // One secret: a token signed by one process is good in the other.
    JWT_SECRET: randomBytes(32).toString('hex'),
  };
  for (let i = 0; i < 2; i += 1) {
    const handle = await openDatabase({ url: pair.primaryUrl, poolSize: 5 });
    servers.push(await startTestServer(env, { handle, drop: async () => {} }));
  }
  [api, other] = servers.map((server) => restClient(server.url)) as [RestClient, RestClient];
  alice = await person(api, mailbox);
  bob = await person(api, mailbox);
  expect((await api.post('/follow/', { user_following: alice.id }, { token: bob.token })).status).toBe(201);
}, 120_000);

afterAll(async () => {
  for (const server of servers) await server.close();
  await mailbox?.close();
  await pair?.destroy();
}, 60_000);

const FEED_TABLES = `relname in ('posts', 'feed_keys', 'follows')`;
/** Scans of the feed's tables the replica has counted: reads it served. */
async function replicaScans() {
  const [row] = await pair!.onReplica<{ scans: number }>(
    `select coalesce(sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)), 0)::int as scans from pg_stat_user_tables where ${FEED_TABLES}`,
  );
  return row!.scans;
}

/** Waits for the replica's statistics to pass `floor` (a busy backend flushes its counts within 10 s of going idle). */
async function untilReplicaCounts(floor: number, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const scans = await replicaScans();
    if (scans >= floor) return scans;
    if (Date.now() > deadline) throw new Error(`the replica counted ${scans} feed scans, expected at least ${floor}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const feedIds = async (who: Person, through = api) => {
  const feed = await through.get('/post/', { token: who.token });
  expect(feed.status, JSON.stringify(feed.body)).toBe(200);
  return (feed.body.results as { post_id: number }[]).map((post) => post.post_id);
};
const publish = async (who: Person, body: string) => {
  const created = await api.post('/post/', { body }, { token: who.token });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.post_id as number;
};

describe.skipIf(!bin)('a streaming read replica', () => {
  it('serves the feeds from the replica: its statistics count their scans', async () => {
    await publish(alice, 'Hello from the primary, read back from the replica.');
    await pair!.caughtUp();
    const before = await replicaScans();
    for (let i = 0; i < 10; i += 1) expect(await feedIds(bob)).not.toHaveLength(0);
    await untilReplicaCounts(before + 10);
  });

  it('shows a person their own new post while replay is paused, and others once it is replayed', async () => {
    await pair!.caughtUp();
    await pair!.onReplica('select pg_wal_replay_pause()');
    try {
      const post = await publish(alice, 'Written while the replica stands still.');
      // Alice's next page comes from the primary; Bob's from the replica, which has not replayed it.
      expect(await feedIds(alice)).toContain(post);
      expect(await feedIds(bob)).not.toContain(post);
      const [replay] = await pair!.onReplica<{ behind: boolean }>('select pg_last_wal_replay_lsn() < pg_last_wal_receive_lsn() as behind');
      expect(replay!.behind).toBe(true);
      await pair!.onReplica('select pg_wal_replay_resume()');
      await pair!.caughtUp();
      expect(await feedIds(bob)).toContain(post);
      // Replayed: Alice is back on the replica.
      const before = await replicaScans();
      for (let i = 0; i < 5; i += 1) expect(await feedIds(alice)).toContain(post);
      await untilReplicaCounts(before + 5);
    } finally {
      await pair!.onReplica('select pg_wal_replay_resume()').catch(() => undefined);
    }
  });

  it('sends the writer to the primary through another process too (the write marks are shared through Redis)', async () => {
    await pair!.caughtUp();
    await pair!.onReplica('select pg_wal_replay_pause()');
    try {
      const post = await publish(alice, 'Written through one process, read through the other.');
      expect(await feedIds(alice, other)).toContain(post);
      expect(await feedIds(bob, other)).not.toContain(post);
    } finally {
      await pair!.onReplica('select pg_wal_replay_resume()');
    }
  });

  it('falls back to the primary, with no error, while the replica is down, and uses it again when it is back', async () => {
    const post = await publish(alice, 'Still readable with the replica down.');
    await pair!.caughtUp();
    await pair!.stopReplica();
    // Reads and writes go on: every answer is a 200 or a 201, the feed holds what was written.
    for (let i = 0; i < 10; i += 1) expect(await feedIds(bob)).toContain(post);
    const during = await publish(alice, 'Written while the replica is down.');
    expect(await feedIds(bob)).toContain(during);
    const profile = await api.get(`/user/retrieve-profile/?user_id=${alice.id}`, { token: bob.token });
    expect(profile.status).toBe(200);

    await pair!.startReplica();
    await pair!.caughtUp(30_000);
    // The breaker tries the replica again after its back-off (a few seconds here): reads return to it.
    const before = await replicaScans();
    const deadline = Date.now() + 45_000;
    let scans = before;
    while (scans < before + 3 && Date.now() < deadline) {
      expect(await feedIds(bob)).toContain(during);
      await sleep(250);
      scans = await replicaScans();
    }
    expect(scans).toBeGreaterThanOrEqual(before + 3);
  }, 90_000);
});
