/**
 * What `pnpm bench` (run.ts) puts under load: one scenario per route, each a list of requests a
 * connection cycles through and a check of one sample response. See README.md, "Scenarios".
 */
import type autocannon from 'autocannon';
import { required } from '../packages/api/src/invariant.js';
import { HOT_COMMENTS, HOT_MESSAGES } from './generate.js';

export const SIGNIN_EMAIL = 'signin@bench.test';
export const SIGNIN_PASSWORD = 'Bench-Passw0rd';

/** Conversation pages per request (the route's default). */
const CONVERSATION_PAGE = 50;

interface Reader {
  id: number;
  industry: string;
  token: string;
}

export interface Fixtures {
  readers: Reader[];
  /** Like the readers, but each in two to four chat rooms, none of them hot. */
  chatReaders: Reader[];
  /** The hot rooms (HOT_MESSAGES messages each), each with a member's token. */
  hotRooms: Array<{ id: number; reader: number; token: string }>;
  likers: string[];
  profileTargets: number[];
  hotPosts: number[];
  likedPosts: number[];
  /** The POPULAR_JOBS jobs with the most applicants (a full page or more), each with its poster's token. */
  popularJobs: Array<{ id: number; poster: number; token: string }>;
  /** Up to 64 members with a full page of portfolio projects or more. */
  portfolioOwners: number[];
  /** The tokens of up to 64 members with a full page of support tickets or more. */
  ticketOwners: string[];
  /** An administrator's token, for the ticket desk. */
  adminToken: string;
  /** Up to 64 company pages with more than a page of members, the biggest first. */
  organizations: number[];
  /** Tokens of up to 64 members subscribed to the newsletter. */
  newsletterReaders: string[];
  signinUser: number;
}

type Request = autocannon.Request;

export interface Scenario {
  name: string;
  route: string;
  kind: 'ceiling' | 'read' | 'write' | 'signin';
  /** The requests one connection cycles through; `client` counts connections over warm-up and run. */
  requests(client: number): Request[];
  /** A problem with a sample response, or undefined. */
  check?(status: number, body: unknown): string | undefined;
}

const POST_BODIES = [
  'Shipped a new release of our TypeScript API today: PostgreSQL indexes everywhere, latency down by half.',
  'Our farm cooperative is hiring two agronomists for the rainy season. Irrigation experience is a plus.',
  'Nurses and doctors at the teaching hospital ran a free screening day for three hundred patients.',
  'Interest rates went up again this week; what does it mean for small business loans?',
  'Looking for mentors in product management. Happy to trade a coffee for an hour of advice.',
];

/**
 * What `mentor-search` looks for: skills, areas and job words, each in 2 to 20 % of the mentors
 * (generate.ts's vocabularies; about 9 % on average), so that the matches grow with the data as a
 * real search's would. The first one is the sample request's.
 */
const MENTOR_SEARCH_WORDS = [
  'leadership',
  'python',
  'marketing',
  'nursing',
  'excel',
  'agronomy',
  'interview',
  'journalism',
  'engineer',
  'sql',
  'video editing',
  'teacher',
  'analyst',
  'autocad',
  'manager',
  'sales',
];

/**
 * What `search` (people search) looks for: name beginnings, names and companies of generate.ts's
 * vocabularies, each in about 5 to 15 % of the members (a first or last name is 1 in 20, a company
 * 1 in 15 of the career records), so that the matches grow with the data until the search's cap.
 * The first one is the sample request's.
 */
const PEOPLE_SEARCH_WORDS = ['ngo', 'ade', 'okafor', 'tun', 'mensah', 'chi', 'flutterwave', 'kwa', 'andela', 'bello', 'paystack', 'zainab'];

const json = { 'content-type': 'application/json' };
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
/** `items` rotated so that connection `client` starts at its own place. */
const rotate = <T>(items: readonly T[], client: number, stride = 1): T[] => {
  const start = (client * stride) % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
};
const lengthOf = (body: unknown) => (Array.isArray(body) ? body.length : typeof body);

/** The scenarios in the order they run; the ceiling first, as the others are measured against it. */
export function scenarios(fixtures: Fixtures): Scenario[] {
  const readerTokens = fixtures.readers.map((reader) => reader.token);
  /** Reader `n` modulo their number, so that requests after the first go to the next readers. */
  const readerToken = (n: number) => required(readerTokens[n % readerTokens.length], 'a reader token');
  /** A GET of `path` by every reader in turn, from the connection's own place. */
  const byEveryReader = (path: string) => (client: number) =>
    rotate(readerTokens, client).map((token): Request => ({ method: 'GET', path, headers: auth(token) }));
  return [
    { name: 'ceiling', route: 'GET /healthz', kind: 'ceiling', requests: () => [{ method: 'GET', path: '/healthz' }] },
    ...postReadScenarios(fixtures, byEveryReader, readerToken),
    ...recommendationScenarios(byEveryReader, readerToken),
    ...inboxScenarios(fixtures, byEveryReader),
    ...jobAndPortfolioScenarios(fixtures, byEveryReader, readerToken),
    ...supportScenarios(fixtures),
    ...writeScenarios(fixtures, readerTokens),
    signinScenario(),
  ];
}

type EveryReader = (path: string) => (client: number) => Request[];

function postReadScenarios(fixtures: Fixtures, byEveryReader: EveryReader, readerToken: (n: number) => string): Scenario[] {
  return [
    { name: 'feed', route: 'GET /post/', kind: 'read', requests: byEveryReader('/post/'), check: expectPage(10) },
    { name: 'following', route: 'GET /post/following/', kind: 'read', requests: byEveryReader('/post/following/'), check: expectPage(1) },
    {
      name: 'profile',
      route: 'GET /user/retrieve-profile/?user_id=',
      kind: 'read',
      requests: (client) =>
        rotate(fixtures.profileTargets, client, 7).map((target, i) => ({
          method: 'GET',
          path: `/user/retrieve-profile/?user_id=${target}`,
          headers: auth(readerToken(client + i)),
        })),
      check: (status, body) =>
        status !== 200 ? `status ${status}` : typeof (body as { first_name?: unknown })?.first_name === 'string' ? undefined : 'no profile',
    },
    {
      name: 'comments',
      route: `GET /post/comment/?post_id= (${HOT_COMMENTS})`,
      kind: 'read',
      requests: (client) =>
        rotate(fixtures.hotPosts, client).map((post, i) => ({
          method: 'GET',
          path: `/post/comment/?post_id=${post}`,
          headers: auth(readerToken(client + i)),
        })),
      check: (status, body) =>
        status !== 200
          ? `status ${status}`
          : Array.isArray(body) && body.length === HOT_COMMENTS
            ? undefined
            : `expected ${HOT_COMMENTS} comments, got ${lengthOf(body)}`,
    },
  ];
}

function recommendationScenarios(byEveryReader: EveryReader, readerToken: (n: number) => string): Scenario[] {
  return [
    {
      name: 'connections',
      route: 'GET /connection/recommendation/?criteria=industry',
      kind: 'read',
      requests: byEveryReader('/connection/recommendation/?criteria=industry'),
      check: expectPage(10),
    },
    { name: 'jobs', route: 'GET /job/recommend/', kind: 'read', requests: byEveryReader('/job/recommend/'), check: expectPage(1) },
    {
      name: 'mentors',
      route: 'GET /mentor/recommendation/',
      kind: 'read',
      // Page 1 (4 mentors) of the reader's industry's mentors, best rated first.
      requests: byEveryReader('/mentor/recommendation/'),
      check: checkMentorPage,
    },
    {
      name: 'mentor-search',
      route: 'GET /mentor/search/?text=',
      kind: 'read',
      // Every connection walks the words from its own place, each request by the next reader.
      requests: (client) =>
        rotate(MENTOR_SEARCH_WORDS, client, 5).map((word, i) => ({
          method: 'GET',
          path: `/mentor/search/?text=${encodeURIComponent(word)}`,
          headers: auth(readerToken(client + i)),
        })),
      check: expectPage(1),
    },
    {
      name: 'search',
      route: 'GET /user/search/?keyword=',
      kind: 'read',
      // Every connection walks the words from its own place, each request by the next reader.
      requests: (client) =>
        rotate(PEOPLE_SEARCH_WORDS, client, 5).map((word, i) => ({
          method: 'GET',
          path: `/user/search/?keyword=${encodeURIComponent(word)}`,
          headers: auth(readerToken(client + i)),
        })),
      check: expectPage(4),
    },
  ];
}

function inboxScenarios(fixtures: Fixtures, byEveryReader: EveryReader): Scenario[] {
  return [
    {
      name: 'notifications',
      route: 'GET /notification-chat/notifications/',
      kind: 'read',
      requests: byEveryReader('/notification-chat/notifications/'),
      check: checkNotificationPage,
    },
    {
      name: 'chats',
      route: 'GET /notification-chat/chats/',
      kind: 'read',
      requests: (client) =>
        rotate(fixtures.chatReaders, client).map((reader) => ({
          method: 'GET',
          path: '/notification-chat/chats/',
          headers: auth(reader.token),
        })),
      check: checkRoomList,
    },
    {
      name: 'conversation',
      route: `GET /notification-chat/chat/messages/?chat_id= (${HOT_MESSAGES})`,
      kind: 'read',
      // The newest page of a hot room, as opening the chat reads it (and marks it read).
      requests: (client) =>
        rotate(fixtures.hotRooms, client).map((room) => ({
          method: 'GET',
          path: `/notification-chat/chat/messages/?chat_id=${room.id}`,
          headers: auth(room.token),
        })),
      check: checkConversationPage,
    },
  ];
}

/** Page size of the applicants and portfolio lists (their default). */
const LIST_PAGE = 10;

function jobAndPortfolioScenarios(fixtures: Fixtures, byEveryReader: EveryReader, readerToken: (n: number) => string): Scenario[] {
  return [
    {
      name: 'applicants',
      route: 'GET /job/application/?job_id=',
      kind: 'read',
      // Page 1 of a popular job's applicants, read by its poster.
      requests: (client) =>
        rotate(fixtures.popularJobs, client).map((job) => ({
          method: 'GET',
          path: `/job/application/?job_id=${job.id}`,
          headers: auth(job.token),
        })),
      check: checkApplicantPage,
    },
    {
      name: 'my-applications',
      route: 'GET /job/apply/',
      kind: 'read',
      requests: byEveryReader('/job/apply/'),
      check: checkMyApplications,
    },
    { name: 'saved-jobs', route: 'GET /job/save/', kind: 'read', requests: byEveryReader('/job/save/'), check: checkSavedJobs },
    {
      name: 'portfolio',
      route: 'GET /project/?user_id=',
      kind: 'read',
      // Page 1 of a member's projects (a full page), each request by the next reader.
      requests: (client) =>
        rotate(fixtures.portfolioOwners, client, 7).map((owner, i) => ({
          method: 'GET',
          path: `/project/?user_id=${owner}`,
          headers: auth(readerToken(client + i)),
        })),
      check: checkPortfolioPage,
    },
    {
      name: 'org-members',
      route: 'GET /user/organization-members/?organization=',
      kind: 'read',
      // Page 1 of a company page's members, each request by the next reader.
      requests: (client) =>
        rotate(fixtures.organizations, client, 7).map((organization, i) => ({
          method: 'GET',
          path: `/user/organization-members/?organization=${organization}`,
          headers: auth(readerToken(client + i)),
        })),
      check: checkMembersPage,
    },
    {
      name: 'newsletters',
      route: 'GET /newsletter/',
      kind: 'read',
      // The newest newsletter and a page of the archive, pages 1 and 2 in turn, each request by the next subscriber.
      requests: (client) =>
        rotate(fixtures.newsletterReaders, client).map((token, i) => ({
          method: 'GET',
          path: i % 2 ? '/newsletter/?page=2' : '/newsletter/',
          headers: auth(token),
        })),
      check: checkNewsletters,
    },
  ];
}

/** The administrators' ticket filters, in turn: none, each alone, and two together. */
const TICKET_DESK_QUERIES = ['', '?status=pending', '?priority=urgent', '?category=payment', '?status=resolved&category=account'];

function supportScenarios(fixtures: Fixtures): Scenario[] {
  return [
    {
      name: 'my-disputes',
      route: 'GET /user/disputes/',
      kind: 'read',
      // Page 1 of a member's own tickets (a full page), each request by the next owner.
      requests: (client) =>
        rotate(fixtures.ticketOwners, client).map((token) => ({ method: 'GET', path: '/user/disputes/', headers: auth(token) })),
      check: expectPage(LIST_PAGE),
    },
    {
      name: 'admin-disputes',
      route: 'GET /user/admin/disputes/',
      kind: 'read',
      requests: (client) =>
        rotate(TICKET_DESK_QUERIES, client).map((query) => ({
          method: 'GET',
          path: `/user/admin/disputes/${query}`,
          headers: auth(fixtures.adminToken),
        })),
      check: expectPage(LIST_PAGE),
    },
  ];
}

function writeScenarios(fixtures: Fixtures, readerTokens: string[]): Scenario[] {
  return [
    {
      name: 'post',
      route: 'POST /post/ (JSON)',
      kind: 'write',
      requests: (client) =>
        rotate(readerTokens, client).map((token, i) => ({
          method: 'POST',
          path: '/post/',
          headers: { ...auth(token), ...json },
          body: JSON.stringify({ body: POST_BODIES[(client + i) % POST_BODIES.length] }),
        })),
      check: (status) => (status === 201 ? undefined : `status ${status}`),
    },
    {
      name: 'like',
      route: 'POST /post/like/',
      kind: 'write',
      // One liker per connection, each walking the newest posts from its own place: real new likes throughout.
      requests: (client) => {
        const token = required(fixtures.likers[client % fixtures.likers.length], 'a liker token');
        // 400 per connection is more than a connection sends in a run here; building many more request buffers slows autocannon itself.
        return rotate(fixtures.likedPosts, client, 157)
          .slice(0, 400)
          .map((post) => ({ method: 'POST', path: '/post/like/', headers: { ...auth(token), ...json }, body: JSON.stringify({ post }) }));
      },
      check: (status) => (status === 201 ? undefined : `status ${status}`),
    },
  ];
}

function signinScenario(): Scenario {
  return {
    name: 'signin',
    route: 'POST /user/signin/ (argon2)',
    kind: 'signin',
    requests: () => [
      { method: 'POST', path: '/user/signin/', headers: json, body: JSON.stringify({ email: SIGNIN_EMAIL, password: SIGNIN_PASSWORD }) },
    ],
    check: (status, body) =>
      status === 200 && typeof (body as { access?: unknown })?.access === 'string' ? undefined : `status ${status}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Checks of a sample response

function expectPage(minimum: number) {
  return (status: number, body: unknown) => {
    const results = (body as { results?: unknown[] } | null)?.results;
    if (status !== 200) return `status ${status}`;
    if (!Array.isArray(results) || results.length < minimum)
      return `expected a page of at least ${minimum}, got ${Array.isArray(results) ? results.length : typeof body}`;
    return undefined;
  };
}

/** The first result of a page that `expectPage` accepted (so there is one). */
const firstResult = (body: unknown) =>
  required((body as { results: Array<Record<string, unknown>> }).results[0], 'the first result of a page');

function checkMentorPage(status: number, body: unknown): string | undefined {
  const problem = expectPage(4)(status, body);
  if (problem) return problem;
  const first = firstResult(body);
  return typeof first.rating === 'number' && typeof first.session_rate === 'string' && Array.isArray(first.technical_skills)
    ? undefined
    : `not a mentor card: ${JSON.stringify(first)}`;
}

function checkNotificationPage(status: number, body: unknown): string | undefined {
  const problem = expectPage(5)(status, body);
  if (problem) return problem;
  const first = firstResult(body);
  return typeof first.id === 'number' &&
    typeof first.text === 'string' &&
    typeof first.timestamp === 'string' &&
    'page' in first &&
    'route' in first
    ? undefined
    : `not a notification: ${JSON.stringify(first)}`;
}

function checkApplicantPage(status: number, body: unknown): string | undefined {
  const problem = expectPage(LIST_PAGE)(status, body);
  if (problem) return problem;
  const first = firstResult(body);
  return typeof first.id === 'number' && typeof first.status === 'string' && typeof first.applied_at === 'string'
    ? undefined
    : `not an application: ${JSON.stringify(first)}`;
}

function checkMyApplications(status: number, body: unknown): string | undefined {
  if (status !== 200) return `status ${status}`;
  if (!Array.isArray(body) || body.length < 1) return `expected an application or more, got ${lengthOf(body)}`;
  const first = body[0] as { status?: unknown; job?: { id?: unknown } };
  return typeof first.status === 'string' && typeof first.job?.id === 'number' ? undefined : `not an application: ${JSON.stringify(first)}`;
}

function checkSavedJobs(status: number, body: unknown): string | undefined {
  if (status !== 200) return `status ${status}`;
  if (!Array.isArray(body) || body.length < 1) return `expected a saved job or more, got ${lengthOf(body)}`;
  const job = (body[0] as { job?: { id?: unknown; is_saved?: unknown } }).job;
  return typeof job?.id === 'number' && job.is_saved === true ? undefined : `not a saved job: ${JSON.stringify(body[0])}`;
}

function checkPortfolioPage(status: number, body: unknown): string | undefined {
  const problem = expectPage(LIST_PAGE)(status, body);
  if (problem) return problem;
  const first = firstResult(body);
  return typeof first.id === 'number' && typeof first.title === 'string' && typeof first.owner === 'number'
    ? undefined
    : `not a project: ${JSON.stringify(first)}`;
}

function checkMembersPage(status: number, body: unknown): string | undefined {
  const problem = expectPage(LIST_PAGE)(status, body);
  if (problem) return problem;
  const first = firstResult(body) as { member?: { id?: unknown; name?: unknown }; status?: unknown };
  return typeof first.member?.id === 'number' && typeof first.member.name === 'string' && first.status === 'accepted'
    ? undefined
    : `not a member: ${JSON.stringify(first)}`;
}

/** Newsletters' archive page size (the route's default). */
const NEWSLETTER_PAGE = 5;

function checkNewsletters(status: number, body: unknown): string | undefined {
  if (status !== 200) return `status ${status}`;
  const { recent, archive } = body as { recent?: { id?: unknown }; archive?: unknown };
  if (typeof recent?.id !== 'number') return `no recent newsletter: ${JSON.stringify(recent)}`;
  return expectPage(NEWSLETTER_PAGE)(status, archive);
}

function checkRoomList(status: number, body: unknown): string | undefined {
  if (status !== 200) return `status ${status}`;
  if (!Array.isArray(body) || body.length < 2) return `expected two rooms or more, got ${lengthOf(body)}`;
  const room = body[0] as Record<string, unknown>;
  const contributor = room.contributor as { id?: unknown } | undefined;
  return typeof room.chat_id === 'number' &&
    typeof room.last_message === 'string' &&
    typeof room.unread === 'number' &&
    typeof contributor?.id === 'number'
    ? undefined
    : `not a room: ${JSON.stringify(room)}`;
}

function checkConversationPage(status: number, body: unknown): string | undefined {
  if (status !== 200) return `status ${status}`;
  if (!Array.isArray(body) || body.length !== CONVERSATION_PAGE) return `expected ${CONVERSATION_PAGE} messages, got ${lengthOf(body)}`;
  let previous = -Infinity;
  for (const message of body as Array<{ message_id?: unknown }>) {
    const id = Number(message.message_id);
    if (id <= previous) return 'messages not oldest first';
    previous = id;
  }
  const person = (body[0] as { person?: { id?: unknown } }).person;
  return typeof person?.id === 'number' ? undefined : `no person: ${JSON.stringify(body[0])}`;
}
