import { sql, type Kysely } from 'kysely';

// The administrators' desk summary counts tickets per category and status. Counting the tickets
// reads every one of them (index or table), so its cost grew with the desk; a tally per
// (category, status) kept by a trigger is read in 20 rows whatever the desk holds. The trigger
// sees every write, the API's and cascades from a deleted account alike.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table support_ticket_tallies (
      category text not null,
      status text not null,
      count bigint not null check (count >= 0),
      primary key (category, status)
    )`.execute(db);
  await sql`
    create function cn_support_ticket_tally() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        update public.support_ticket_tallies set count = count - 1 where category = old.category and status = old.status;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        insert into public.support_ticket_tallies (category, status, count) values (new.category, new.status, 1)
        on conflict (category, status) do update set count = public.support_ticket_tallies.count + 1;
      end if;
      return null;
    end $$`.execute(db);
  // Two triggers: a WHEN clause may name both OLD and NEW only on an update.
  await sql`
    create trigger support_tickets_tally after insert or delete on support_tickets
    for each row execute function cn_support_ticket_tally()`.execute(db);
  await sql`
    create trigger support_tickets_tally_moves after update of category, status on support_tickets
    for each row when ((old.category, old.status) is distinct from (new.category, new.status))
    execute function cn_support_ticket_tally()`.execute(db);
  await sql`
    insert into support_ticket_tallies (category, status, count)
    select category, status, count(*) from support_tickets group by category, status`.execute(db);
  await sql`drop index support_tickets_summary`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index support_tickets_summary on support_tickets (category, status)`.execute(db);
  await sql`drop trigger if exists support_tickets_tally_moves on support_tickets`.execute(db);
  await sql`drop trigger if exists support_tickets_tally on support_tickets`.execute(db);
  await sql`drop function if exists cn_support_ticket_tally()`.execute(db);
  await sql`drop table if exists support_ticket_tallies`.execute(db);
}
