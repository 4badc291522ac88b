import { sql, type Kysely } from '@careernexus/db';

/** The application's tables (the migrator's own bookkeeping left out). */
export async function tableNames(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
    order by table_name`.execute(db);
  return rows.map((row) => row.table_name);
}

/** The number of rows of each table, read in one statement (one snapshot). */
export async function rowCounts(db: Kysely<any>, tables: string[]): Promise<Record<string, number>> {
  const columns = tables.map((table) => `(select count(*) from "${table}")::int as "${table}"`).join(', ');
  const { rows } = await sql.raw<Record<string, number>>(`select ${columns}`).execute(db);
  return rows[0]!;
}

/** Every text-like column of every table, as `table.column` pairs. */
async function textColumns(db: Kysely<any>): Promise<Array<{ table: string; column: string; bytes: boolean }>> {
  const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
    select c.table_name, c.column_name, c.data_type from information_schema.columns c
    join information_schema.tables t on t.table_name = c.table_name and t.table_schema = c.table_schema
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.table_name not like 'kysely_%'
      and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')
    order by c.table_name, c.column_name`.execute(db);
  return rows.map((row) => ({ table: row.table_name, column: row.column_name, bytes: row.data_type === 'bytea' }));
}

/** The `table.column`s holding `needle` anywhere in some row (bytea read as escaped bytes). */
export async function columnsContaining(db: Kysely<any>, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const { table, column, bytes } of await textColumns(db)) {
    const text = bytes ? sql`encode(${sql.ref(column)}, 'escape')` : sql`${sql.ref(column)}::text`;
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.table(table)} where position(${needle} in ${text}) > 0`.execute(db);
    if (rows[0]!.n > 0) found.push(`${table}.${column}`);
  }
  return found;
}

/** A digest of every row of every table: equal fingerprints mean nothing was written. */
export async function databaseFingerprint(db: Kysely<any>, tables: string[]): Promise<Record<string, string>> {
  const columns = tables.map(
    (table) => `(select coalesce(md5(string_agg(r::text, '|' order by r::text)), '') from "${table}" r) as "${table}"`,
  );
  const { rows } = await sql.raw<Record<string, string>>(`select ${columns.join(', ')}`).execute(db);
  return rows[0]!;
}
