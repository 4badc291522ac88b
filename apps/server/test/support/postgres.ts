/** The test PostgreSQL server (trust auth); each test file gets a database of its own on it. */
export const POSTGRES_BASE = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const ADMIN_URL = `${POSTGRES_BASE}/postgres`;
export const postgresUrl = (database: string) => `${POSTGRES_BASE}/${database}`;
