import { z } from './validation.js';

/**
 * The time zones a profile may have: the runtime's own IANA list, sorted, plus `UTC`, which
 * Node 20's list (ICU's canonical zones) leaves out along with every `Etc/` name.
 */
export const TIME_ZONES: readonly string[] = [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].sort();

/** Labels the web client's settings page sends instead of zone names. */
const ALIASES: Record<string, string> = {
  'pacific time': 'America/Los_Angeles',
  'eastern time': 'America/New_York',
  'central time': 'America/Chicago',
  'mountain time': 'America/Denver',
  // The runtime resolves GMT to UTC (Intl.DateTimeFormat) and lists no Etc/GMT: UTC is its choice.
  gmt: 'UTC',
};

const byLowerCase = new Map([...TIME_ZONES.map((zone) => [zone.toLowerCase(), zone] as const), ...Object.entries(ALIASES)]);

/**
 * Links and newer spellings the list leaves out (`Asia/Kolkata`, `Europe/Kyiv`, `US/Pacific`), as
 * the runtime resolves them to a listed zone.
 */
function canonicalZone(name: string): string | undefined {
  try {
    return byLowerCase.get(new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone.toLowerCase());
  } catch {
    return undefined; // RangeError: not a zone at all
  }
}

/**
 * A time zone name in any case (or a client label), stored in the list's spelling. The length
 * cap keeps a huge value out of the error message that quotes it.
 */
export const timezoneField = z
  .string()
  .max(100)
  .transform((value, ctx) => {
    const zone = byLowerCase.get(value.trim().toLowerCase()) ?? canonicalZone(value.trim());
    if (zone === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a valid time zone.` });
      return z.NEVER;
    }
    return zone;
  })
  .describe('An IANA time zone name such as Africa/Lagos (any case), UTC, or Pacific/Eastern/Central/Mountain Time, GMT');
