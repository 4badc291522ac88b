import type { ColumnType, Generated, Selectable } from 'kysely';

/** A timestamp column: read as Date, written as Date or ISO string, defaulted by the database. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type UserType = 'learner' | 'mentor' | 'employer';
export type UserRole = 'member' | 'admin';
export type OtpPurpose = 'signup' | 'reset';

export interface UsersTable {
  id: Generated<number>;
  /** Always stored lower-cased; unique. */
  email: string;
  password_hash: string;
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
}

export interface ProfilesTable {
  /** Profile id ≡ user id (compat C8). */
  user_id: number;
  first_name: ColumnType<string, string | undefined, string>;
  last_name: ColumnType<string, string | undefined, string>;
  middle_name: ColumnType<string, string | undefined, string>;
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
}

export interface RevokedAccessTokensTable {
  jti: string;
  user_id: number;
  expires_at: Timestamp;
}

export interface Database {
  users: UsersTable;
  profiles: ProfilesTable;
  otp_codes: OtpCodesTable;
  refresh_tokens: RefreshTokensTable;
  revoked_access_tokens: RevokedAccessTokensTable;
}

export type User = Selectable<UsersTable>;
export type OtpCode = Selectable<OtpCodesTable>;
