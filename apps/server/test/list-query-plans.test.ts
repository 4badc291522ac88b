import { randomBytes } from 'node:crypto';
import { CompiledQuery, openDatabase, sql } from '@careernexus/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDatabase, generate, HOT_COMMENTS } from '../../../bench/generate.js';
import { restClient, type RestClient } from './support/http.js';
import { startMailbox, type Mailbox } from './support/mailbox.js';
import { PASSWORD, signUp, uniqueEmail } from './support/flows.js';
import { dropDatabase, postgresUrl } from './support/postgres.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * Every list the API serves is read from indexes, whatever the size of the data: the server runs
 * on the bench's size-M data set (10k users, 100k posts), every GET operation of the document is
 * called, and the generic plan of each statement it ran is EXPLAINed. No plan may scan all of
 * the members, their profiles, posts, likes, comments, follows, connections, notifications, chat
 * rooms, messages or read marks.
 *
 * In the PostgreSQL project only (vitest.config.ts): these are the plans of the server
 * deployments use; PGlite serves one embedded user and would take minutes to load this data.
 */
const BIG_TABLES = /Seq Scan on (users|profiles|posts|post_likes|comments|follows|connections|notifications|chat_rooms|chat_messages|chat_reads)\b/;

describe('list query plans at size M', () => {
  const statements: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  let server: TestServer;
  let mailbox: Mailbox;
  let api: RestClient;
  let token: string;
  const fixtures: Record<string, number> = {};

  beforeAll(async () => {
    const name = `cn_plans_${randomBytes(6).toString('hex')}`;
    const url = postgresUrl(name);
    await ensureDatabase(url);
    await generate({ url, size: 'M' });
    const handle = await openDatabase({ url, poolSize: 5, onQuery: (text, parameters) => statements.push({ sql: text, parameters }) });
    mailbox = await startMailbox();
    server = await startTestServer({ SMTP_URL: mailbox.url }, { handle, drop: () => dropDatabase(name) });
    api = restClient(server.url);
    const { db } = server.database;

    // A generated reader like the bench's: follows people, has a job preference; given the
    // password of a fresh sign-up so that it can sign in.
    const { rows } = await sql<{ id: number; email: string }>`
      select u.id, u.email from users u
      where u.user_type = 'learner' and exists (select 1 from job_preferences j where j.user_id = u.id)
        and (select count(*) from follows f where f.follower_id = u.id) >= 4
      order by u.id limit 1`.execute(db);
    const reader = rows[0]!;
    const fresh = await signUp(api, mailbox, uniqueEmail());
    await sql`update users set password_hash = (select password_hash from users where email = ${fresh.email}) where id = ${reader.id}`.execute(db);
    const signin = await api.post('/user/signin/', { email: reader.email, password: PASSWORD });
    expect(signin.status, JSON.stringify(signin.body)).toBe(200);
    token = signin.body.access;

    fixtures.reader = reader.id;
    fixtures.hotPost = (await sql<{ id: number }>`select id from posts where comment_count = ${HOT_COMMENTS} order by id limit 1`.execute(db)).rows[0]!.id;
    fixtures.author = (await sql<{ id: number }>`select author_id as id from posts order by id desc limit 1`.execute(db)).rows[0]!.id;
    const chat = await api.post('/chats/messages/', { user_id: fixtures.author, message: 'Hello' }, { token });
    expect(chat.status, JSON.stringify(chat.body)).toBe(201);
    fixtures.chat = chat.body.chat_id;
    fixtures.chatMessage = chat.body.message_id;
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    await mailbox?.close();
  });

  /** Query strings per path; each GET of the document is called once with each of its own. */
  const queries = (path: string): string[] => {
    const byPath: Record<string, string[]> = {
      '/user/retrieve-profile/': [`user_id=${fixtures.author}`],
      '/post/': ['', 'page=20', `post_id=${fixtures.hotPost}`],
      '/post/following/': ['', 'page=2'],
      '/post/by-user/': [`user_id=${fixtures.author}`],
      '/post/comment/': [`post_id=${fixtures.hotPost}`],
      '/connection/recommendation/': ['criteria=industry', 'criteria=location'],
      '/chats/messages/': [`chat_id=${fixtures.chat}`],
      '/notification-chat/chat/messages/': [`chat_id=${fixtures.chat}`, `chat_id=${fixtures.chat}&before=${fixtures.chatMessage}&limit=20`],
      '/notification-chat/notifications/': ['', 'page=2'],
      '/info/': ['title=tos'],
      '/info/choice-data/': ['field_name=industry'],
    };
    return byPath[path] ?? [''];
  };

  /**
   * The plan the server's connections run: they use generic plans (connect.ts), which know no
   * parameter values, so the statement is prepared and its generic plan explained.
   */
  const genericPlan = (text: string, parameters: number) =>
    server.database.db.connection().execute(async (connection) => {
      await connection.executeQuery(CompiledQuery.raw(`prepare plan_probe as ${text}`));
      try {
        const values = parameters ? `(${Array.from({ length: parameters }, () => 'null').join(', ')})` : '';
        const { rows } = await connection.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain execute plan_probe${values}`));
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      } finally {
        await connection.executeQuery(CompiledQuery.raw('deallocate plan_probe'));
      }
    });

  it('runs generic plans on PostgreSQL', async () => {
    const { rows } = await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(server.database.db);
    expect(rows[0]!.plan_cache_mode).toBe('force_generic_plan');
  });

  it('reads every GET list from indexes', async () => {
    const document = (await api.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.entries(document.paths).filter(([, operations]) => 'get' in operations).map(([path]) => path);
    expect(paths.length).toBeGreaterThan(25);
    const offenders: string[] = [];
    let explained = 0;
    for (const path of paths) {
      for (const query of queries(path)) {
        const target = query ? `${path}?${query}` : path;
        statements.length = 0;
        const response = await api.get(target, { token });
        expect([200, 404], `${target}: ${JSON.stringify(response.body)}`).toContain(response.status);
        const ran = statements.filter((statement) => /^\s*(select|with|insert|update|delete)\b/i.test(statement.sql));
        for (const statement of ran) {
          const plan = await genericPlan(statement.sql, statement.parameters.length);
          explained += 1;
          if (BIG_TABLES.test(plan)) offenders.push(`GET ${target}\n${statement.sql}\n${plan}`);
        }
      }
    }
    expect(explained).toBeGreaterThan(40);
    expect(offenders, offenders.join('\n\n')).toEqual([]);
  }, 120_000);
});
