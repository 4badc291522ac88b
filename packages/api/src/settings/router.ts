import { rest, type RestRoute } from '../rest.js';
import { timezoneField } from '../timezones.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import { type Flag, readSettings, SETTING_FLAGS, updateSettings } from './service.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'settings', protect: true });

/** What each setting does, as the document shows it. */
const EFFECTS: Record<Flag, string> = {
  email_notify: 'e-mail me when a post of mine gets its first like and its first comment from someone else (default false)',
  push_notify: 'push my notifications live to my sockets and subscriptions; they are stored either way (default true)',
  message_notify:
    'e-mail me about a chat message I have not seen (read, or had its conversation open on a socket) after MESSAGE_MAIL_DELAY (2 minutes by default; sent within MESSAGE_MAIL_INTERVAL, 30 seconds, after that), at most once per conversation an hour, even if a server stops meanwhile (default false)',
  weekly_summary: 'send me a weekly digest: new followers, connection requests and reactions to my posts (default false)',
  job_alerts: 'notify me of new jobs matching my preferences and of status changes of my applications (default true)',
  marketing: 'send me newsletters (default false)',
  show_email: 'show my e-mail address on my profile to others (default false; the original showed it)',
  show_activity: 'let others see my analytics (`/user/analytics/?user_id=`) (default false)',
  show_location: 'show my location on my profile to others (default false)',
};

/** A JSON boolean, or from a form "true"/"false"/"1"/"0" (any case). */
const flag = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : value;
}, z.boolean());

/** One field per setting, in SETTING_FLAGS order, each described by what it does. */
const settingFields = <Field extends z.ZodType>(field: Field) =>
  Object.fromEntries(SETTING_FLAGS.map((name) => [name, field.describe(EFFECTS[name])])) as Record<Flag, Field>;

const settingsInput = z.object({ ...settingFields(flag.optional()), timezone: timezoneField.optional() });

const settingsOutput = z.object({
  ...settingFields(z.boolean()),
  timezone: z.string().describe('Your profile’s IANA time zone (UTC by default)'),
});

export const settingsRouter = router({
  read: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/user/settings/',
        summary: 'Your settings',
        description: 'Your nine settings and your time zone. What each setting does is in the response schema.',
      }),
    )
    .input(z.void())
    .output(settingsOutput)
    .query(({ ctx }) => readSettings(ctx.services, ctx.viewer.id)),

  update: authedProcedure
    .meta(
      route({
        method: 'PUT',
        path: '/user/settings/',
        summary: 'Change your settings',
        description:
          'Any subset of the settings (booleans; in a form also `true`/`false`/`1`/`0`) and `timezone`; the others keep their values. ' +
          'Answers all of them. `timezone` is an IANA zone name in any case, or one of the web client’s labels: ' +
          '"Pacific Time" (America/Los_Angeles), "Eastern Time" (America/New_York), "Central Time" (America/Chicago), ' +
          '"Mountain Time" (America/Denver), "GMT" (UTC). A bad value is a 400 naming its field, and nothing changes.',
      }),
    )
    .input(settingsInput)
    .output(settingsOutput)
    .mutation(({ ctx, input }) => updateSettings(ctx.services, ctx.viewer.id, input)),
});
