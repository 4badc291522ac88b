import { feedQuery } from '@careernexus/api';
import { sql } from '@careernexus/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.js';

// The feed must be read from indexes, whatever the number of posts: with many posts in the
// database, no statement behind a feed page may scan a whole table. The plans are printed.
const USERS = 2_000;
const POSTS = 60_000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  const { db } = server.database;
  await sql`
    insert into users (email, password_hash, industry, user_type)
    select 'plan' || i || '@example.test', 'x',
           (array['technology','agriculture','health','banking','media'])[1 + i % 5],
           case when i % 100 = 0 then 'mentor' else 'learner' end
    from generate_series(1, ${USERS}) i`.execute(db);
  await sql`insert into profiles (user_id) select id from users`.execute(db);
  await sql`
    insert into posts (author_id, body, industries)
    select u.id, 'post ' || i, (array['technology','agriculture','health','banking','media'])[1 + i % 5]
    from generate_series(1, ${POSTS}) i
    join users u on u.email = 'plan' || (1 + i % ${USERS}) || '@example.test'`.execute(db);
  await sql`insert into feed_keys (key, post_id) select 'industry:' || industries, id from posts`.execute(db);
  await sql`
    insert into feed_keys (key, post_id)
    select 'mentor', p.id from posts p join users u on u.id = p.author_id where u.user_type = 'mentor'`.execute(db);
  await sql`
    insert into follows (follower_id, following_id)
    select a.id, b.id from users a join users b on b.id = a.id + 1 or b.id = a.id + 7 or b.id = a.id + 13`.execute(db);
  await sql`analyze`.execute(db);
}, 120_000);
afterAll(async () => {
  await server?.close();
});

async function planOf(query: { compile(db: TestServer['database']['db']): { sql: string; parameters: readonly unknown[] } }) {
  const compiled = query.compile(server.database.db);
  const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${sql.raw(inline(compiled.sql, compiled.parameters))}`.execute(
    server.database.db,
  );
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

/** EXPLAIN takes no bind parameters here: put the (numeric or simple string) values in place. */
function inline(text: string, parameters: readonly unknown[]) {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = parameters[Number(n) - 1];
    return typeof value === 'number' ? String(value) : `'${String(value).replaceAll("'", "''")}'`;
  });
}

async function reader() {
  const row = await server.database.db
    .selectFrom('users')
    .select(['id', 'industry'])
    .where('email', '=', 'plan1000@example.test')
    .executeTakeFirstOrThrow();
  const { rows } = await sql<{ id: number }>`select max(id) as id from posts`.execute(server.database.db);
  return { viewer: row, snapshot: Number(rows[0]!.id) };
}

it.each([
  ['home feed, page 1', false, 0],
  ['home feed, page 20', false, 190],
  ['following feed', true, 0],
] as const)('%s and its count are read from indexes', async (name, followedOnly, offset) => {
  const { viewer, snapshot } = await reader();
  const query = feedQuery(viewer, snapshot, offset, 10, followedOnly);
  const plan = await planOf(query);
  console.log(`--- ${name}\n${plan}`);
  expect(plan, plan).not.toMatch(/Seq Scan on (posts|feed_keys|follows)\b/);
  const { rows } = await query.execute(server.database.db);
  expect(rows[0]!.ids).toHaveLength(10);
});
