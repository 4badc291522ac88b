import type { ColumnType, Generated, Selectable } from 'kysely';

/** A timestamp column: read as Date, written as Date or ISO string, defaulted by the database. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type UserType = 'learner' | 'mentor' | 'employer';
export type UserRole = 'member' | 'admin';
export type OtpPurpose = 'signup' | 'reset' | 'deletion';

export interface UsersTable {
  id: Generated<number>;
  /** Always stored lower-cased; unique. */
  email: string;
  /** null: the account has no password (made by Google sign-in, or a company page); a reset can set one. */
  password_hash: string | null;
  user_type: ColumnType<UserType, UserType | undefined, UserType>;
  industry: ColumnType<string, string | undefined, string>;
  role: ColumnType<UserRole, UserRole | undefined, UserRole>;
  is_active: ColumnType<boolean, boolean | undefined, boolean>;
  date_joined: CreatedAt;
  last_login: NullableTimestamp;
  /** Set when a reset code was verified: the password may be changed for a few minutes after. */
  password_reset_verified_at: NullableTimestamp;
  /** Tokens issued before this instant are refused (set by a password reset). */
  tokens_valid_after: NullableTimestamp;
  /** Settings (GET/PUT /user/settings/), with the original's defaults except `show_email` (false). */
  email_notify: DefaultedFlag;
  push_notify: DefaultedFlag;
  message_notify: DefaultedFlag;
  weekly_summary: DefaultedFlag;
  job_alerts: DefaultedFlag;
  marketing: DefaultedFlag;
  show_email: DefaultedFlag;
  show_activity: DefaultedFlag;
  show_location: DefaultedFlag;
  /** The Google account (`sub`) that signs in to this one; unique (migration 0022). */
  google_subject: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set when the person deleted the account: the row stays, emptied, for what others keep (auth/deletion.ts). */
  deleted_at: NullableTimestamp;
  /** The week (its Monday, UTC) whose weekly digest was claimed for this member (settings/digest.ts). */
  digest_sent_for: ColumnType<string | null, never, string | null>;
}

/** A boolean column with a database default. */
type DefaultedFlag = ColumnType<boolean, boolean | undefined, boolean>;

/** A text column with a database default. */
type DefaultedText = ColumnType<string, string | undefined, string>;

export interface ProfilesTable {
  /** Profile id ≡ user id (compat C8). */
  user_id: number;
  first_name: DefaultedText;
  last_name: DefaultedText;
  middle_name: DefaultedText;
  country_code: DefaultedText;
  phone_number: DefaultedText;
  /** null: the default photo. */
  profile_photo: ColumnType<string | null, string | null | undefined, string | null>;
  cover_photo: ColumnType<string | null, string | null | undefined, string | null>;
  qualification: DefaultedText;
  position: DefaultedText;
  location: DefaultedText;
  bio: DefaultedText;
  intro_video: DefaultedText;
  summary: DefaultedText;
  /** An IANA time zone name in its canonical spelling, or 'UTC' (the default). */
  timezone: DefaultedText;
  /** The URL of a PDF in media storage (migration 0013). */
  resume: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  // Mentors only (migration 0009); null or empty for everyone else.
  years_of_experience: ColumnType<number | null, number | null | undefined, number | null>;
  availability: ColumnType<'weekdays' | 'weekends' | null, 'weekdays' | 'weekends' | null | undefined, 'weekdays' | 'weekends' | null>;
  current_job: ColumnType<string | null, string | null | undefined, string | null>;
  areas_of_expertise: ColumnType<string[], string[] | undefined, string[]>;
  technical_skills: ColumnType<string[], string[] | undefined, string[]>;
  mentorship_styles: ColumnType<string[], string[] | undefined, string[]>;
  linkedin_url: ColumnType<string | null, string | null | undefined, string | null>;
  /** The session rate in minor units (cents) of `session_rate_currency`. */
  session_rate_minor: ColumnType<number, number | undefined, number>;
  session_rate_currency: DefaultedText;
  /** Sum and number of the session ratings a mentor received: the shown rating is their mean. */
  rating_total: ColumnType<number, number | undefined, number>;
  rating_count: ColumnType<number, number | undefined, number>;
  /** Generated: folded (lower-case, unaccented) names, bio, skills and areas, for mentor search. */
  search_text: ColumnType<string | null, never, never>;
  /** Generated: the technical skills folded. */
  skills_folded: ColumnType<string[], never, never>;
  /** Generated: the mean session rating, null while unrated (mentor lists order by it, nulls last). */
  mentor_rating: ColumnType<number | null, never, never>;
  /** The user's industry while the user is an active mentor, else null: copied from users by triggers. */
  mentor_industry: ColumnType<string | null, never, never>;
  /** Generated (migration 0015): the names folded, "first middle last", for people search. */
  people_name: ColumnType<string | null, never, never>;
  /** Generated: qualification, bio and summary folded, for people search. */
  people_text: ColumnType<string | null, never, never>;
}

export interface SavedMentorsTable {
  saver_id: number;
  mentor_id: number;
  created_at: CreatedAt;
}

/** Units of a country's currency per US dollar, kept by administrators. */
export interface ExchangeRatesTable {
  country_id: number;
  currency_name: string;
  currency_initials: string;
  /** numeric: read it cast to float8 (PostgreSQL gives numeric as text). */
  exchange_rate: ColumnType<string | number, number | string, number | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ExperiencesTable {
  id: Generated<number>;
  user_id: number;
  title: string;
  organization: string;
  start_date: string;
  end_date: string;
  location: string;
  employment_type: string;
  detail: string;
  /** Generated (migration 0015): the organization folded, for people search. */
  organization_folded: ColumnType<string | null, never, never>;
}

export interface EducationsTable {
  id: Generated<number>;
  user_id: number;
  course: string;
  school: string;
  start_date: string;
  end_date: string;
  location: string;
  detail: string;
}

export interface CertificationsTable {
  id: Generated<number>;
  user_id: number;
  title: string;
  school: string;
  issue_date: string;
  cert_id: string;
  skills: string;
}

export interface ProfileViewsTable {
  viewer_id: number;
  viewed_id: number;
  viewed_on: ColumnType<Date, string | undefined, never>;
}

export interface FollowsTable {
  follower_id: number;
  following_id: number;
  created_at: CreatedAt;
}

export interface OtpCodesTable {
  id: Generated<number>;
  purpose: OtpPurpose;
  email: string;
  /** HMAC of the 6-digit code: the code itself is never stored. */
  code_digest: string;
  /** HMAC of the link token mailed with the code. */
  link_digest: string;
  /** argon2id hash of the chosen password (signup only), so the link can create the account. */
  password_hash: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface RefreshTokensTable {
  jti: string;
  user_id: number;
  issued_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  /** The session: the first refresh token's jti, kept through rotation (migration 0023). */
  session_id: string;
  /** The session this one was switched from (POST /user/switch-account/): its sign-out ends this one. */
  parent_session_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The access token issued with this refresh token (null before migration 0023). */
  access_jti: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RevokedAccessTokensTable {
  jti: string;
  user_id: number;
  expires_at: Timestamp;
}

type Counter = ColumnType<number, number | undefined, number>;

export interface PostsTable {
  id: Generated<number>;
  author_id: number;
  body: DefaultedText;
  parent_id: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: CreatedAt;
  pic1: string | null;
  pic2: string | null;
  pic3: string | null;
  video: string | null;
  article: string | null;
  /** Comma-joined industry labels, alphabetical, as classified at creation. */
  industries: DefaultedText;
  is_repost: ColumnType<boolean, boolean | undefined, boolean>;
  like_count: Counter;
  comment_count: Counter;
  share_count: Counter;
  /** When the author was e-mailed about the post's first like / first comment by someone else (claimed once). */
  first_like_mailed_at: ColumnType<Date | null, never, Date | null>;
  first_comment_mailed_at: ColumnType<Date | null, never, Date | null>;
}

export interface FeedKeysTable {
  key: string;
  post_id: number;
}

export interface PostLikesTable {
  post_id: number;
  user_id: number;
  created_at: CreatedAt;
}

export interface PostSavesTable {
  user_id: number;
  post_id: number;
  created_at: CreatedAt;
}

export interface PostSharesTable {
  id: Generated<number>;
  post_id: number;
  user_id: number;
  created_at: CreatedAt;
}

export interface CommentsTable {
  id: Generated<number>;
  post_id: number;
  user_id: number;
  parent_id: number | null;
  body: string;
  like_count: Counter;
  created_at: CreatedAt;
}

export interface CommentLikesTable {
  comment_id: number;
  user_id: number;
}

export interface ConnectionsTable {
  id: Generated<number>;
  requester_id: number;
  recipient_id: number;
  status: ColumnType<'pending' | 'accepted', 'pending' | 'accepted' | undefined, 'pending' | 'accepted'>;
  created_at: CreatedAt;
}

export interface JobsTable {
  id: Generated<number>;
  poster_id: number;
  title: string;
  organization: string;
  employment_type: string;
  work_type: string;
  country: string;
  salary: string;
  overview: string;
  description: string;
  /** Comma-joined industry labels, alphabetical. */
  industry: string;
  experience_level: string;
  created_at: CreatedAt;
  /** Null for jobs posted before deadlines existed: open until closed. */
  application_deadline: ColumnType<string | null, string | null | undefined, string | null>;
  status: ColumnType<JobStatus, JobStatus | undefined, JobStatus>;
}

export type JobStatus = 'active' | 'draft' | 'closed';
export type ApplicationStatus = 'submitted' | 'reviewed' | 'shortlisted' | 'rejected' | 'hired';

export interface JobApplicationsTable {
  id: Generated<number>;
  job_id: number;
  applicant_id: number;
  status: ColumnType<ApplicationStatus, ApplicationStatus | undefined, ApplicationStatus>;
  cover_letter: string | null;
  /** The URL of the PDF sent with the application; the applicant's profile résumé is shown when null. */
  resume: string | null;
  applied_at: CreatedAt;
}

export interface SavedJobsTable {
  saver_id: number;
  job_id: number;
  saved_at: CreatedAt;
}

export interface JobIndustriesTable {
  industry: string;
  job_id: number;
}

export interface JobPreferencesTable {
  user_id: number;
  title: string;
  employment_type: string;
  work_type: string;
  industry: string;
  experience_level: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  type: string;
  message: string;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: CreatedAt;
  read_at: NullableTimestamp;
}

export interface CountriesTable {
  id: Generated<number>;
  iso_code: string;
  name: string;
  /** The main calling code, e.g. "+234". */
  code: string;
  codes: string[];
  permitted: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface InfoContentsTable {
  id: Generated<number>;
  title: string;
  content: string | null;
  items: ColumnType<string[] | null, string | null | undefined, string | null>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ChatRoomsTable {
  id: Generated<number>;
  user_low: number;
  user_high: number;
  initiator_id: number;
  created_at: CreatedAt;
  last_message_at: NullableTimestamp;
}

export interface ChatMessagesTable {
  id: Generated<number>;
  room_id: number;
  sender_id: number;
  body: string;
  created_at: CreatedAt;
}

export interface ChatReadsTable {
  room_id: number;
  user_id: number;
  last_read_id: ColumnType<number, number | undefined, number>;
  /** The newest message shown to the member on the conversation's open socket: seen, though still unread. */
  shown_id: ColumnType<number, number | undefined, number>;
  /** When the member was last e-mailed about unread messages here (at most one an hour). */
  mailed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type SessionType = 'individual' | 'group';
export type SessionStatus = 'PENDING' | 'ACCEPTED' | 'REJECTED' | 'CANCELLED' | 'COMPLETED';

export interface MentorSessionsTable {
  id: Generated<number>;
  mentor_id: number;
  mentee_id: number;
  session_type: SessionType;
  /** The video room's name, unique. */
  room_name: string;
  /** The instant, in UTC. */
  session_at: Timestamp;
  discourse: string;
  /** 1–5 once COMPLETED, 0 before. */
  rating: ColumnType<number, number | undefined, number>;
  /** Changed only through the transitions of the API's sessions/states.ts. */
  status: ColumnType<SessionStatus, SessionStatus | undefined, SessionStatus>;
  /** The mentor's rate when booked, in minor units of `price_currency`; 0: free (paid at booking). */
  price_minor: ColumnType<number, number | undefined, number>;
  price_currency: DefaultedText;
  is_paid: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  status_changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface MentorSessionInviteesTable {
  id: Generated<number>;
  session_id: number;
  invitee_id: number;
  created_at: CreatedAt;
}

export type PaymentProviderName = 'flutterwave' | 'stripe' | 'fake';
export type PaymentStatus = 'pending' | 'paid' | 'failed';

/** Changed only by the API's payments/settle.ts (and initiate, which writes `provider_ref`). */
export interface PaymentsTable {
  id: Generated<number>;
  session_id: number;
  payer_id: number;
  provider: PaymentProviderName;
  /** Ours, unique: Flutterwave's tx_ref, Stripe's client_reference_id. */
  reference: string;
  provider_ref: ColumnType<string | null, string | null | undefined, string | null>;
  provider_transaction_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** What is charged, in minor units of `currency`. */
  amount_minor: number;
  currency: string;
  /** The session's price in US cents. */
  usd_minor: number;
  status: ColumnType<PaymentStatus, PaymentStatus | undefined, PaymentStatus>;
  failure: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  paid_at: NullableTimestamp;
}

/** The built-in fake provider's side of a checkout (development only). */
export interface FakeCheckoutsTable {
  reference: string;
  amount_minor: number;
  currency: string;
  description: string;
  return_url: string;
  transaction_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  paid_at: NullableTimestamp;
}

/** 'payment_received': a provider confirmed a session's payment; 'session_earning': a completed session is shared out. */
export type LedgerKind = 'payment_received' | 'session_earning';
export type LedgerAccountKind = 'mentor' | 'platform' | 'payments' | 'providers';

/** A double-entry transaction: its entries sum to zero per currency (migration 0012). */
export interface LedgerTransactionsTable {
  id: Generated<number>;
  kind: LedgerKind;
  /** Unique per kind: a session is received and credited at most once each. */
  session_id: number | null;
  created_at: CreatedAt;
}

export interface LedgerEntriesTable {
  id: Generated<number>;
  transaction_id: number;
  account_kind: LedgerAccountKind;
  /** The mentor's user id for 'mentor' accounts; null for the others. */
  owner_id: number | null;
  /** Signed minor units: + credits the account, − debits it. */
  amount_minor: number;
  currency: DefaultedText;
}

/** A portfolio project (migration 0016); `image` null shows the default image. */
export interface ProjectsTable {
  id: Generated<number>;
  owner_id: number;
  title: string;
  description: string;
  image: string | null;
  download_material: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface LibraryItemsTable {
  id: Generated<number>;
  title: string;
  description: string;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  file: string;
  created_at: CreatedAt;
  created_by: number | null;
}

export type TicketCategory = 'technical' | 'payment' | 'account' | 'request' | 'others';
export type TicketPriority = 'low' | 'medium' | 'high' | 'urgent';
export type TicketStatus = 'pending' | 'in_progress' | 'resolved' | 'closed';

/** A support ticket (migration 0024): a member's dispute, answered by an administrator. */
export interface SupportTicketsTable {
  id: Generated<number>;
  user_id: number;
  category: TicketCategory;
  priority: TicketPriority;
  message: string;
  status: ColumnType<TicketStatus, TicketStatus | undefined, TicketStatus>;
  admin_response: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Tickets per category and status (migration 0028), kept by a trigger on support_tickets; read-only here. */
export interface SupportTicketTalliesTable {
  category: TicketCategory;
  status: TicketStatus;
  /** bigint: pg returns it as a string. */
  count: ColumnType<string, never, never>;
}

/** A corporate sales lead (migration 0024), left by a visitor; one per e-mail. */
export interface CorporateLeadsTable {
  id: Generated<number>;
  full_name: string;
  email_address: string;
  phone_number: string;
  interested_services: string[];
  package: string | null;
  created_at: CreatedAt;
}

/** What only a company page has (migration 0023); its name, logo, tagline and location are in its profile. */
export interface CompaniesTable {
  user_id: number;
  company_type: string;
  company_size: string;
  website: string;
  email_verified: DefaultedFlag;
  verification_digest: string | null;
  created_at: CreatedAt;
}

export interface LinkedAccountsTable {
  main_account_id: number;
  child_id: number;
  created_at: CreatedAt;
}

export interface AccountSwitchesTable {
  id: Generated<number>;
  user_id: number;
  account_id: number;
  switched_at: CreatedAt;
}

type MembershipStatus = 'invited' | 'accepted';

export interface OrganizationMembersTable {
  organization_id: number;
  member_id: number;
  status: ColumnType<MembershipStatus, MembershipStatus | undefined, MembershipStatus>;
  invited_at: CreatedAt;
  accepted_at: NullableTimestamp;
}

/** One stable share link per post and sharer (migration 0021); post_shares counts every share. */
export interface PostShareLinksTable {
  post_id: number;
  user_id: number;
  hash: string;
  created_at: CreatedAt;
}

export interface NewslettersTable {
  id: Generated<number>;
  title: string;
  content: string;
  image: string | null;
  created_by: number | null;
  created_at: CreatedAt;
}

/** A member (user_id) or a public e-mail address (email, pending until confirmed_at). */
export interface NewsletterSubscribersTable {
  id: Generated<number>;
  user_id: number | null;
  email: string | null;
  confirm_digest: string | null;
  confirmed_at: Date | null;
  created_at: CreatedAt;
}

/** The delivery queue: one row per newsletter and address. */
export interface NewsletterDeliveriesTable {
  id: Generated<number>;
  newsletter_id: number;
  subscriber_id: number;
  address: string;
  attempts: Generated<number>;
  not_before: Generated<Date>;
  finished_at: Date | null;
  skipped: Generated<boolean>;
}

export interface Database {
  users: UsersTable;
  profiles: ProfilesTable;
  otp_codes: OtpCodesTable;
  refresh_tokens: RefreshTokensTable;
  revoked_access_tokens: RevokedAccessTokensTable;
  experiences: ExperiencesTable;
  educations: EducationsTable;
  certifications: CertificationsTable;
  profile_views: ProfileViewsTable;
  follows: FollowsTable;
  posts: PostsTable;
  connections: ConnectionsTable;
  feed_keys: FeedKeysTable;
  post_likes: PostLikesTable;
  post_saves: PostSavesTable;
  post_shares: PostSharesTable;
  comments: CommentsTable;
  comment_likes: CommentLikesTable;
  jobs: JobsTable;
  job_industries: JobIndustriesTable;
  job_preferences: JobPreferencesTable;
  job_applications: JobApplicationsTable;
  saved_jobs: SavedJobsTable;
  notifications: NotificationsTable;
  countries: CountriesTable;
  info_contents: InfoContentsTable;
  chat_rooms: ChatRoomsTable;
  chat_messages: ChatMessagesTable;
  chat_reads: ChatReadsTable;
  saved_mentors: SavedMentorsTable;
  exchange_rates: ExchangeRatesTable;
  mentor_sessions: MentorSessionsTable;
  mentor_session_invitees: MentorSessionInviteesTable;
  payments: PaymentsTable;
  fake_checkouts: FakeCheckoutsTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_entries: LedgerEntriesTable;
  projects: ProjectsTable;
  library_items: LibraryItemsTable;
  support_tickets: SupportTicketsTable;
  support_ticket_tallies: SupportTicketTalliesTable;
  corporate_leads: CorporateLeadsTable;
  companies: CompaniesTable;
  linked_accounts: LinkedAccountsTable;
  account_switches: AccountSwitchesTable;
  organization_members: OrganizationMembersTable;
  post_share_links: PostShareLinksTable;
  newsletters: NewslettersTable;
  newsletter_subscribers: NewsletterSubscribersTable;
  newsletter_deliveries: NewsletterDeliveriesTable;
}

export type User = Selectable<UsersTable>;
export type OtpCode = Selectable<OtpCodesTable>;
