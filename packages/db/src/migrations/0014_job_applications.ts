import { sql, type Kysely } from 'kysely';

// Jobs gain a lifecycle; seekers apply (once per job: the unique pair) and save jobs (once: the key).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table jobs
      add column application_deadline date,
      add column status text not null default 'active' check (status in ('active', 'draft', 'closed'))`.execute(db);
  // GET /job/?status= lists a poster's jobs of one status, newest first.
  await sql`create index jobs_by_poster_status on jobs (poster_id, status, id)`.execute(db);

  await sql`
    create table job_applications (
      id bigint generated always as identity primary key,
      job_id bigint not null references jobs (id) on delete cascade,
      applicant_id bigint not null references users (id) on delete cascade,
      status text not null default 'submitted' check (status in ('submitted', 'reviewed', 'shortlisted', 'rejected', 'hired')),
      cover_letter text,
      resume text,
      applied_at timestamptz not null default now(),
      unique (job_id, applicant_id)
    )`.execute(db);
  // A job's applicants newest first (and the poster's recent ones, job by job); an applicant's own.
  await sql`create index job_applications_by_job on job_applications (job_id, id)`.execute(db);
  await sql`create index job_applications_by_applicant on job_applications (applicant_id, id)`.execute(db);

  await sql`
    create table saved_jobs (
      saver_id bigint not null references users (id) on delete cascade,
      job_id bigint not null references jobs (id) on delete cascade,
      saved_at timestamptz not null default now(),
      primary key (saver_id, job_id)
    )`.execute(db);
  await sql`create index saved_jobs_by_job on saved_jobs (job_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists saved_jobs`.execute(db);
  await sql`drop table if exists job_applications`.execute(db);
  await sql`drop index if exists jobs_by_poster_status`.execute(db);
  await sql`alter table jobs drop column status, drop column application_deadline`.execute(db);
}
