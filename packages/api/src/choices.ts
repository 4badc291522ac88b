import { TIME_ZONES } from './timezones.js';
import { z } from './validation.js';

/**
 * The choice lists of `info/choice-data/`, in the seed's order. Values are matched
 * case-insensitively and stored in the spelling listed here. `timezones` is the runtime's list,
 * validated by `timezoneField` (which also takes the web client's labels).
 */
export const CHOICES = {
  industry: [
    'banking',
    'entertainment',
    'transportation',
    'education',
    'agriculture',
    'business',
    'construction',
    'government',
    'others',
    'commerce',
    'health',
    'technology',
    'manufacturing',
    'sports',
    'media',
  ],
  employment_type: ['Remote', 'Hybrid', 'Onsite'],
  user: ['learner', 'mentor', 'employer'],
  employment_category: ['full_time', 'part_time', 'contract', 'internship', 'freelance'],
  experience_level: ['entry', 'mid', 'senior', 'executive'],
  work_type: ['remote', 'hybrid', 'onsite'],
  company_type: ['corporation', 'llc', 'partnership', 'sole_proprietor', 'non_profit', 'startup', 'public', 'private'],
  company_size: ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '+5000'],
  timezones: TIME_ZONES,
} as const;

export type ChoiceField = keyof typeof CHOICES;

/** Who an account is: a learner, a mentor or an employer. */
export const userTypeSchema = z.enum(CHOICES.user);
type Choice<F extends ChoiceField> = (typeof CHOICES)[F][number];

/** Old spellings clients still send (compat C12). */
const ALIASES: Record<string, string> = { ariculture: 'agriculture', sport: 'sports' };

/**
 * A field accepting one option of a list, in any case; refused with the valid options named.
 * Not for time zones: their refusal would name hundreds of options, and `timezoneField` takes aliases.
 */
export function choiceField<F extends Exclude<ChoiceField, 'timezones'>>(field: F) {
  const options = CHOICES[field] as readonly string[];
  const byLowerCase = new Map(options.map((option) => [option.toLowerCase(), option]));
  return z.string().transform((value, ctx) => {
    const key = value.trim().toLowerCase();
    const option = byLowerCase.get(ALIASES[key] ?? key);
    if (option === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a valid choice. Valid options: ${options.join(', ')}.` });
      return z.NEVER;
    }
    return option as Choice<F>;
  });
}
