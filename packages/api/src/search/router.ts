import { answers, rest, type RestRoute } from '../rest.js';
import { authedProcedure, router } from '../trpc.js';
import * as searchErrors from './errors.js';
import { peoplePage, peopleSearchInput } from './schemas.js';
import { MAX_KEYWORD_LENGTH, MIN_KEYWORD_RUN, SEARCH_CAP, searchPeople } from './service.js';
import { toleratingLag } from '../platform/reads.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'search', protect: true });

export const searchRouter = router({
  people: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/user/search/',
        summary: 'Find people',
        description:
          '`?keyword=` matches part of a name (first, middle, last), the qualification, bio or summary, or a company of the career records; ' +
          'any case, accents ignored (`ngozi` finds Ngözi). Best matches first: a name equal to the keyword (`ngozi`, `ngozi okafor`), ' +
          'then a name beginning with it, then a match elsewhere; then by id. Deactivated members never appear; you do, as on LinkedIn. ' +
          `At most ${SEARCH_CAP} people are listed and counted (${SEARCH_CAP / 4} pages of 4): beyond that \`count\` says about ${SEARCH_CAP}, the pages end there, ` +
          `and which of the many matches make the list follows the indexes, not the ranking. Names come first: when ${SEARCH_CAP} names match, ` +
          'the other fields are not searched; otherwise their matches follow the names. ' +
          'Paginated, **4 a page** by default, absolute links.',
        errors: {
          400: answers(
            `No keyword, fewer than ${MIN_KEYWORD_RUN} letters or digits in a row, or over ${MAX_KEYWORD_LENGTH} characters`,
            searchErrors.keywordMissing(),
            searchErrors.keywordTooShort(MIN_KEYWORD_RUN),
            searchErrors.keywordTooLong(MAX_KEYWORD_LENGTH),
          ),
        },
      }),
    )
    .input(peopleSearchInput)
    .output(peoplePage)
    .query(async ({ ctx, input }) => searchPeople(await toleratingLag(ctx), input)),
});
