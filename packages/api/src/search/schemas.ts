import { envelope, pageInput } from '../pagination.js';
import { profileCard } from '../posts/schemas.js';
import { z } from '../validation.js';

export const peopleSearchInput = z.object({
  ...pageInput,
  keyword: z
    .string()
    .optional()
    .describe('Part of a name, qualification, bio, summary or company; any case, accents ignored; at least 3 letters or digits in a row'),
});

/**
 * A person found: the profile card (compat.md lists search among the lists of profile cards)
 * with the original's `name`, so clients of either shape read what they expect.
 */
const personFound = profileCard.extend({ name: z.string().describe('"<first> <last>", as the original’s search item names people') });
export type PersonFound = z.infer<typeof personFound>;

export const peoplePage = envelope(personFound);
