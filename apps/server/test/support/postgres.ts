import pg from 'pg';

/** The test PostgreSQL server (trust auth); each test file gets a database of its own on it. */
export const POSTGRES_BASE = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const ADMIN_URL = `${POSTGRES_BASE}/postgres`;
export const postgresUrl = (database: string) => `${POSTGRES_BASE}/${database}`;

async function asAdmin(statement: string) {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** A new database on the test server, empty or a copy of `template`. */
export const createDatabase = (name: string, template?: string) =>
  asAdmin(`create database ${name}${template ? ` template ${template}` : ''}`);

/** Drops a test database, even with sessions still open on it. */
export const dropDatabase = (name: string) => asAdmin(`drop database if exists ${name} with (force)`);
