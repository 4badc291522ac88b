import { randomBytes } from 'node:crypto';
import { CompiledQuery, openDatabase, sql } from '@careernexus/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDatabase, generate, HOT_COMMENTS } from '../../../bench/generate.js';
import { restClient, type RestClient } from './support/http.js';
import { startMailbox, type Mailbox } from './support/mailbox.js';
import { PASSWORD, signUp, uniqueEmail } from './support/flows.js';
import { dropDatabase, postgresUrl } from './support/postgres.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { SAMPLE_JOB } from './support/samples.js';
import { waiter } from './support/wait.js';
import { SEARCH_CAP } from '../../../packages/api/src/search/service.js';
import { MENTOR_SEARCH_CAP, RATING_WALK_CAP } from '../../../packages/api/src/mentors/service.js';

/**
 * Every list the API serves is read from indexes, whatever the size of the data: the server runs
 * on the bench's size-M data set (10k users, 1k of them mentors, 100k posts, 10k mentorship
 * sessions), every GET operation of the document is called, with the parameters each needs and as
 * the person each list is for (a reader, a mentee, a mentor), and the generic plan of each
 * statement it ran is EXPLAINed. No plan may scan all of the members, their profiles, posts,
 * likes, comments, follows, connections, notifications, chat rooms, messages, read marks, saved
 * mentors, sessions, invitations, job applications, saved jobs, portfolio projects, newsletter
 * subscribers or share links.
 *
 * In the PostgreSQL project only (vitest.config.ts): these are the plans of the server
 * deployments use; PGlite serves one embedded user and would take minutes to load this data.
 */
const BIG_TABLES =
  /Seq Scan on (users|profiles|posts|post_likes|comments|follows|connections|notifications|chat_rooms|chat_messages|chat_reads|saved_mentors|mentor_sessions|mentor_session_invitees|experiences|job_applications|saved_jobs|projects|support_tickets|corporate_leads|linked_accounts|organization_members|newsletter_subscribers|post_share_links)\b/;

/**
 * Who calls a list: the generated reader, a mentee with sessions, saved mentors and invitations, a
 * mentor with sessions, the poster of a popular job (a full page of applicants and more), a
 * member with a full page of support tickets, an administrator (the ticket desk, the leads), or
 * the creator of the company page with the most members.
 */
type Caller = 'reader' | 'mentee' | 'mentor' | 'poster' | 'ticketOwner' | 'admin' | 'founder';

interface Call {
  query: string;
  as?: Caller;
  /** The answer must list something, so that the statements that read the items run too. */
  filled?: boolean;
  /** A 400 is the answer (a link's token that names nothing: its lookup still runs). */
  refused?: boolean;
}

describe('list query plans at size M', () => {
  const statements: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  let server: TestServer;
  let mailbox: Mailbox;
  let api: RestClient;
  const tokens: Partial<Record<Caller, string>> = {};
  const fixtures: Record<string, number> = {};
  let shareHash = '';

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
    const signIn = async (person: { id: number; email: string }) => {
      await sql`update users set password_hash = (select password_hash from users where email = ${fresh.email}) where id = ${person.id}`.execute(
        db,
      );
      const signin = await api.post('/user/signin/', { email: person.email, password: PASSWORD });
      expect(signin.status, JSON.stringify(signin.body)).toBe(200);
      return signin.body.access as string;
    };
    tokens.reader = await signIn(reader);

    // A generated mentee whose every session list has something in it: requested, accepted and
    // completed sessions, saved mentors, and invitations to sessions still ahead.
    const mentee = (
      await sql<{ id: number; email: string }>`
        select u.id, u.email from users u
        where u.user_type = 'learner'
          and (select count(distinct s.status) from mentor_sessions s where s.mentee_id = u.id and s.status in ('PENDING', 'ACCEPTED', 'COMPLETED')) = 3
          and exists (select 1 from saved_mentors m where m.saver_id = u.id)
          and exists (select 1 from mentor_session_invitees i join mentor_sessions s on s.id = i.session_id where i.invitee_id = u.id and s.status in ('PENDING', 'ACCEPTED'))
        order by u.id limit 1`.execute(db)
    ).rows[0];
    expect(mentee, 'a generated mentee with requested, accepted and completed sessions, saved mentors and invitations').toBeDefined();
    tokens.mentee = await signIn(mentee!);
    // A generated mentor with requests, scheduled (accepted) and completed sessions, and a session
    // whose room is open (accepted, paid, begun).
    const mentor = (
      await sql<{ id: number; email: string; joinable: number }>`
        select u.id, u.email, j.id as joinable from users u
        cross join lateral (
          select s.id from mentor_sessions s
          where s.mentor_id = u.id and s.status = 'ACCEPTED' and s.is_paid and s.session_at <= now() order by s.id limit 1
        ) j
        where u.user_type = 'mentor'
          and (select count(distinct s.status) from mentor_sessions s where s.mentor_id = u.id and s.status in ('PENDING', 'ACCEPTED', 'COMPLETED')) = 3
        order by u.id limit 1`.execute(db)
    ).rows[0];
    expect(mentor, 'a generated mentor with requested, scheduled and completed sessions, and one begun').toBeDefined();
    tokens.mentor = await signIn(mentor!);
    fixtures.joinable = mentor!.joinable;

    // The poster of the job with the most applicants (generate.ts's popular jobs: 200 or more at
    // M), and a member with more than a page of portfolio projects.
    const popular = (
      await sql<{ id: number; email: string; job: number }>`
        select u.id, u.email, a.job_id as job from users u join jobs j on j.poster_id = u.id
        join (select job_id, count(*) as n from job_applications group by job_id order by n desc, job_id limit 1) a on a.job_id = j.id`.execute(
        db,
      )
    ).rows[0];
    expect(popular, 'a generated job with applicants').toBeDefined();
    tokens.poster = await signIn(popular!);
    fixtures.popularJob = popular!.job;
    fixtures.portfolioOwner = (
      await sql<{
        id: number;
      }>`select owner_id as id from projects group by owner_id having count(*) > 10 order by owner_id limit 1`.execute(db)
    ).rows[0]!.id;

    // A generated member with more than a page of support tickets, and an administrator (the
    // fresh account, promoted as `pnpm run set-role` would).
    tokens.ticketOwner = await signIn(
      (
        await sql<{ id: number; email: string }>`
          select u.id, u.email from users u
          where u.id = (select user_id from support_tickets group by user_id having count(*) > 10 order by user_id limit 1)`.execute(db)
      ).rows[0]!,
    );
    await sql`update users set role = 'admin' where email = ${fresh.email}`.execute(db);
    tokens.admin = (await api.post('/user/signin/', { email: fresh.email, password: PASSWORD })).body.access;
    // The company page with the most accepted members (generate.ts's organizations), and its creator.
    const company = (
      await sql<{ id: number; founder: number; email: string }>`
        select o.organization_id as id, l.main_account_id as founder, u.email from (
          select organization_id, count(*) as n from organization_members where status = 'accepted' group by organization_id order by n desc, organization_id limit 1
        ) o join linked_accounts l on l.child_id = o.organization_id join users u on u.id = l.main_account_id`.execute(db)
    ).rows[0];
    expect(company, 'a generated company page with members').toBeDefined();
    fixtures.company = company!.id;
    tokens.founder = await signIn({ id: company!.founder, email: company!.email });

    fixtures.reader = reader.id;
    fixtures.hotPost = (
      await sql<{ id: number }>`select id from posts where comment_count = ${HOT_COMMENTS} order by id limit 1`.execute(db)
    ).rows[0]!.id;
    fixtures.author = (await sql<{ id: number }>`select author_id as id from posts order by id desc limit 1`.execute(db)).rows[0]!.id;
    const chat = await api.post('/chats/messages/', { user_id: fixtures.author, message: 'Hello' }, { token: tokens.reader });
    expect(chat.status, JSON.stringify(chat.body)).toBe(201);
    fixtures.chat = chat.body.chat_id;
    fixtures.chatMessage = chat.body.message_id;
    // A job of the reader's with one application, for its applicants list.
    const job = await api.post('/job/', SAMPLE_JOB, { token: tokens.reader });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    fixtures.readerJob = job.body.id;
    expect((await api.post('/job/apply/', { job: job.body.id }, { token: tokens.mentee })).status).toBe(200);
    // The reader subscribes to the newsletter (30 % of the generated members are) and shares the hot post.
    await sql`insert into newsletter_subscribers (user_id, confirmed_at) values (${reader.id}, now()) on conflict do nothing`.execute(db);
    const shared = await api.post('/post/share/', { post: fixtures.hotPost }, { token: tokens.reader });
    expect(shared.status, JSON.stringify(shared.body)).toBe(201);
    shareHash = shared.body.post_hash;
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    await mailbox?.close();
  });

  /**
   * The calls per path: each GET of the document is called once with each query string of its
   * own (by the reader unless said). A path not listed is called once, bare, by the reader.
   */
  const calls = (path: string): Call[] => {
    const byPath: Record<string, Array<string | Call>> = {
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
      '/job/': ['', 'status=draft'],
      '/job/application/': [
        `job_id=${fixtures.readerJob}`,
        { query: `job_id=${fixtures.popularJob}`, as: 'poster', filled: true },
        { query: `job_id=${fixtures.popularJob}&page=2`, as: 'poster', filled: true },
      ],
      // The generated reader applied for 1 to 4 jobs and saved 1 to 4.
      '/job/apply/': [{ query: '', filled: true }],
      '/job/save/': [{ query: '', filled: true }],
      '/user/organization-members/': [
        { query: `organization=${fixtures.company}`, filled: true },
        { query: `organization=${fixtures.company}&page=2`, filled: true },
        { query: `organization=${fixtures.company}&status=invited`, as: 'founder', filled: true },
      ],
      '/user/linked-accounts/': [{ query: '', as: 'founder', filled: true }],
      '/project/': [
        { query: `user_id=${fixtures.portfolioOwner}`, filled: true },
        { query: `user_id=${fixtures.portfolioOwner}&page=2`, filled: true },
      ],
      // Mentors of the reader's industry, best rated first; search by text (trigrams), by skills
      // (the array index), by both with the other filters, and with no filter (every mentor).
      '/mentor/recommendation/': [
        { query: '', filled: true },
        { query: 'page=2', filled: true },
      ],
      '/mentor/search/': [
        { query: 'text=python', filled: true },
        { query: 'text=Leadership', filled: true },
        { query: 'skills=Excel', filled: true },
        { query: 'skills=python,sql', filled: true },
        { query: 'text=supply&skills=Supply%20Chain&experience_level=executive&availability=weekdays', filled: true },
        { query: '', filled: true },
      ],
      // People by a name beginning (the names' trigrams), a company (career records') and a bio word.
      '/user/search/': [
        { query: 'keyword=ngo', filled: true },
        { query: 'keyword=flutterwave', filled: true },
        { query: 'keyword=learning', filled: true },
      ],
      '/mentor/save/': [{ query: '', as: 'mentee', filled: true }],
      // The newest newsletter and archive pages (primary key), for a subscriber; a share page (its hash's unique index).
      '/newsletter/': ['', 'page=2', 'page=last'],
      '/post/share/': [`hash=${shareHash}`],
      '/newsletter/confirm/': [{ query: 'token=no-such-token', refused: true }],
      '/newsletter/unsubscribe/one-click/': [{ query: 'token=1.00000000000000000000000000000000', refused: true }],
      '/post/by-mentors/': [
        { query: '', filled: true },
        { query: 'page=3', filled: true },
      ],
      // Each list of sessions for whom it exists: a mentee's requests, accepted and completed
      // sessions; a mentor's requests, scheduled and completed sessions.
      '/mentor/sessions/': [
        ...['requested', 'accepted', 'completed'].map((status) => ({ query: `status=${status}`, as: 'mentee' as const, filled: true })),
        ...['requested', 'scheduled', 'completed'].map((status) => ({ query: `status=${status}`, as: 'mentor' as const, filled: true })),
      ],
      '/mentor/sessions/invited/': [{ query: '', as: 'mentee', filled: true }],
      '/mentor/session/join/': [{ query: `session=${fixtures.joinable}`, as: 'mentor' }],
      // A mentor's own (the generated data has no payments: empty here).
      '/mentor/vault/': [{ query: '', as: 'mentor' }],
      '/mentor/vault/transactions/': [{ query: '', as: 'mentor' }],
      // A member's own tickets; the administrators' desk with each filter; the leads.
      '/user/disputes/': [
        { query: '', as: 'ticketOwner', filled: true },
        { query: 'status=resolved', as: 'ticketOwner' },
      ],
      '/user/admin/disputes/': [
        { query: '', as: 'admin', filled: true },
        { query: 'page=30', as: 'admin', filled: true },
        { query: 'status=pending', as: 'admin', filled: true },
        { query: 'priority=urgent', as: 'admin', filled: true },
        { query: 'category=payment', as: 'admin', filled: true },
        { query: 'status=resolved&priority=low&category=account', as: 'admin', filled: true },
      ],
      '/user/admin/disputes/summary/': [{ query: '', as: 'admin' }],
      '/user/lead/register/': [
        { query: '', as: 'admin', filled: true },
        { query: 'page=5', as: 'admin', filled: true },
      ],
    };
    return (byPath[path] ?? ['']).map((call) => (typeof call === 'string' ? { query: call } : call));
  };

  /** The items of a list's answer: a page's results or a bare array. */
  const itemsOf = (body: unknown): unknown[] | undefined =>
    Array.isArray(body)
      ? body
      : Array.isArray((body as { results?: unknown } | null)?.results)
        ? (body as { results: unknown[] }).results
        : undefined;

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

  /** A parameter as an SQL literal, for EXPLAIN ANALYZE EXECUTE (which takes no bind parameters). */
  const literal = (value: unknown): string => {
    if (value === null || value === undefined) return 'null';
    if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
    if (Array.isArray(value)) return `array[${value.map(literal).join(', ')}]`;
    const text = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : JSON.stringify(value);
    return `'${text.replaceAll("'", "''")}'`;
  };

  interface PlanNode {
    'Node Type': string;
    'Index Name'?: string;
    'Relation Name'?: string;
    'Actual Rows'?: number;
    'Actual Loops'?: number;
    'Rows Removed by Filter'?: number;
    'Rows Removed by Index Recheck'?: number;
    Plans?: PlanNode[];
  }

  /** The generic plan run with the statement's own parameters: its scans, each with the rows it read. */
  const analyzedScans = (text: string, parameters: readonly unknown[]) =>
    server.database.db.connection().execute(async (connection) => {
      await connection.executeQuery(CompiledQuery.raw(`prepare plan_probe as ${text}`));
      try {
        const values = parameters.length ? `(${parameters.map(literal).join(', ')})` : '';
        const { rows } = await connection.executeQuery<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
          CompiledQuery.raw(`explain (analyze, format json) execute plan_probe${values}`),
        );
        const scans: Array<{ node: string; index?: string; relation?: string; read: number }> = [];
        const visit = (node: PlanNode) => {
          if (/Scan/.test(node['Node Type']) && (node['Index Name'] || node['Relation Name'])) {
            const loops = node['Actual Loops'] ?? 1;
            const read =
              ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * loops;
            scans.push({ node: node['Node Type'], index: node['Index Name'], relation: node['Relation Name'], read });
          }
          node.Plans?.forEach(visit);
        };
        visit(rows[0]!['QUERY PLAN'][0]!.Plan);
        return scans;
      } finally {
        await connection.executeQuery(CompiledQuery.raw('deallocate plan_probe'));
      }
    });

  /** The scans of every read among the statements (selects), each run with its own parameters. */
  const scansOf = async (ran: typeof statements) => {
    const reads = ran.filter((statement) => /^\s*(select|with)\b/i.test(statement.sql));
    return (await Promise.all(reads.map((statement) => analyzedScans(statement.sql, statement.parameters)))).flat();
  };

  it('runs generic plans on PostgreSQL', async () => {
    const { rows } = await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(server.database.db);
    expect(rows[0]!.plan_cache_mode).toBe('force_generic_plan');
  });

  /**
   * The unread-message e-mail sweep every process runs (settings/notices.ts, at start and every
   * MESSAGE_MAIL_INTERVAL) reads the messages of its time window from chat_messages_by_time, and
   * the rooms, members and read marks by their keys: its cost follows the window, not the tables.
   * Its statement is taken from those the server ran since it started (the GET test below clears them).
   */
  it('sweeps unseen chat messages from the time index', async () => {
    const sweep = await waiter().until(
      () => statements.find((statement) => /from chat_messages m\s+where m.created_at >/.test(statement.sql)),
      45_000,
      () => 'the server ran no unread-message sweep',
    );
    const plan = await genericPlan(sweep.sql, sweep.parameters.length);
    expect(plan, plan).toMatch(/chat_messages_by_time/);
    expect(plan, plan).not.toMatch(BIG_TABLES);
  }, 60_000);

  it('reads every GET list from indexes', async () => {
    const document = (await api.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.entries(document.paths)
      .filter(([, operations]) => 'get' in operations)
      .map(([path]) => path);
    expect(paths.length).toBeGreaterThan(25);
    for (const list of [
      '/mentor/recommendation/',
      '/mentor/search/',
      '/mentor/save/',
      '/post/by-mentors/',
      '/mentor/sessions/',
      '/mentor/sessions/invited/',
      '/user/search/',
      '/job/application/',
      '/job/apply/',
      '/job/save/',
      '/project/',
      '/user/disputes/',
      '/user/admin/disputes/',
      '/user/lead/register/',
      '/user/organization-members/',
      '/user/linked-accounts/',
      '/newsletter/',
    ])
      expect(paths).toContain(list);
    const offenders: string[] = [];
    let explained = 0;
    for (const path of paths) {
      for (const { query, as = 'reader', filled, refused } of calls(path)) {
        const target = query ? `${path}?${query}` : path;
        statements.length = 0;
        const response = await api.get(target, { token: tokens[as] });
        expect(refused ? [400] : [200, 404], `${target} (${as}): ${JSON.stringify(response.body)}`).toContain(response.status);
        if (filled)
          expect(itemsOf(response.body)?.length, `${target} (${as}) lists nothing: ${JSON.stringify(response.body)}`).toBeGreaterThan(0);
        const ran = statements.filter((statement) => /^\s*(select|with|insert|update|delete)\b/i.test(statement.sql));
        for (const statement of ran) {
          const plan = await genericPlan(statement.sql, statement.parameters.length);
          explained += 1;
          if (BIG_TABLES.test(plan)) offenders.push(`GET ${target} (${as})\n${statement.sql}\n${plan}`);
        }
      }
    }
    expect(explained).toBeGreaterThan(40);
    expect(offenders, offenders.join('\n\n')).toEqual([]);
  }, 120_000);

  /**
   * Mentor lists are read from the mentor-only indexes of profiles in rating order: a
   * recommendation page reads its few entries from the industry's part of the index (page 2: 8
   * entries), its count the industry's part alone; a search reads at most MENTOR_SEARCH_CAP
   * matches from the trigram or skills index, never every mentor (1,000 at M) nor the users table
   * beyond primary keys. With fewer matches (`python`, 23 at M) the rating index is not walked at
   * all; with the cap reached (`Leadership`, 159 at M, one mentor in six) the page's matches are
   * found by walking the rating index: page 1 reads a few dozen entries, page 10 its 100 matches'
   * worth, never more than RATING_WALK_CAP. Each statement's generic plan is run with its own
   * parameters (EXPLAIN ANALYZE) to count the rows each scan read.
   */
  it.each([
    { query: '/mentor/recommendation/', index: 'profiles_mentors_by_industry', page: 4 },
    { query: '/mentor/recommendation/?page=2', index: 'profiles_mentors_by_industry', page: 8 },
    { query: '/mentor/search/?text=python', index: 'profiles_search_text', walked: 0 },
    { query: '/mentor/search/?text=Leadership', index: 'profiles_search_text', capped: true, walked: 100 },
    { query: '/mentor/search/?text=Leadership&page=10', index: 'profiles_search_text', capped: true, walked: RATING_WALK_CAP },
    { query: '/mentor/search/?skills=python,sql', index: 'profiles_skills_folded', walked: 0 },
  ])('$query reads the mentor index, not every mentor', async ({ query, index, page, capped, walked }) => {
    const { db } = server.database;
    const mentors = (await sql<{ n: number }>`select count(*)::int as n from users where user_type = 'mentor' and is_active`.execute(db))
      .rows[0]!.n;
    statements.length = 0;
    const response = await api.get(query, { token: tokens.reader });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.results.length).toBeGreaterThan(0);
    const listed = response.body.count as number;
    expect(listed).toBeLessThan(mentors / 2);
    if (capped) expect(listed).toBe(MENTOR_SEARCH_CAP);
    const scans = await scansOf(statements);
    const described = JSON.stringify(scans);
    const onIndex = scans.filter((scan) => scan.index === index);
    expect(onIndex.length, described).toBeGreaterThan(0);
    expect(
      scans.some((scan) => scan.index === 'users_mentors_by_industry'),
      described,
    ).toBe(false);
    // No scan of members or profiles reads more than the list's own mentors: its count (the
    // matches, or the industry's mentors), with a margin for the trigram index's false positives.
    // A search's walk in rating order is bounded below instead.
    const ofMembers = scans.filter(
      (scan) =>
        /^(profiles|users)/.test(scan.relation ?? scan.index ?? '') &&
        !(walked !== undefined && scan.index === 'profiles_mentors_by_rating'),
    );
    for (const scan of ofMembers)
      expect(scan.read, `${scan.node} ${scan.index ?? scan.relation}: ${described}`).toBeLessThanOrEqual(Math.max(2 * listed, 60));
    // The page itself: its entries of the industry's index, one more for the reader if listed.
    if (page) expect(Math.min(...onIndex.map((scan) => scan.read)), described).toBeLessThanOrEqual(page + 1);
    // A search's walk in rating order: only once the cap is reached, and only as far as its page.
    if (walked !== undefined) {
      const walks = scans.filter((scan) => scan.index === 'profiles_mentors_by_rating');
      expect(walks.length, described).toBeGreaterThan(0);
      for (const walk of walks) expect(walk.read, described).toBeLessThanOrEqual(walked);
      if (walked > 0) expect(Math.max(...walks.map((walk) => walk.read)), described).toBeGreaterThan(0);
    }
  });

  /**
   * People search reads its candidates from the trigram indexes of migration 0015: the names
   * first, up to SEARCH_CAP; the bio, qualification and summary (up to SEARCH_CAP) and the
   * companies of career records (up to twice as many records) only when names fill less than the
   * cap. No scan of members, profiles or career records reads more rows than that (with a margin
   * for the trigram indexes' false positives), however many people match; `ngo` fills the cap
   * from names, so the other indexes give nothing. `learning` is in nine bios in ten: the count
   * stops at the cap. What is not bounded, and grows with the data: the bitmap index scans, which
   * collect every match of the keyword's trigrams before any row is read (bench/RESULTS.md,
   * "people search").
   */
  it.each([
    { query: '/user/search/?keyword=ngo', index: 'profiles_people_name', namesOnly: true },
    { query: '/user/search/?keyword=flutterwave', index: 'experiences_organization_folded' },
    { query: '/user/search/?keyword=data%20science', index: 'profiles_people_text' },
    { query: '/user/search/?keyword=learning', index: 'profiles_people_text', capped: true },
  ])('$query reads the people search indexes', async ({ query, index, capped, namesOnly }) => {
    statements.length = 0;
    const response = await api.get(query, { token: tokens.reader });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.results.length).toBe(4);
    if (capped) expect(response.body.count).toBe(SEARCH_CAP);
    const scans = await scansOf(statements);
    const described = JSON.stringify(scans);
    expect(
      scans.some((scan) => scan.index === index),
      described,
    ).toBe(true);
    const ofPeople = scans.filter(
      (scan) => scan.node !== 'Bitmap Index Scan' && /^(profiles|users|experiences)/.test(scan.relation ?? scan.index ?? ''),
    );
    for (const scan of ofPeople) {
      expect(scan.node, described).not.toBe('Seq Scan');
      expect(scan.read, `${scan.node} ${scan.index ?? scan.relation}: ${described}`).toBeLessThanOrEqual(3 * SEARCH_CAP);
    }
    if (namesOnly) {
      const elsewhere = scans.filter((scan) => /people_text|organization_folded/.test(scan.index ?? '') || scan.relation === 'experiences');
      expect(
        elsewhere.every((scan) => scan.read === 0),
        described,
      ).toBe(true);
    }
  });
  /**
   * The job, portfolio and organization lists read one person's (or one job's) entries of their own indexes: a
   * page of a popular job's applicants its 10 newest entries of job_applications_by_job (its count
   * every entry of the job, from the index alone), the caller's applications and saved jobs their
   * own entries, a portfolio page its entries of projects_by_owner, a company's members (and their
   * count) its entries of organization_members_by_status, linked accounts the caller's links. No scan of these tables reads
   * more than the list's own rows, whatever the size of the tables.
   */
  it.each<{ query: () => string; as: Caller; table: string; index: string }>([
    {
      query: (): string => `/job/application/?job_id=${fixtures.popularJob}`,
      as: 'poster' as const,
      table: 'job_applications',
      index: 'job_applications_by_job',
    },
    { query: (): string => '/job/apply/', as: 'reader' as const, table: 'job_applications', index: 'job_applications_by_applicant' },
    { query: (): string => '/job/save/', as: 'reader' as const, table: 'saved_jobs', index: 'saved_jobs_pkey' },
    {
      query: (): string => `/project/?user_id=${fixtures.portfolioOwner}`,
      as: 'reader' as const,
      table: 'projects',
      index: 'projects_by_owner',
    },
    {
      query: (): string => `/user/organization-members/?organization=${fixtures.company}`,
      as: 'reader' as const,
      table: 'organization_members',
      index: 'organization_members_by_status',
    },
    { query: (): string => '/user/linked-accounts/', as: 'founder' as const, table: 'linked_accounts', index: 'linked_accounts_pkey' },
    { query: (): string => '/user/disputes/', as: 'ticketOwner' as const, table: 'support_tickets', index: 'support_tickets_by_user' },
  ])('$index serves its list, reading only its own rows', async ({ query, as, table, index }) => {
    statements.length = 0;
    const response = await api.get(query(), { token: tokens[as] });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const items = itemsOf(response.body) ?? [];
    expect(items.length).toBeGreaterThan(0);
    const listed = typeof response.body.count === 'number' ? (response.body.count as number) : items.length;
    const scans = await scansOf(statements);
    const described = JSON.stringify(scans);
    expect(
      scans.some((scan) => scan.index === index),
      described,
    ).toBe(true);
    const ofTable = scans.filter((scan) => scan.relation === table || scan.index?.startsWith(table));
    for (const scan of ofTable) {
      expect(scan.node, described).not.toBe('Seq Scan');
      expect(scan.read, `${scan.node} ${scan.index ?? scan.relation}: ${described}`).toBeLessThanOrEqual(listed);
    }
  });
});
