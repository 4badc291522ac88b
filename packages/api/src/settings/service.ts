import type { Services } from '../context.js';

/** The member's settings (original-beyond-seed §6.5), columns of `users` of the same names. */
export const SETTING_FLAGS = [
  'email_notify',
  'push_notify',
  'message_notify',
  'weekly_summary',
  'job_alerts',
  'marketing',
  'show_email',
  'show_activity',
  'show_location',
] as const;

export type Flag = (typeof SETTING_FLAGS)[number];
export type SettingsChanges = Partial<Record<Flag, boolean>> & { timezone?: string | undefined };

const COLUMNS = [...SETTING_FLAGS.map((flag) => `u.${flag}` as const), 'p.timezone'] as const;

export async function readSettings(services: Services, userId: number) {
  return services.db
    .selectFrom('users as u')
    .innerJoin('profiles as p', 'p.user_id', 'u.id')
    .select(COLUMNS)
    .where('u.id', '=', userId)
    .executeTakeFirstOrThrow();
}

/** Changes the settings sent (the time zone is the profile's), in one transaction; answers them all. */
export async function updateSettings(services: Services, userId: number, changes: SettingsChanges) {
  const { timezone, ...flags } = changes;
  const set = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  await services.db.transaction().execute(async (trx) => {
    if (Object.keys(set).length) await trx.updateTable('users').set(set).where('id', '=', userId).execute();
    if (timezone !== undefined)
      await trx.updateTable('profiles').set({ timezone, updated_at: services.now() }).where('user_id', '=', userId).execute();
  });
  return readSettings(services, userId);
}
