/**
 * Fills a PostgreSQL database with a realistic Career Nexus graph, quickly: every table is filled
 * by a few large `INSERT … SELECT … FROM generate_series(…)` statements computed by the database
 * itself (nothing crosses the wire per row), on two connections at once.
 *
 * Everything is deterministic: a row's attributes are hashes of its number (`hashint8extended`),
 * so the post counters (`like_count`, `comment_count`, `share_count`) are computed by the same
 * SQL functions that generate the rows of `post_likes`, `comments` and `post_shares`, and match
 * them exactly without a second pass over the posts.
 *
 *   tsx bench/generate.ts --size M [--database-url postgres://postgres@127.0.0.1:5432/careernexus_bench]
 *
 * The database is created when missing; data tables are emptied first (countries stay).
 */
import { migrateToLatest, openDatabase } from '@careernexus/db';
import pg from 'pg';
import { pathToFileURL } from 'node:url';
import { onlyRow, required } from '../packages/api/src/invariant.js';

export const SIZES = {
  S: { users: 1_000, posts: 10_000 },
  M: { users: 10_000, posts: 100_000 },
  L: { users: 100_000, posts: 1_000_000 },
} as const;

export type SizeName = keyof typeof SIZES;

export const isSizeName = (name: string): name is SizeName => Object.hasOwn(SIZES, name);

/** The 15 labels of packages/api/src/classifier/industry.ts, alphabetical (so index order is label order). */
export const LABELS = [
  'agriculture',
  'banking',
  'business',
  'commerce',
  'construction',
  'education',
  'entertainment',
  'government',
  'health',
  'manufacturing',
  'media',
  'others',
  'sports',
  'technology',
  'transportation',
] as const;

/** Users with `id % 10 = MENTOR_REMAINDER` are mentors (10%); `id % 10 = 3` employers (10%); the others learners. */
export const MENTOR_REMAINDER = 7;
/** Mentorship sessions per mentor: 4 to 16 (10 on average), in every size. */
export const MENTOR_SESSIONS_MIN = 4;
export const MENTOR_SESSIONS_SPREAD = 13;
/** Posts with this many top-level comments exist in every size (HOT_POSTS of them). */
export const HOT_COMMENTS = 200;
export const HOT_POSTS = 20;
/** Chat rooms with this many messages exist in every size (HOT_ROOMS of them); the others have 30–60. */
export const HOT_MESSAGES = 5_000;
export const HOT_ROOMS = 8;
/** Popular jobs: POPULAR_JOBS of them in every size, each applied for by about one member in 40 (S 22, M 225, L 2,250 or so). */
export const POPULAR_JOBS = 10;
export const POPULAR_JOB_APPLICANTS_PER_USER = 1 / 40;

export interface GenerateOptions {
  /** postgres://… of the database to fill (created when missing). */
  url: string;
  size: SizeName;
  /** Progress lines; silent when absent. */
  log?: (line: string) => void;
  /** Connections loading at once (2 by default: one per core here). */
  parallel?: number;
}

export interface GenerateResult {
  size: SizeName;
  /** Wall time of the whole load, migrations and VACUUM ANALYZE included. */
  seconds: number;
  steps: Array<{ name: string; seconds: number }>;
  counts: Record<string, number>;
}

// ---------------------------------------------------------------------------------------------
// Content: a few realistic strings per kind, picked by hash.

const POST_TEXTS = [
  // two per label, in LABELS order
  'Our cassava farm doubled its harvest this season thanks to drip irrigation and better fertilizer timing.',
  'Smallholder farmers need tractors, storage and fair prices to cut post-harvest losses. Who is building this?',
  'The central bank raised the interest rate again; mortgage and loan repayments will feel it this quarter.',
  'Microfinance lenders are rethinking credit risk scoring for first-time borrowers without collateral.',
  'Every entrepreneur should write a business plan before pitching investors. Cash flow first, vanity later.',
  'Leadership lesson of the week: measure the KPIs that reflect profitability, not the ones that look good.',
  'E-commerce sales spiked during Black Friday: our online store shipped three thousand orders in a day.',
  'Retailers and wholesalers must rethink inventory now that shoppers compare prices on every marketplace.',
  'The construction site poured the final concrete slab of the high-rise today. Proud of the whole crew.',
  'A good quantity surveyor saves a contractor more than they cost. Hire one before the building plan is final.',
  'Teachers are the backbone of every school. Invest in their training and the students will follow.',
  'Our university alumni launched a scholarship and tutoring programme for first-year undergraduates.',
  'Our short film premiered at the festival last night and the music score got a standing ovation.',
  'Nollywood producers are moving premieres to streaming. What does that mean for cinema owners?',
  'The ministry published the draft policy on public procurement; the public comment period ends Friday.',
  'Local government elections are next month. Read the manifestos and ask your councillor hard questions.',
  'Nurses at the teaching hospital worked double shifts through the outbreak. They deserve better pay.',
  'Preventive healthcare and vaccination drives save more lives per naira than new clinics do.',
  'Our factory cut production line downtime by twenty percent with predictive maintenance on the presses.',
  'Local manufacturing of packaging materials reduces import dependence and creates skilled jobs.',
  'Journalists deserve protection: press freedom is the foundation of accountability in any newsroom.',
  'Our podcast hit one hundred thousand downloads. Here is what we learned about audience growth.',
  'Grateful for a great week with friends and family. Rest well this weekend, everyone.',
  'Monday motivation: keep going. Small steps add up, and nobody sees the work behind the results.',
  'The football academy signed three new players for the league season; the coach is confident.',
  'Marathon training update: thirty kilometre long run done, recovery shake in hand.',
  'We migrated our backend to TypeScript and PostgreSQL and cut API latency in half. Ask me anything.',
  'Machine learning engineers: how do you monitor model drift in production without drowning in alerts?',
  'Logistics costs fall when trucks and rail freight share the same depot. Ports must be connected.',
  'The new bus rapid transit line cut my commute by forty minutes. Public transport works when it is funded.',
];

const COMMENT_TEXTS = [
  'Great insight, thanks for sharing!',
  'I agree with this completely.',
  'Could you share more details on how you did it?',
  'This resonates with my experience.',
  'Congratulations to the whole team!',
  'Interesting perspective, I had not thought of it that way.',
  'Saving this for later.',
  'We saw the same thing last year.',
  'What tools did you use?',
  'Well said.',
];

const CHAT_TEXTS = [
  'Hi! Thanks for connecting.',
  'Good morning, how are you doing?',
  'Are you free for a quick call this afternoon?',
  'I saw your post about the new role. Is the position still open?',
  'Sure, send me the details and I will take a look.',
  'Thanks, that was really helpful.',
  'Can we move the meeting to Thursday?',
  'I have shared the document with you.',
  'Congratulations on the new job!',
  'Let me check with my team and get back to you.',
  'Sounds good to me.',
  'Do you have any advice for someone starting out in this field?',
  'I will be in Lagos next week if you want to meet.',
  'Here is the link to the application form.',
  'No problem at all.',
  'Looking forward to working with you.',
];

const FIRST_NAMES = [
  'Adaeze',
  'Tunde',
  'Chiamaka',
  'Emeka',
  'Fatima',
  'Ibrahim',
  'Ngozi',
  'Kwame',
  'Amara',
  'Oluwaseun',
  'Zainab',
  'Kofi',
  'Aisha',
  'Chidi',
  'Wanjiru',
  'Thabo',
  'Nia',
  'Yusuf',
  'Folake',
  'David',
];
const LAST_NAMES = [
  'Okafor',
  'Adeyemi',
  'Eze',
  'Bello',
  'Mensah',
  'Okonkwo',
  'Abubakar',
  'Balogun',
  'Nwosu',
  'Ochieng',
  'Mohammed',
  'Asante',
  'Ogunleye',
  'Kamau',
  'Ndlovu',
  'Danjuma',
  'Afolabi',
  'Boateng',
  'Obi',
  'Smith',
];
const LOCATIONS = [
  'Lagos, Nigeria',
  'Abuja, Nigeria',
  'Ibadan, Nigeria',
  'Port Harcourt, Nigeria',
  'Nairobi, Kenya',
  'Accra, Ghana',
  'Kigali, Rwanda',
  'Johannesburg, South Africa',
  'London, United Kingdom',
  'Toronto, Canada',
];
const QUALIFICATIONS = [
  'BSc Computer Science',
  'MBA',
  'HND Accounting',
  'BEng Civil Engineering',
  'MSc Public Health',
  'BA Mass Communication',
  'BSc Agriculture',
  'LLB',
  'BEd Mathematics',
  'MSc Data Science',
];
const POSITIONS = [
  'Software Engineer',
  'Farm Manager',
  'Accountant',
  'Teacher',
  'Nurse',
  'Product Manager',
  'Site Engineer',
  'Journalist',
  'Sales Executive',
  'Student',
];
const ORGANIZATIONS = [
  'Dangote Group',
  'Andela',
  'Flutterwave',
  'MTN',
  'Access Bank',
  'Jumia',
  'Julius Berger',
  'University of Lagos',
  'Lagos State Ministry of Health',
  'Olam',
  'Nestle Nigeria',
  'Channels TV',
  'Paystack',
  'GIG Logistics',
  'Self-employed',
];
const SCHOOLS = [
  'University of Lagos',
  'University of Ibadan',
  'Obafemi Awolowo University',
  'University of Nairobi',
  'University of Ghana',
  'Covenant University',
];
/** Two job titles per label, in LABELS order. */
const JOB_TITLES = [
  'Farm Manager',
  'Agronomist',
  'Credit Analyst',
  'Relationship Manager',
  'Business Development Manager',
  'Management Consultant',
  'E-commerce Manager',
  'Retail Sales Associate',
  'Site Engineer',
  'Quantity Surveyor',
  'Mathematics Teacher',
  'Curriculum Developer',
  'Video Editor',
  'Event Producer',
  'Policy Analyst',
  'Procurement Officer',
  'Registered Nurse',
  'Pharmacist',
  'Production Supervisor',
  'Quality Control Engineer',
  'Content Writer',
  'Social Media Manager',
  'Administrative Assistant',
  'Customer Service Representative',
  'Fitness Coach',
  'Sports Analyst',
  'Backend Developer',
  'Data Scientist',
  'Logistics Coordinator',
  'Fleet Manager',
];
const EMPLOYMENT = ['full_time', 'part_time', 'contract', 'internship', 'freelance'];
const WORK_TYPES = ['remote', 'hybrid', 'onsite'];
const LEVELS = ['entry', 'mid', 'senior', 'executive'];
/** Calling codes of LOCATIONS, in the same order (a profile's country code follows its location). */
const LOCATION_CODES = ['+234', '+234', '+234', '+234', '+254', '+233', '+250', '+27', '+44', '+1'];

/** Eight skills per label, in LABELS order; a mentor lists 3 to 6 of their industry's. */
const SKILLS_PER_LABEL = 8;
const SKILLS = [
  'Agronomy',
  'Irrigation',
  'Soil Science',
  'Crop Protection',
  'Poultry Farming',
  'Agribusiness',
  'Farm Management',
  'Food Processing',
  'Credit Analysis',
  'Risk Management',
  'Financial Modelling',
  'Excel',
  'Compliance',
  'Treasury',
  'Anti-Money Laundering',
  'Corporate Finance',
  'Business Strategy',
  'Sales',
  'Marketing',
  'Negotiation',
  'Excel',
  'Project Management',
  'Market Research',
  'Business Development',
  'E-commerce',
  'Digital Marketing',
  'Supply Chain',
  'Inventory Management',
  'Retail Operations',
  'Customer Service',
  'SEO',
  'Shopify',
  'AutoCAD',
  'Quantity Surveying',
  'Structural Design',
  'Project Management',
  'Site Supervision',
  'Revit',
  'Health and Safety',
  'Cost Estimation',
  'Curriculum Design',
  'Classroom Management',
  'Instructional Design',
  'Mathematics',
  'Special Education',
  'E-learning',
  'Assessment',
  'Public Speaking',
  'Video Editing',
  'Music Production',
  'Screenwriting',
  'Photography',
  'Adobe Premiere',
  'Event Management',
  'Sound Engineering',
  'Acting',
  'Policy Analysis',
  'Public Procurement',
  'Public Administration',
  'Budgeting',
  'Monitoring and Evaluation',
  'Stakeholder Engagement',
  'Report Writing',
  'Legal Drafting',
  'Nursing',
  'Public Health',
  'Pharmacology',
  'Clinical Research',
  'Epidemiology',
  'Patient Care',
  'Health Informatics',
  'Nutrition',
  'Lean Manufacturing',
  'Quality Control',
  'Six Sigma',
  'Production Planning',
  'Maintenance',
  'AutoCAD',
  'Supply Chain',
  'Health and Safety',
  'Journalism',
  'Content Writing',
  'Copywriting',
  'Social Media',
  'Video Editing',
  'Public Relations',
  'SEO',
  'Podcasting',
  'Communication',
  'Leadership',
  'Time Management',
  'Customer Service',
  'Microsoft Office',
  'Research',
  'Teamwork',
  'Writing',
  'Coaching',
  'Sports Science',
  'Strength and Conditioning',
  'Performance Analysis',
  'Physiotherapy',
  'Nutrition',
  'Event Management',
  'Scouting',
  'Python',
  'JavaScript',
  'TypeScript',
  'React',
  'Node.js',
  'SQL',
  'Machine Learning',
  'Cloud Computing',
  'Logistics',
  'Fleet Management',
  'Supply Chain',
  'Route Planning',
  'Warehousing',
  'Customs Clearance',
  'Procurement',
  'Excel',
];
/** A mentor's areas of expertise: 1 to 3 of these. */
const AREAS = [
  'Career Growth',
  'Leadership',
  'Interview Preparation',
  'Entrepreneurship',
  'Public Speaking',
  'Personal Finance',
  'Negotiation',
  'Networking',
  'Project Management',
  'Work-Life Balance',
  'Product Management',
  'Team Building',
  'Fundraising',
  'Career Switching',
  'Graduate School Applications',
];
/** A mentor's mentorship styles: 1 or 2 of these. */
const STYLES = [
  'One-on-one',
  'Group sessions',
  'Hands-on projects',
  'Mock interviews',
  'Career coaching',
  'Code review',
  'Q&A',
  'Accountability check-ins',
];
const SENIORITY = ['Senior', 'Lead', 'Principal'];
const DISCOURSES = [
  'Preparing for my first job interview in this field.',
  'Reviewing my CV and portfolio before I apply.',
  'How to move into a leadership role.',
  "Choosing between a master's degree and work experience.",
  'Negotiating my first salary offer.',
  'Planning a switch into this industry.',
  'Feedback on a business plan before pitching investors.',
  'Building a study plan for a professional certification.',
  'Growing my network and personal brand.',
  'Handling a difficult manager and team conflict.',
  'Getting started with freelancing.',
  'Technical questions on a project I am stuck on.',
];
/** A few exchange rates (units per US dollar), by ISO code, as administrators keep them. */
const EXCHANGE_RATES: Array<[iso: string, name: string, initials: string, rate: number]> = [
  ['NG', 'Nigerian Naira', 'NGN', 1550],
  ['KE', 'Kenyan Shilling', 'KES', 129.5],
  ['GH', 'Ghanaian Cedi', 'GHS', 15.4],
  ['RW', 'Rwandan Franc', 'RWF', 1380],
  ['ZA', 'South African Rand', 'ZAR', 18.2],
  ['GB', 'Pound Sterling', 'GBP', 0.79],
  ['CA', 'Canadian Dollar', 'CAD', 1.37],
];

/** A text[] literal, safe for any content (dollar-quoting is not needed: quotes are doubled). */
const textArray = (items: readonly string[]) => `array[${items.map((item) => `'${item.replaceAll("'", "''")}'`).join(', ')}]::text[]`;
/** One of `items`, picked by the hash of the SQL expression `x` with `seed`. */
const pickText = (items: readonly string[], x: string, seed: number) =>
  `(${textArray(items)})[1 + bench_i(${x}, ${seed}, ${items.length})]`;

// ---------------------------------------------------------------------------------------------
// SQL

/**
 * Helper functions, all inlinable: the same inputs give the same rows in every statement. They
 * are immutable, except the two that do timestamp arithmetic (stable in PostgreSQL: a function
 * declared immutable around a stable operator is not inlined, and costs ~100 µs a call).
 * `anchor` is the load's "now" for the chat and notification times, which more than one statement
 * computes (a room's `last_message_at` is its last message's time): `now()` differs between them.
 */
function helperFunctions(users: number, posts: number, anchor: string): string[] {
  const hotEvery = Math.floor(posts / HOT_POSTS);
  const hotRoomEvery = Math.floor(users / HOT_ROOMS);
  const at = `timestamptz '${anchor}'`;
  return [
    // uniform [0, 1) from (x, seed)
    `create or replace function bench_u(x bigint, seed int) returns float8 language sql immutable parallel safe
       as $$ select (hashint8extended(x, seed) & 4503599627370495)::float8 / 4503599627370496.0 $$`,
    // uniform integer in [0, n)
    `create or replace function bench_i(x bigint, seed int, n bigint) returns bigint language sql immutable parallel safe
       as $$ select (hashint8extended(x, seed) & 9223372036854775807) % n $$`,
    // the industry index of a user
    `create or replace function bench_industry(u bigint) returns int language sql immutable parallel safe
       as $$ select bench_i(u, 11, 15)::int $$`,
    // the author of a post: skewed towards low ids (a few people post a lot)
    `create or replace function bench_author(p bigint) returns bigint language sql immutable parallel safe
       as $$ select 1 + floor(${users} * power(bench_u(p, 1), 2))::bigint $$`,
    // likes of a post: Pareto-like, mean ≈ 2 (20 per user with 10 posts per user), capped below the user count
    `create or replace function bench_likes(p bigint) returns int language sql immutable parallel safe
       as $$ select least(${users - 1}, floor(0.9 * power(1.0 - bench_u(p, 8), -0.625)))::int $$`,
    `create or replace function bench_hot(p bigint) returns boolean language sql immutable parallel safe
       as $$ select p % ${hotEvery} = ${Math.min(17, hotEvery - 1)} $$`,
    // top-level comments of a post: HOT_COMMENTS on hot posts, otherwise Pareto-like, mean ≈ 0.4, at most 150
    `create or replace function bench_comments(p bigint) returns int language sql immutable parallel safe
       as $$ select case when bench_hot(p) then ${HOT_COMMENTS} else least(150, floor(0.35 * power(1.0 - bench_u(p, 12), -0.5556)))::int end $$`,
    // shares: 5% of posts, 1 to 3 each
    `create or replace function bench_shares(p bigint) returns int language sql immutable parallel safe
       as $$ select case when bench_u(p, 9) < 0.05 then 1 + bench_i(p, 10, 3)::int else 0 end $$`,
    // the display name of a user, as the profiles step writes it (notification messages carry it)
    `create or replace function bench_name(u bigint) returns text language sql immutable parallel safe
       as $$ select ${pickText(FIRST_NAMES, 'u', 21)} || ' ' || ${pickText(LAST_NAMES, 'u', 22)} $$`,
    // HOT_ROOMS rooms (there are about 1.05 per user) have HOT_MESSAGES messages; the others 30–60
    `create or replace function bench_room_hot(r bigint) returns boolean language sql immutable parallel safe
       as $$ select r % ${hotRoomEvery} = 7 and r < ${hotRoomEvery * HOT_ROOMS} $$`,
    `create or replace function bench_room_messages(r bigint) returns int language sql immutable parallel safe
       as $$ select case when bench_room_hot(r) then ${HOT_MESSAGES} else 30 + bench_i(r, 94, 31)::int end $$`,
    // a room's last message: within the hour for hot rooms, up to four weeks ago for the others (rooms are 30 days old or more)
    `create or replace function bench_room_end(r bigint) returns timestamptz language sql stable parallel safe
       as $$ select ${at} - interval '1 minute' * case when bench_room_hot(r) then bench_i(r, 92, 60) else bench_i(r, 92, 40320) end $$`,
    // the time of message k of n in room r: increasing with k, the last one at bench_room_end(r)'s minute at most
    `create or replace function bench_message_at(r bigint, created timestamptz, k int, n int) returns timestamptz language sql stable parallel safe
       as $$ select created + (bench_room_end(r) - created) * ((k - 1 + bench_u(r * 8192 + k, 93)) / n) $$`,
    // Mentorship sessions: mentor m has bench_mentor_sessions(m) of them, session k keyed x = m * 32 + k.
    // Its status and rating are functions of x, so a mentor's rating totals (profiles step) and the
    // sessions' rows (sessions step) agree without a second pass.
    `create or replace function bench_mentor_sessions(m bigint) returns int language sql immutable parallel safe
       as $$ select ${MENTOR_SESSIONS_MIN} + bench_i(m, 120, ${MENTOR_SESSIONS_SPREAD})::int $$`,
    `create or replace function bench_session_status(x bigint) returns text language sql immutable parallel safe
       as $$ select case width_bucket(bench_u(x, 121), array[0.50, 0.62, 0.77, 0.87]::float8[])
             when 0 then 'COMPLETED' when 1 then 'ACCEPTED' when 2 then 'PENDING' when 3 then 'REJECTED' else 'CANCELLED' end $$`,
    // 1 to 5 stars for a completed session (mostly 4 and 5), 0 otherwise (the table's check)
    `create or replace function bench_session_rating(x bigint) returns int language sql immutable parallel safe
       as $$ select case when bench_session_status(x) <> 'COMPLETED' then 0 else 5 - width_bucket(bench_u(x, 122), array[0.5, 0.8, 0.92, 0.97]::float8[]) end $$`,
    // a mentor's rate in US cents: a quarter are free, the others 10 to 150 dollars in steps of 5
    `create or replace function bench_rate(m bigint) returns bigint language sql immutable parallel safe
       as $$ select case when bench_u(m, 108) < 0.25 then 0 else (2 + bench_i(m, 109, 29)) * 500 end $$`,
  ];
}

const DROP_HELPERS = [
  'bench_rate(bigint)',
  'bench_session_rating(bigint)',
  'bench_session_status(bigint)',
  'bench_mentor_sessions(bigint)',
  'bench_message_at(bigint, timestamptz, int, int)',
  'bench_room_end(bigint)',
  'bench_room_messages(bigint)',
  'bench_room_hot(bigint)',
  'bench_name(bigint)',
  'bench_shares(bigint)',
  'bench_comments(bigint)',
  'bench_hot(bigint)',
  'bench_likes(bigint)',
  'bench_author(bigint)',
  'bench_industry(bigint)',
  'bench_i(bigint, int, bigint)',
  'bench_u(bigint, int)',
].map((fn) => `drop function if exists ${fn}`);

interface Step {
  name: string;
  after: string[];
  sql: string[];
}

/** What the steps' SQL is computed from: the size, and the load's "now" (see helperFunctions). */
interface LoadContext {
  users: number;
  posts: number;
  jobs: number;
  /** Posts are spread evenly over the last year, one every this many seconds. */
  secondsPerPost: number;
  /** The load's "now" and its hour, as SQL expressions. */
  at: string;
  hour: string;
}

/** A label by its index (an SQL expression, 0-based). */
const labelOf = (index: string) => `(${textArray(LABELS)})[${index} + 1]`;

/**
 * The steps in the order the scheduler considers them: a connection takes the first one whose
 * prerequisites are done, so the critical path comes first (users → posts → likes).
 */
function loadSteps(users: number, posts: number, anchor: string): Step[] {
  const at = `timestamptz '${anchor}'`;
  const context: LoadContext = {
    users,
    posts,
    jobs: Math.max(10, Math.floor(users / 10)),
    secondsPerPost: (365 * 86_400) / posts,
    at,
    hour: `date_trunc('hour', ${at})`,
  };
  return [
    usersStep(context),
    postsStep(context),
    postLikesStep(context),
    feedKeysStep(),
    commentsStep(context),
    postSharesStep(context),
    profilesStep(context),
    followsStep(context),
    connectionsStep(context),
    recordsStep(context),
    jobsStep(context),
    jobActivityStep(context),
    portfolioStep(context),
    supportStep(context),
    organizationsStep(context),
    newslettersStep(context),
    shareLinksStep(),
    chatStep(context),
    mentorshipStep(context),
    notificationsStep(context),
    ...vacuumSteps(),
  ];
}

function usersStep({ users }: LoadContext): Step {
  // Placeholder hash: a syntactically valid argon2id string no password matches (the bench adds one real account).
  const fakeHash = '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2g$0000000000000000000000000000000000000000000';
  return {
    name: 'users',
    after: [],
    sql: [
      `insert into users (id, email, password_hash, user_type, industry, date_joined)
         overriding system value
         select u, 'user' || u || '@bench.test', '${fakeHash}',
           case when u % 10 = ${MENTOR_REMAINDER} then 'mentor' when u % 10 = 3 then 'employer' else 'learner' end,
           ${labelOf('bench_industry(u)')},
           now() - interval '800 days' + u * interval '1 second'
         from generate_series(1::bigint, ${users}) u`,
      `select setval(pg_get_serial_sequence('users', 'id'), ${users})`,
    ],
  };
}

function postsStep({ posts, secondsPerPost }: LoadContext): Step {
  return {
    name: 'posts',
    after: ['users'],
    sql: [
      `insert into posts (id, author_id, body, parent_id, created_at, industries, is_repost, like_count, comment_count, share_count)
         overriding system value
         select p, author, body, parent, now() - (${posts} - p) * interval '${secondsPerPost.toFixed(3)} seconds',
           case when l2 is null then ${labelOf('l1')} else ${labelOf('least(l1, l2)')} || ',' || ${labelOf('greatest(l1, l2)')} end,
           parent is not null, bench_likes(p), bench_comments(p), bench_shares(p)
         from (
           select p, author, l1,
             case when bench_u(p, 4) < 0.15 then ((l1 + 1 + bench_i(p, 5, 14)) % 15)::int end as l2,
             case when p > 100 and bench_u(p, 6) < 0.04 then 1 + bench_i(p, 7, p - 1) end as parent,
             (${textArray(POST_TEXTS)})[l1 * 2 + 1 + bench_i(p, 13, 2)] || ' #' || p as body
           from (
             select p, author, case when bench_u(p, 2) < 0.6 then bench_industry(author) else bench_i(p, 3, 15)::int end as l1
             from (select p, bench_author(p) as author from generate_series(1::bigint, ${posts}) p) a
           ) b
         ) c`,
      `select setval(pg_get_serial_sequence('posts', 'id'), ${posts})`,
    ],
  };
}

function postLikesStep({ users, posts }: LoadContext): Step {
  return {
    name: 'post_likes',
    after: ['posts'],
    // For one post, k * 104729 mod users is distinct for k < users (104729 is prime, users a power of ten).
    sql: [
      `insert into post_likes (post_id, user_id)
         select p, 1 + (p * 7919 + k * 104729) % ${users}
         from generate_series(1::bigint, ${posts}) p cross join lateral generate_series(0, bench_likes(p) - 1) k`,
    ],
  };
}

function feedKeysStep(): Step {
  return {
    name: 'feed_keys',
    after: ['posts'],
    sql: [
      `insert into feed_keys (key, post_id)
         select 'industry:' || label, p.id from posts p cross join lateral unnest(string_to_array(p.industries, ',')) label
         union all
         select 'mentor', p.id from posts p where p.author_id % 10 = ${MENTOR_REMAINDER}`,
    ],
  };
}

function commentsStep({ users, posts, secondsPerPost }: LoadContext): Step {
  return {
    name: 'comments',
    after: ['posts'],
    sql: [
      `insert into comments (post_id, user_id, body, created_at)
         select p, 1 + (p * 31 + k * 7907) % ${users}, ${pickText(COMMENT_TEXTS, 'p * 1000 + k', 14)},
           least(now(), now() - (${posts} - p) * interval '${secondsPerPost.toFixed(3)} seconds' + k * interval '1 minute')
         from generate_series(1::bigint, ${posts}) p cross join lateral generate_series(1, bench_comments(p)) k`,
      // replies (not counted in comment_count), on one top-level comment in eight, never on the hot posts
      `insert into comments (post_id, user_id, parent_id, body, created_at)
         select post_id, 1 + (id * 13) % ${users}, id, 'Replying: ' || ${pickText(COMMENT_TEXTS, 'id', 15)}, created_at + interval '5 minutes'
         from comments where parent_id is null and id % 8 = 0 and not bench_hot(post_id)`,
    ],
  };
}

function postSharesStep({ users, posts }: LoadContext): Step {
  return {
    name: 'post_shares',
    after: ['posts'],
    sql: [
      `insert into post_shares (post_id, user_id)
         select p, 1 + (p * 17 + k * 7919) % ${users}
         from generate_series(1::bigint, ${posts}) p cross join lateral generate_series(1, bench_shares(p)) k
         where bench_shares(p) > 0`,
    ],
  };
}

function profilesStep({ users }: LoadContext): Step {
  return {
    name: 'profiles',
    after: ['users'],
    // Everyone's personal fields; a mentor's also the mentor fields, skills from their industry's
    // vocabulary, and rating totals summed from the same functions as the sessions step's rows.
    sql: [
      `insert into profiles (user_id, first_name, last_name, middle_name, country_code, phone_number, qualification, position, location, bio, summary,
           years_of_experience, availability, current_job, areas_of_expertise, technical_skills, mentorship_styles, linkedin_url,
           session_rate_minor, rating_total, rating_count, mentor_industry)
         select u, ${pickText(FIRST_NAMES, 'u', 21)}, ${pickText(LAST_NAMES, 'u', 22)}, 'N/A', ${pickText(LOCATION_CODES, 'u', 25)}, '080' || lpad(u::text, 8, '0'),
           ${pickText(QUALIFICATIONS, 'u', 23)}, case when mentor then job else ${pickText(POSITIONS, 'u', 24)} end, ${pickText(LOCATIONS, 'u', 25)},
           case when mentor then job || ' with ' || years || ' years in ' || label || '. I mentor on ' || lower(areas[1]) || ' and ' || skills[1] || '.'
             else 'Working in ' || label || '. Always learning, happy to connect.' end,
           'Professional with experience across ' || label || ' and related fields.',
           case when mentor then years end, case when mentor then case when bench_u(u, 105) < 0.6 then 'weekdays' else 'weekends' end end,
           case when mentor then job end, areas, skills, styles,
           case when mentor then 'https://www.linkedin.com/in/bench-user-' || u end,
           case when mentor then bench_rate(u) else 0 end, coalesce(ratings.total, 0), coalesce(ratings.n, 0),
           -- What the profile trigger would copy from users (triggers do not fire under session_replication_role = replica).
           case when mentor then label end
         from (
           select u, mentor, label, years,
             case when bench_u(u, 106) < 0.5 then ${pickText(SENIORITY, 'u', 107)} || ' ' else '' end || (${textArray(JOB_TITLES)})[l * 2 + 1 + bench_i(u, 104, 2)] as job,
             case when mentor then array(
               select s from unnest((${textArray(SKILLS)})[l * ${SKILLS_PER_LABEL} + 1 : l * ${SKILLS_PER_LABEL} + ${SKILLS_PER_LABEL}]) with ordinality t(s, i)
               order by bench_u(u * 16 + i, 103) limit 3 + bench_i(u, 102, 4)) else '{}' end as skills,
             case when mentor then array(
               select s from unnest(${textArray(AREAS)}) with ordinality t(s, i) order by bench_u(u * 16 + i, 111) limit 1 + bench_i(u, 110, 3)) else '{}' end as areas,
             case when mentor then array(
               select s from unnest(${textArray(STYLES)}) with ordinality t(s, i) order by bench_u(u * 16 + i, 113) limit 1 + bench_i(u, 112, 2)) else '{}' end as styles
           from (
             select u, u % 10 = ${MENTOR_REMAINDER} as mentor, bench_industry(u) as l, ${labelOf('bench_industry(u)')} as label,
               -- 2 to 30 years, a third of them 14 or more
               2 + floor(29 * power(bench_u(u, 101), 1.3))::int as years
             from generate_series(1::bigint, ${users}) u
           ) a
         ) b
         left join lateral (
           select sum(bench_session_rating(u * 32 + k)) as total, count(*) filter (where bench_session_rating(u * 32 + k) > 0) as n
           from generate_series(1, bench_mentor_sessions(u)) k
         ) ratings on mentor`,
    ],
  };
}

function followsStep({ users }: LoadContext): Step {
  return {
    name: 'follows',
    after: ['users'],
    // ~5 per user, towards popular (low-id) people; duplicates collapse
    sql: [
      `insert into follows (follower_id, following_id)
         select u, f from (
           select u, 1 + floor(${users} * power(bench_u(u * 8 + k, 31), 2))::bigint as f
           from generate_series(1::bigint, ${users}) u cross join generate_series(0, 4) k
         ) x where f <> u
         on conflict do nothing`,
    ],
  };
}

function connectionsStep({ users }: LoadContext): Step {
  return {
    name: 'connections',
    after: ['users'],
    // 3 requests sent per user (≈ 6 connections each), 70% accepted; one row per unordered pair
    sql: [
      `insert into connections (requester_id, recipient_id, status)
         select u, o, case when bench_u(u * 4 + k, 42) < 0.7 then 'accepted' else 'pending' end
         from (select u, k, 1 + bench_i(u * 4 + k, 41, ${users}) as o from generate_series(1::bigint, ${users}) u cross join generate_series(0, 2) k) x
         where o <> u
         on conflict do nothing`,
    ],
  };
}

function recordsStep({ users }: LoadContext): Step {
  return {
    name: 'records',
    after: ['users'],
    sql: [
      `insert into experiences (user_id, title, organization, start_date, end_date, location, employment_type, detail)
         select u, ${pickText(POSITIONS, 'u * 4 + k', 51)}, ${pickText(ORGANIZATIONS, 'u * 4 + k', 52)},
           format('%s-%s-01', 2008 + k * 4, lpad((1 + bench_i(u, 53, 12))::text, 2, '0')),
           case when k = n then 'Present' else format('%s-%s-01', 2011 + k * 4, lpad((1 + bench_i(u, 54, 12))::text, 2, '0')) end,
           ${pickText(LOCATIONS, 'u', 25)}, ${pickText(EMPLOYMENT, 'u * 4 + k', 55)}, 'Delivered projects, led a small team and mentored juniors.'
         from (select u, 1 + bench_i(u, 50, 3)::int as n from generate_series(1::bigint, ${users}) u) x cross join lateral generate_series(1, n) k`,
      `insert into educations (user_id, course, school, start_date, end_date, location, detail)
         select u, ${pickText(QUALIFICATIONS, 'u', 23)}, ${pickText(SCHOOLS, 'u', 56)}, '2003-09-01', '2007-07-01', ${pickText(LOCATIONS, 'u', 25)}, 'Second class upper.'
         from generate_series(1::bigint, ${users}) u`,
      `insert into certifications (user_id, title, school, issue_date, cert_id, skills)
         select u, 'Professional Certificate in ' || initcap(${labelOf('bench_industry(u)')}), ${pickText(ORGANIZATIONS, 'u', 57)},
           format('20%s-06-01', 10 + bench_i(u, 58, 14)), 'CERT-' || u, 'planning, communication, analysis'
         from generate_series(1::bigint, ${users}) u where bench_u(u, 59) < 0.4`,
    ],
  };
}

function jobsStep({ users, jobs }: LoadContext): Step {
  return {
    name: 'jobs',
    after: ['users'],
    sql: [
      `insert into jobs (id, poster_id, title, organization, employment_type, work_type, country, salary, overview, description, industry, experience_level, created_at)
         overriding system value
         select j, 10 * bench_i(j, 61, ${Math.floor(users / 10)}) + 3, title, ${pickText(ORGANIZATIONS, 'j', 62)},
           ${pickText(EMPLOYMENT, 'j', 63)}, ${pickText(WORK_TYPES, 'j', 64)}, 'Nigeria', (150 + bench_i(j, 65, 20) * 50) || ',000 NGN monthly',
           'We are hiring a ' || title || ' to join a growing team.',
           'As our ' || title || ' you will own your area end to end, work with stakeholders and report to the head of the unit.',
           case when l2 is null then ${labelOf('l1')} else ${labelOf('least(l1, l2)')} || ',' || ${labelOf('greatest(l1, l2)')} end,
           ${pickText(LEVELS, 'j', 66)}, now() - (${jobs} - j) * interval '1 hour'
         from (
           select j, l1, (${textArray(JOB_TITLES)})[l1 * 2 + 1 + bench_i(j, 67, 2)] as title,
             case when bench_u(j, 68) < 0.1 then ((l1 + 1 + bench_i(j, 69, 14)) % 15)::int end as l2
           from (select j, bench_i(j, 60, 15)::int as l1 from generate_series(1::bigint, ${jobs}) j) a
         ) b`,
      `select setval(pg_get_serial_sequence('jobs', 'id'), ${jobs})`,
      `insert into job_industries (industry, job_id) select label, id from jobs cross join lateral unnest(string_to_array(industry, ',')) label`,
      // 30% of users have a preference: their industry, a title of it (all its words must appear in a job's title)
      `insert into job_preferences (user_id, title, employment_type, work_type, industry, experience_level)
         select u, lower((${textArray(JOB_TITLES)})[bench_industry(u) * 2 + 1 + bench_i(u, 71, 2)]),
           ${pickText(EMPLOYMENT, 'u', 72)}, ${pickText(WORK_TYPES, 'u', 73)}, ${labelOf('bench_industry(u)')}, ${pickText(LEVELS, 'u', 74)}
         from generate_series(1::bigint, ${users}) u where bench_u(u, 70) < 0.3`,
    ],
  };
}

const APPLICATION_STATUSES = ['submitted', 'reviewed', 'shortlisted', 'rejected', 'hired'];
const COVER_LETTERS = [
  'I would love to bring my experience to your team and grow with it.',
  'I have followed your organization for years and believe my skills fit this role well.',
  'Please find my résumé attached; I am available to start within two weeks.',
  'I led a similar project in my last role and would be glad to tell you more in an interview.',
];
const PROJECT_TITLES = [
  'Farm yield dashboard',
  'Mobile banking onboarding redesign',
  'Community health outreach report',
  'E-commerce storefront for a local brand',
  'Bridge load analysis',
  'Secondary school maths curriculum',
  'Short documentary: Lagos at night',
  'Public procurement transparency portal',
  'Warehouse route optimisation',
  'Brand campaign for a fintech launch',
  'Open-source TypeScript API starter',
  'Football academy performance tracker',
];

/**
 * The applications of POPULAR_JOBS popular jobs (every `jobs / POPULAR_JOBS`-th, one member in 40
 * each, drawn like likes: distinct by construction) and of every other member (not an employer: the
 * posters are employers, so nobody applies to their own job): 1 to 4 jobs each, uniformly. Saved
 * jobs: 1 to 4 per non-employer. Both are numbered in time order, after the job was posted (the jobs
 * step posts job j `jobs - j` hours before now).
 */
function jobActivityStep({ users, jobs }: LoadContext): Step {
  const popularEvery = Math.max(1, Math.floor(jobs / POPULAR_JOBS));
  const popularApplicants = Math.ceil(users * POPULAR_JOB_APPLICANTS_PER_USER);
  const since = (job: string, x: string, seed: number) => `now() - (${jobs} - ${job}) * interval '1 hour' * bench_u(${x}, ${seed})`;
  return {
    name: 'job activity',
    after: ['jobs'],
    sql: [
      `insert into job_applications (job_id, applicant_id, status, cover_letter, applied_at)
         select job, applicant, (${textArray(APPLICATION_STATUSES)})[1 + width_bucket(bench_u(x, 133), array[0.6, 0.75, 0.85, 0.95]::float8[])],
           case when bench_u(x, 134) < 0.5 then ${pickText(COVER_LETTERS, 'x', 135)} end, ${since('job', 'x', 136)}
         from (
           select j as job, 1 + (j * 7919 + k * 104729) % ${users} as applicant, j * 1000003 + k as x
           from generate_series(1::bigint, ${jobs}) j cross join lateral generate_series(0::bigint, ${popularApplicants - 1}) k
           where j % ${popularEvery} = ${Math.min(1, popularEvery - 1)}
           union all
           select 1 + bench_i(u * 8 + k, 131, ${jobs}), u, -(u * 8 + k)
           from generate_series(1::bigint, ${users}) u cross join lateral generate_series(0, bench_i(u, 130, 4)) k
           where u % 10 <> 3
         ) a
         where applicant % 10 <> 3
         order by 5
         on conflict (job_id, applicant_id) do nothing`,
      `insert into saved_jobs (saver_id, job_id, saved_at)
         select u, 1 + bench_i(u * 8 + k, 141, ${jobs}), ${since(`(1 + bench_i(u * 8 + k, 141, ${jobs}))`, 'u * 8 + k', 142)}
         from generate_series(1::bigint, ${users}) u cross join lateral generate_series(0, bench_i(u, 140, 4)) k
         where u % 10 <> 3
         on conflict do nothing`,
    ],
  };
}

/**
 * Portfolios: 30 % of the members show projects, 1 to 16 each (a heavy tail: about one member in
 * 28 has a full page of 10 or more), made over the last two years and numbered in time order.
 */
function portfolioStep({ users }: LoadContext): Step {
  return {
    name: 'portfolio',
    after: ['users'],
    sql: [
      `insert into projects (owner_id, title, description, image, download_material, created_at, updated_at)
         select u, title, title || ': what I built, the tools I used and what came of it.',
           case when bench_u(x, 153) < 0.6 then 'https://media.bench.test/projects/' || x || '.jpg' end,
           case when bench_u(x, 154) < 0.3 then 'https://media.bench.test/projects/' || x || '.pdf' end,
           created, created
         from (
           select u, x, ${pickText(PROJECT_TITLES, 'x', 155)} as title, now() - interval '1 second' * bench_i(x, 152, 2 * 365 * 86400) as created
           from generate_series(1::bigint, ${users}) u
             cross join lateral generate_series(1, 1 + floor(15 * power(bench_u(u, 151), 4))::int) k
             cross join lateral (select u * 32 + k as x) xx
           where bench_u(u, 150) < 0.3
         ) p
         order by created`,
    ],
  };
}

/**
 * Support: 15 % of the members opened tickets, 1 to 15 each (a heavy tail: about one member in
 * 60 has a full page of 10 or more), over the last year, numbered in time order; the older a
 * ticket, the likelier it is answered and resolved. Visitors left one corporate lead per twenty
 * members.
 */
function supportStep({ users, at }: LoadContext): Step {
  const categories = ['technical', 'payment', 'account', 'request', 'others'];
  const priorities = ['low', 'medium', 'high', 'urgent'];
  const services = ['hr_solutions', 'corporate_training', 'L&D', 'organizational_development'];
  return {
    name: 'support',
    after: ['users'],
    sql: [
      `insert into support_tickets (user_id, category, priority, message, status, admin_response, created_at, updated_at)
         select u, ${pickText(categories, 'x', 401)}, ${pickText(priorities, 'x', 402)},
           'Ticket ' || x || ': something went wrong and I would like help with it.',
           status, case when status <> 'pending' then 'Thank you, we are on it.' end, created, created
         from (
           select u, x, created,
             case when age < 0.2 then 'pending' when age < 0.35 then 'in_progress' when age < 0.8 then 'resolved' else 'closed' end as status
           from (
             select u, x, bench_u(x, 403) as age, ${at} - interval '1 second' * floor(bench_u(x, 403) * 365 * 86400) as created
             from generate_series(1::bigint, ${users}) u
               cross join lateral generate_series(1, 1 + floor(14 * power(bench_u(u, 404), 4))::int) k
               cross join lateral (select u * 16 + k as x) xx
             where bench_u(u, 405) < 0.15
           ) a
         ) t
         order by created`,
      // The desk summary's tallies: their trigger is off in the generator's sessions (session_replication_role).
      `insert into support_ticket_tallies (category, status, count)
         select category, status, count(*) from support_tickets group by category, status`,
      `insert into corporate_leads (full_name, email_address, phone_number, interested_services, package, created_at)
         select 'Lead ' || l, 'lead' || l || '@company.bench.test', '+234 800 ' || lpad(l::text, 7, '0'),
           array[${pickText(services, 'l', 406)}], ${pickText(['basic', 'premium', 'inclusive'], 'l', 407)},
           ${at} - interval '1 second' * (${Math.ceil(users / 20)} - l) * 3600
         from generate_series(1::bigint, ${Math.ceil(users / 20)}) l`,
    ],
  };
}

/**
 * Newsletters: one a week, one for every 100 members (at least 20: S 20, M 100, L 1,000); 30 % of
 * the members subscribed, and one confirmed e-mail address (one in ten still pending) for every
 * five members. Nothing queued: every newsletter was delivered.
 */
function newslettersStep({ users }: LoadContext): Step {
  const letters = Math.max(20, Math.round(users / 100));
  return {
    name: 'newsletters',
    after: ['users'],
    sql: [
      `insert into newsletters (title, content, image, created_at)
         select 'Career Nexus weekly #' || n, 'Jobs, mentors and posts worth reading this week. Issue ' || n || '.',
           case when n % 3 = 0 then 'https://media.bench.test/newsletters/' || n || '.jpg' end,
           now() - interval '7 days' * (${letters} - n)
         from generate_series(1, ${letters}) n`,
      `insert into newsletter_subscribers (user_id, confirmed_at)
         select u, now() - interval '1 second' * bench_i(u, 161, 365 * 86400)
         from generate_series(1::bigint, ${users}) u where bench_u(u, 160) < 0.3`,
      `insert into newsletter_subscribers (email, confirmed_at)
         select 'reader' || v || '@newsletter.bench.test', case when bench_u(v, 162) < 0.9 then now() - interval '1 day' end
         from generate_series(1, ${Math.ceil(users / 5)}) v`,
    ],
  };
}

/**
 * Company pages: every employer (users 3, 13, 23, …) is a company page linked to the member before
 * it. Each has 1 to 30 members (a tenth of them still invited), and every hundredth (3, 1003, …)
 * a big staff of one member in fifty. (Their profiles keep the generated names: renaming a tenth
 * of the members would change what the people-search scenarios find.)
 */
function organizationsStep({ users }: LoadContext): Step {
  const companies = `select c from generate_series(3::bigint, ${users}, 10) c`;
  return {
    name: 'organizations',
    after: ['users'],
    sql: [
      `insert into companies (user_id, company_type, company_size, website, email_verified)
         select c, (array['startup', 'llc', 'corporation'])[1 + bench_i(c, 156, 3)], '11-50', 'company' || c || '.bench.test', bench_u(c, 157) < 0.5
         from (${companies}) cs`,
      `insert into linked_accounts (main_account_id, child_id) select c - 1, c from (${companies}) cs`,
      `insert into organization_members (organization_id, member_id, status, accepted_at)
         select c, m, status, case when status = 'accepted' then now() end
         from (${companies}) cs
           cross join lateral generate_series(1, case when c % 1000 = 3 then ${Math.floor(users / 50)} else 1 + bench_i(c, 158, 30)::int end) k
           cross join lateral (
             select 1 + bench_i(c * 8192 + k, 160, ${users}) as m,
               case when bench_u(c * 8192 + k, 159) < 0.9 then 'accepted' else 'invited' end as status
           ) mm
         where m % 10 <> 3
         on conflict do nothing`,
    ],
  };
}

/** One share link per post and sharer who shared it (the hash derived from the pair: unguessable enough for a bench). */
function shareLinksStep(): Step {
  return {
    name: 'share links',
    after: ['post_shares'],
    sql: [
      `insert into post_share_links (post_id, user_id, hash)
         select distinct post_id, user_id, md5(post_id || ':' || user_id)::uuid::text from post_shares`,
    ],
  };
}

function chatStep({ at }: LoadContext): Step {
  return {
    name: 'chat',
    after: ['connections'],
    sql: [
      // Rooms between half of the accepted connections (≈ 2 per user), numbered in the order they
      // were opened, 30 to 180 days ago; mostly opened by the one who sent the request. Their
      // last_message_at is their last message's time, from the same function as the messages.
      `insert into chat_rooms (id, user_low, user_high, initiator_id, created_at, last_message_at)
         overriding system value
         select id, low, high, initiator, created, bench_message_at(id, created, bench_room_messages(id), bench_room_messages(id))
         from (
           select row_number() over (order by created, c) as id, low, high, initiator, created
           from (
             select id as c, least(requester_id, recipient_id) as low, greatest(requester_id, recipient_id) as high,
               case when bench_u(id, 91) < 0.7 then requester_id else recipient_id end as initiator,
               ${at} - interval '30 days' - interval '1 second' * bench_i(id, 90, 150 * 86400) as created
             from connections where status = 'accepted' and bench_u(id, 89) < 0.5
           ) a
         ) b`,
      `select setval(pg_get_serial_sequence('chat_rooms', 'id'), (select max(id) from chat_rooms))`,
      // 30–60 messages per room, HOT_MESSAGES in the hot ones; numbered in time order across rooms, as they would be sent
      `insert into chat_messages (room_id, sender_id, body, created_at)
         select r.id, case when k = 1 then r.initiator_id when bench_u(r.id * 8192 + k, 95) < 0.5 then r.user_low else r.user_high end,
           ${pickText(CHAT_TEXTS, 'r.id * 8192 + k', 96)}, bench_message_at(r.id, r.created_at, k, n)
         from chat_rooms r cross join lateral (select bench_room_messages(r.id) as n) x cross join lateral generate_series(1, n) k
         order by 4, 1, k`,
      `analyze chat_messages`,
      // One side of 85% of the rooms has read up to one of the last six messages.
      `insert into chat_reads (room_id, user_id, last_read_id)
         select r.id, case when bench_u(r.id, 97) < 0.5 then r.user_low else r.user_high end,
           (select m.id from chat_messages m where m.room_id = r.id order by m.id desc offset bench_i(r.id, 98, 6) limit 1)
         from chat_rooms r where bench_u(r.id, 99) < 0.85`,
    ],
  };
}

function mentorshipStep(context: LoadContext): Step {
  return {
    name: 'mentorship',
    after: ['users'],
    sql: [exchangeRatesSql(context), mentorSessionsSql(context), sessionInviteesSql(context), savedMentorsSql(context)],
  };
}

/** A few exchange rates (EXCHANGE_RATES), updated one to seven days ago. */
function exchangeRatesSql({ at }: LoadContext): string {
  return `insert into exchange_rates (country_id, currency_name, currency_initials, exchange_rate, updated_at)
         select c.id, v.name, v.initials, v.rate, ${at} - interval '1 day' * v.age
         from countries c join (values ${EXCHANGE_RATES.map(([iso, name, initials, rate], i) => `('${iso}', '${name}', '${initials}', ${rate}, ${i + 1})`).join(', ')}) v(iso, name, initials, rate, age)
           on c.iso_code = v.iso`;
}

/**
 * Sessions: mentor m's k-th, booked by a learner of the mentees' pool (a third of the
 * learners), 70 % of their mentor's industry. The status and rating come from the functions
 * the profiles step sums; the price is the mentor's rate, paid when free, completed, or
 * for most accepted ones; the times follow the status (completed ones in the past year,
 * requests and most accepted ones in the next 30 days), on the hour: whole hours and
 * minutes from the load's hour, so that the ids, given in the order sessions were booked,
 * are the same in every load (the invitees are drawn by session id).
 */
function mentorSessionsSql({ users, hour }: LoadContext): string {
  return `insert into mentor_sessions (mentor_id, mentee_id, session_type, room_name, session_at, discourse, rating, status, price_minor, is_paid, created_at, status_changed_at)
         with pool as materialized (
           select id, industry, row_number() over (partition by industry order by id) as rn, count(*) over (partition by industry) as n
           from users where user_type = 'learner' and bench_u(id, 130) < 0.35
         ),
         sizes as (select distinct industry, n from pool),
         booked as (
           select m, x, status, bench_rate(m) as price, mentee, session_at,
             least(session_at - interval '1 hour' * (24 + bench_i(x, 136, 20 * 24)), ${hour} - interval '1 minute' * bench_i(x, 137, 7 * 1440)) as created_at
           from (
             select m, x, s.status, p.id as mentee,
               case s.status
                 when 'COMPLETED' then ${hour} - interval '1 hour' * (2 + bench_i(x, 134, 360 * 24))
                 when 'PENDING' then ${hour} + interval '1 hour' * (2 + bench_i(x, 134, 30 * 24))
                 when 'ACCEPTED' then case when bench_u(x, 135) < 0.2 then ${hour} - interval '1 hour' * (2 + bench_i(x, 134, 7 * 24)) else ${hour} + interval '1 hour' * (2 + bench_i(x, 134, 30 * 24)) end
                 else ${hour} - interval '1 hour' * (bench_i(x, 134, 390 * 24) - 30 * 24)
               end as session_at
             from (
               select m, x, bench_session_status(x) as status,
                 ${labelOf(`case when bench_u(x, 131) < 0.7 then bench_industry(m) else bench_i(x, 132, 15)::int end`)} as industry
               from (select 10 * i + ${MENTOR_REMAINDER} as m from generate_series(0::bigint, ${users / 10 - 1}) i) mm
               cross join lateral generate_series(1, bench_mentor_sessions(m)) k cross join lateral (select m * 32 + k as x) xx
             ) s
             join sizes z on z.industry = s.industry
             join pool p on p.industry = s.industry and p.rn = 1 + bench_i(x, 133, z.n)
           ) t
         )
         select m, mentee, case when bench_u(x, 139) < 0.2 then 'group' else 'individual' end, 'Room_' || mentee || '_' || m || '_' || md5(x::text),
           session_at, ${pickText(DISCOURSES, 'x', 138)}, bench_session_rating(x), status, price,
           price = 0 or status = 'COMPLETED' or (status = 'ACCEPTED' and bench_u(x, 140) < 0.7),
           created_at,
           case status when 'PENDING' then created_at
             when 'COMPLETED' then least(${hour}, session_at + interval '1 minute' * (60 + bench_i(x, 141, 2880)))
             else least(${hour}, created_at + interval '1 minute' * (5 + bench_i(x, 141, 2880))) end
         from booked
         order by created_at, x`;
}

/** 1 to 5 invitees per group session: learners and employers, not its mentee (repeats collapse). */
function sessionInviteesSql({ users }: LoadContext): string {
  return `insert into mentor_session_invitees (session_id, invitee_id, created_at)
         select id, invitee, created_at from (
           select s.id, s.created_at, j, case when v % 10 = ${MENTOR_REMAINDER} then v + 1 else v end as invitee, s.mentee_id
           from mentor_sessions s cross join lateral generate_series(1, 1 + bench_i(s.id, 142, 5)) j
           cross join lateral (select 1 + bench_i(s.id * 8 + j, 143, ${users}) as v) vv
           where s.session_type = 'group'
         ) a
         where invitee <> mentee_id
         order by id, j
         on conflict do nothing`;
}

/** 40 % of learners saved 1 to 5 mentors, 70 % of them of their own industry. */
function savedMentorsSql({ users, at }: LoadContext): string {
  return `insert into saved_mentors (saver_id, mentor_id, created_at)
         with mentors as materialized (
           select id, industry, row_number() over (partition by industry order by id) as rn, count(*) over (partition by industry) as n
           from users where user_type = 'mentor'
         ),
         sizes as (select distinct industry, n from mentors)
         select u, case when same then m.id else 10 * bench_i(x, 153, ${users / 10}) + ${MENTOR_REMAINDER} end,
           ${at} - interval '1 hour' * (6 * 24 + bench_i(u, 154, 300 * 24) - k * 24)
         from (
           select u.id as u, k, u.id * 8 + k as x, u.industry, bench_u(u.id * 8 + k, 152) < 0.7 as same
           from users u cross join lateral generate_series(1, 1 + bench_i(u.id, 151, 5)) k
           where u.user_type = 'learner' and bench_u(u.id, 150) < 0.4
         ) a
         join sizes z on z.industry = a.industry
         join mentors m on m.industry = a.industry and m.rn = 1 + bench_i(x, 155, z.n)
         on conflict do nothing`;
}

function notificationsStep({ users, posts, jobs, secondsPerPost, at }: LoadContext): Step {
  return {
    name: 'notifications',
    after: ['comments', 'connections', 'jobs'],
    // ≈ 21 per user, numbered in time order: 10–22 follows, likes, comments, replies and jobs
    // per user, and one per connection request (to its recipient) and acceptance (to its
    // requester). Texts and data as the services write them. Each user has read everything up
    // to a time of their own in the last year: about half are read.
    sql: [
      `insert into notifications (user_id, type, message, data, created_at, read_at)
         select user_id, type, message, data, created_at,
           case when created_at < ${at} - interval '365 days' * bench_u(user_id, 87) then least(${at}, created_at + interval '1 minute' * (1 + bench_i(id, 88, 2880))) end
         from (
           select u as user_id, x as id,
             case when t < 0.25 then 'follow' when t < 0.65 then 'like' when t < 0.85 then case when c.parent_id is null then 'comment' else 'reply' end else 'job' end as type,
             case
               when t < 0.25 then bench_name(actor) || ' started following you.'
               when t < 0.65 then bench_name(actor) || ' liked your post.'
               when t < 0.85 then bench_name(c.user_id) || case when c.parent_id is null then ' commented on your post.' else ' replied to your comment.' end
               else 'A new job matching your preference. ' || j.title || ' at ' || j.organization || '. Apply now!'
             end as message,
             case
               when t < 0.25 then jsonb_build_object('user_id', actor)
               when t < 0.65 then jsonb_build_object('post_id', post, 'user_id', actor)
               when t < 0.85 then jsonb_build_object('post_id', c.post_id, 'comment_id', c.id, 'user_id', c.user_id)
               else jsonb_build_object('job_id', j.id, 'title', j.title, 'organization', j.organization)
             end as data,
             least(${at}, case
               when t < 0.25 then ${at} - interval '1 second' * bench_i(x, 84, 365 * 86400)
               when t < 0.65 then ${at} - (${posts} - post) * interval '${secondsPerPost.toFixed(3)} seconds' + interval '1 second' * bench_i(x, 84, 2 * 86400)
               when t < 0.85 then c.created_at + interval '1 second' * bench_i(x, 84, 60)
               else j.created_at + interval '1 second' * bench_i(x, 84, 600)
             end) as created_at
           from (
             select u, x, bench_u(x, 80) as t, 1 + (u + bench_i(x, 81, ${users - 1})) % ${users} as actor, 1 + bench_i(x, 82, ${posts}) as post
             from generate_series(1::bigint, ${users}) u cross join lateral generate_series(1::bigint, 10 + bench_i(u, 79, 13)) k
             cross join lateral (select u * 32 + k as x) xx
           ) n
           left join comments c on t >= 0.65 and t < 0.85 and c.id = 1 + bench_i(x, 83, (select max(id) from comments))
           left join jobs j on t >= 0.85 and j.id = 1 + bench_i(x, 85, ${jobs})
           union all
           select recipient_id, -id, 'connection_request', bench_name(requester_id) || ' wants to connect with you.',
             jsonb_build_object('connection_id', id, 'user_id', requester_id), ${at} - interval '1 second' * bench_i(id, 86, 365 * 86400)
           from connections
           union all
           select requester_id, -id - ${users * 4}, 'connection_accepted', bench_name(recipient_id) || ' accepted your connection request.',
             jsonb_build_object('connection_id', id, 'user_id', recipient_id), least(${at}, ${at} - interval '1 second' * bench_i(id, 86, 365 * 86400) + interval '1 hour' * (1 + bench_i(id, 85, 72)))
           from connections where status = 'accepted'
         ) z
         order by created_at, user_id, id`,
    ],
  };
}

function vacuumSteps(): Step[] {
  const vacuum = (table: string, after: string[]): Step => ({ name: `vacuum ${table}`, after, sql: [`vacuum (analyze) ${table}`] });
  return [
    vacuum('posts', ['posts']),
    vacuum('post_likes', ['post_likes']),
    vacuum('feed_keys', ['feed_keys']),
    vacuum('comments', ['comments']),
    vacuum('post_shares', ['post_shares']),
    {
      name: 'vacuum users, profiles, records',
      after: ['users', 'profiles', 'records'],
      sql: ['users', 'profiles', 'experiences', 'educations', 'certifications'].map((t) => `vacuum (analyze) ${t}`),
    },
    {
      name: 'vacuum follows, connections',
      after: ['follows', 'connections'],
      sql: ['follows', 'connections'].map((t) => `vacuum (analyze) ${t}`),
    },
    { name: 'vacuum jobs', after: ['jobs'], sql: ['jobs', 'job_industries', 'job_preferences'].map((t) => `vacuum (analyze) ${t}`) },
    {
      name: 'vacuum job activity',
      after: ['job activity'],
      sql: ['job_applications', 'saved_jobs'].map((t) => `vacuum (analyze) ${t}`),
    },
    vacuum('projects', ['portfolio']),
    { name: 'vacuum support', after: ['support'], sql: ['support_tickets', 'corporate_leads'].map((t) => `vacuum (analyze) ${t}`) },
    {
      name: 'vacuum organizations',
      after: ['organizations'],
      sql: ['companies', 'linked_accounts', 'organization_members'].map((t) => `vacuum (analyze) ${t}`),
    },
    {
      name: 'vacuum newsletters',
      after: ['newsletters'],
      sql: ['newsletters', 'newsletter_subscribers'].map((t) => `vacuum (analyze) ${t}`),
    },
    vacuum('post_share_links', ['share links']),
    { name: 'vacuum chat', after: ['chat'], sql: ['chat_rooms', 'chat_messages', 'chat_reads'].map((t) => `vacuum (analyze) ${t}`) },
    {
      name: 'vacuum mentorship',
      after: ['mentorship'],
      sql: ['exchange_rates', 'mentor_sessions', 'mentor_session_invitees', 'saved_mentors'].map((t) => `vacuum (analyze) ${t}`),
    },
    vacuum('notifications', ['notifications']),
  ];
}

/** Every table the generator or the server writes; `countries` (seeded by a migration) stays. */
const DATA_TABLES = [
  'users',
  'profiles',
  'otp_codes',
  'refresh_tokens',
  'revoked_access_tokens',
  'experiences',
  'educations',
  'certifications',
  'profile_views',
  'follows',
  'posts',
  'connections',
  'feed_keys',
  'post_likes',
  'post_saves',
  'post_shares',
  'comments',
  'comment_likes',
  'jobs',
  'job_industries',
  'job_preferences',
  'job_applications',
  'saved_jobs',
  'projects',
  'support_tickets',
  'support_ticket_tallies',
  'corporate_leads',
  'companies',
  'linked_accounts',
  'account_switches',
  'organization_members',
  'newsletters',
  'newsletter_subscribers',
  'newsletter_deliveries',
  'post_share_links',
  'notifications',
  'info_contents',
  'chat_rooms',
  'chat_messages',
  'chat_reads',
  'saved_mentors',
  'exchange_rates',
  'mentor_sessions',
  'mentor_session_invitees',
];

const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** Creates the database named in `url` when it does not exist (connecting to `postgres` on the same server). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`set synchronous_commit = off`);
  await client.query(`set work_mem = '64MB'`);
  await client.query(`set maintenance_work_mem = '256MB'`);
  // The rows are consistent by construction: skip the foreign-key triggers (superuser only; fine without).
  await client.query(`set session_replication_role = replica`).catch(() => {});
  return client;
}

/** Migrates, empties and fills the database; VACUUM ANALYZE at the end. */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const log = options.log ?? (() => {});
  const { users, posts } = SIZES[options.size];
  const start = process.hrtime.bigint();

  await migrate(options.url);
  const clients: pg.Client[] = [];
  try {
    for (let i = 0; i < Math.max(1, options.parallel ?? 2); i += 1) clients.push(await connect(options.url));
    const first = required(clients[0], 'the first loading connection');
    await first.query(`truncate ${DATA_TABLES.join(', ')} restart identity cascade`);
    const anchor = await databaseClock(first);
    for (const statement of helperFunctions(users, posts, anchor)) await first.query(statement);
    const steps = await runSteps(clients, loadSteps(users, posts, anchor), options.size, log);
    for (const statement of DROP_HELPERS) await first.query(statement);
    return { size: options.size, seconds: elapsed(start), steps, counts: await countRows(first) };
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => {})));
  }
}

async function migrate(url: string): Promise<void> {
  const handle = await openDatabase({ url, poolSize: 1 });
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.close();
  }
}

/** The database's own clock, to the second: every time generated is at or before it. */
async function databaseClock(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ anchor: string }>(
    `select to_char(date_trunc('second', now()) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as anchor`,
  );
  return onlyRow(rows).anchor;
}

/**
 * A tiny scheduler: each connection takes the first step whose prerequisites are done. Returns
 * the steps' times in the order they finished; throws the first failure once every connection
 * has stopped.
 */
async function runSteps(
  clients: pg.Client[],
  pending: Step[],
  size: SizeName,
  log: (line: string) => void,
): Promise<GenerateResult['steps']> {
  const finished: GenerateResult['steps'] = [];
  const done = new Set<string>();
  let failed: Error | undefined;
  const waiting: Array<() => void> = [];
  const wake = () => waiting.splice(0).forEach((resolve) => resolve());
  const worker = async (client: pg.Client) => {
    while (pending.length && !failed) {
      const index = pending.findIndex((step) => step.after.every((name) => done.has(name)));
      const step = pending[index];
      if (!step) {
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      pending.splice(index, 1);
      const stepStart = process.hrtime.bigint();
      try {
        for (const statement of step.sql) await client.query(statement);
      } catch (error) {
        failed ??= new Error(`generating ${size}, step ${step.name}: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
      const seconds = elapsed(stepStart);
      finished.push({ name: step.name, seconds });
      log(`  ${size}: ${step.name} ${seconds.toFixed(1)} s`);
      done.add(step.name);
      wake();
    }
    wake();
  };
  await Promise.all(clients.map(worker));
  if (failed) throw failed;
  return finished;
}

/** The row counts the CLI and the bench print. */
const COUNTED_TABLES = [
  'users',
  'posts',
  'feed_keys',
  'post_likes',
  'comments',
  'post_shares',
  'follows',
  'connections',
  'jobs',
  'job_preferences',
  'job_applications',
  'saved_jobs',
  'projects',
  'support_tickets',
  'corporate_leads',
  'organization_members',
  'notifications',
  'chat_rooms',
  'chat_messages',
  'chat_reads',
  'saved_mentors',
  'mentor_sessions',
  'mentor_session_invitees',
];

async function countRows(client: pg.Client): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of COUNTED_TABLES) {
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${table}`);
    counts[table] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}

/**
 * Checks that the post counters equal the rows they count, rooms' last_message_at their last
 * message, and mentors' rating totals their completed sessions (used by the CLI's --verify).
 */
export async function verifyCounters(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const checks = {
      like_count: `select count(*) as n from posts p where like_count <> (select count(*) from post_likes l where l.post_id = p.id)`,
      comment_count: `select count(*) as n from posts p where comment_count <> (select count(*) from comments c where c.post_id = p.id and c.parent_id is null)`,
      share_count: `select count(*) as n from posts p where share_count <> (select count(*) from post_shares s where s.post_id = p.id)`,
      feed_keys: `select count(*) as n from posts p where (select count(*) from feed_keys k where k.post_id = p.id and k.key like 'industry:%') <> array_length(string_to_array(p.industries, ','), 1)`,
      mentor_keys: `select count(*) as n from posts p join users u on u.id = p.author_id where (u.user_type = 'mentor') <> exists (select 1 from feed_keys k where k.post_id = p.id and k.key = 'mentor')`,
      ticket_tallies: `select count(*) as n from (select category, status, count(*) as count from support_tickets group by 1, 2) t
        full join support_ticket_tallies y using (category, status) where t.count is distinct from nullif(y.count, 0)`,
    };
    // A room's last_message_at is its last message's time (computed, like the counters, by the same function).
    const roomChecks = {
      last_message_at: `select count(*) as n from chat_rooms r where last_message_at is distinct from (select created_at from chat_messages m where m.room_id = r.id order by m.id desc limit 1)`,
    };
    // A mentor's rating totals are the sum and number of their completed sessions' ratings; a
    // session's payment follows its price and status (free: paid; cancelled, rejected or
    // pending with a price: not paid; completed: paid).
    const mentorChecks = {
      rating_totals: `select count(*) as n from profiles p
        cross join lateral (select coalesce(sum(s.rating), 0) as total, count(*) as n from mentor_sessions s where s.mentor_id = p.user_id and s.status = 'COMPLETED') s
        where (p.rating_total, p.rating_count) <> (s.total, s.n)`,
      // The mentor lists' column copied from users (the generator writes it itself: see the profiles step).
      mentor_industry: `select count(*) as n from profiles p join users u on u.id = p.user_id
        where p.mentor_industry is distinct from case when u.user_type = 'mentor' and u.is_active then u.industry end`,
      rated_non_mentors: `select count(*) as n from profiles p join users u on u.id = p.user_id where u.user_type <> 'mentor' and (p.rating_count > 0 or cardinality(p.technical_skills) > 0)`,
      is_paid: `select count(*) as n from mentor_sessions where is_paid <> (price_minor = 0 or status = 'COMPLETED' or (status = 'ACCEPTED' and is_paid))`,
      session_price: `select count(*) as n from mentor_sessions s join profiles p on p.user_id = s.mentor_id where s.price_minor <> p.session_rate_minor`,
    };
    // Nobody applies to their own job nor before it was posted; the popular jobs (the bench's
    // applicants scenario) have a full page of applicants or more.
    const jobChecks = {
      own_applications: `select count(*) as n from job_applications a join jobs j on j.id = a.job_id where a.applicant_id = j.poster_id`,
      applied_before_posting: `select count(*) as n from job_applications a join jobs j on j.id = a.job_id where a.applied_at < j.created_at`,
      popular_jobs: `select count(*) as n from jobs j
        where j.id % greatest(1, (select count(*) from jobs) / ${POPULAR_JOBS}) = least(1, (select count(*) from jobs) / ${POPULAR_JOBS} - 1)
          and (select count(*) from job_applications a where a.job_id = j.id) < 10`,
    };
    const problems: string[] = [];
    for (const [noun, group] of [
      ['posts', checks],
      ['rooms', roomChecks],
      ['rows', mentorChecks],
      ['jobs', jobChecks],
    ] as const) {
      for (const [name, query] of Object.entries(group)) {
        const { rows } = await client.query<{ n: string }>(query);
        const n = Number(rows[0]?.n ?? 0);
        if (n) problems.push(`${name}: ${n} ${noun} disagree`);
      }
    }
    return problems;
  } finally {
    await client.end();
  }
}

async function main() {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const index = args.indexOf(flag);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const size = (value('--size') ?? 'S').toUpperCase();
  if (!isSizeName(size)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const url =
    value('--database-url') ?? process.env.DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/careernexus_bench_${size.toLowerCase()}`;
  await ensureDatabase(url);
  console.log(`generating ${size} into ${url.replace(/\/\/[^@/]*@/, '//…@')}`);
  const result = await generate({ url, size, log: (line) => console.log(line) });
  console.log(`${size} loaded in ${result.seconds.toFixed(1)} s:`, result.counts);
  if (args.includes('--verify')) {
    const problems = await verifyCounters(url);
    console.log(
      problems.length
        ? `counter problems: ${problems.join('; ')}`
        : 'counters, feed keys, last_message_at, mentor ratings, session payments and job applications verified',
    );
    if (problems.length) process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
