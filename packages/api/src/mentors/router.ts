import { CHOICES } from '../choices.js';
import { pageInput } from '../pagination.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import * as schemas from './schemas.js';
import * as mentorErrors from './errors.js';
import { MENTOR_SEARCH_CAP, RATING_WALK_CAP, recommendMentors, saveMentor, savedMentors, searchMentors, unsaveMentor } from './service.js';
import { toleratingLag } from '../platform/reads.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'mentors', protect: true });

const CARD =
  '`session_rate` is in your currency when your country has an exchange rate (else USD), `rating` the mean of the session ratings (0 when none).';

export const mentorsRouter = router({
  recommendations: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/mentor/recommendation/',
        summary: 'Mentors for you',
        description: `Mentors of your industry (never you), best rated first, then by id. Paginated, **4 a page** by default. ${CARD}`,
      }),
    )
    .input(z.object(pageInput))
    .output(schemas.mentorPage)
    .query(async ({ ctx, input }) => recommendMentors(await toleratingLag(ctx), ctx.viewer, input)),

  search: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/mentor/search/',
        summary: 'Find mentors',
        description:
          'Mentors of any industry matching every parameter given (none: all mentors), best rated first. `text` matches part of a name, the bio, ' +
          'a skill or an area of expertise; `skills` (comma-separated) must all be among the mentor’s skills; both ignore case and accents. ' +
          `\`experience_level\`: entry 0–2 years, mid 3–5, senior 6–10, executive 11 or more; \`availability\`: weekdays or weekends. Paginated (10 a page). ` +
          `At most ${MENTOR_SEARCH_CAP} mentors are counted and listed: a \`count\` of ${MENTOR_SEARCH_CAP} means ${MENTOR_SEARCH_CAP} or more, and the list is then the matches ` +
          `among the ${RATING_WALK_CAP.toLocaleString('en')} best-rated mentors followed by other matches in rating order (not necessarily the best rated of the rest). ${CARD}`,
        errors: {
          400: answers(
            'An unknown choice or a too long text',
            mentorErrors.notAValidChoice('experience_level', 'expert', CHOICES.experience_level),
          ),
        },
      }),
    )
    .input(schemas.searchInput)
    .output(schemas.mentorPage)
    .query(async ({ ctx, input }) => searchMentors(await toleratingLag(ctx), ctx.viewer, input)),

  save: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/mentor/save/',
        status: 201,
        summary: 'Save a mentor',
        description: '`{"mentor": <user id>}`. Idempotent: saving again keeps one save and answers the same.',
        errors: {
          400: answers(
            'Yourself, not a mentor, or no such user',
            mentorErrors.savingYourself(),
            mentorErrors.savingNonMentor(),
            mentorErrors.unknownMentor(99),
          ),
        },
      }),
    )
    .input(schemas.mentorRef)
    .output(schemas.savedItem)
    .mutation(({ ctx, input }) => saveMentor(ctx.services, ctx.viewer, input.mentor)),

  saved: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/mentor/save/',
        summary: 'Mentors you saved',
        description: `\`[{"saved": mentor}]\`, in the order you saved them. ${CARD}`,
      }),
    )
    .input(z.void())
    .output(z.array(schemas.savedItem))
    .query(({ ctx }) => savedMentors(ctx.services, ctx.viewer)),

  unsave: authedProcedure
    .meta(
      route({
        method: 'DELETE',
        path: '/mentor/save/',
        status: 204,
        summary: 'Unsave a mentor',
        description: '`?mentor=<user id>`. 204 with no body; unsaving a mentor you had not saved changes nothing.',
        errors: {
          400: answers('No mentor given, or not an id', mentorErrors.unsaveMentorMissing(), mentorErrors.mentorIdNotAnInteger()),
        },
      }),
    )
    .input(schemas.mentorQuery)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      await unsaveMentor(ctx.services, ctx.viewer, input.mentor);
    }),
});
