import { CHOICES } from '../choices.js';
import { notAdministrator } from '../errors.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { adminProcedure, authedProcedure, publicProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import { exchangeRateInput } from '../mentors/schemas.js';
import { setExchangeRate } from '../mentors/money.js';
import * as infoErrors from './errors.js';
import { choiceData, createContent, deleteContent, listCountries, readContent, setCountryPermit, updateContent } from './service.js';

const route = (route: Omit<RestRoute, 'tag'>) => rest({ ...route, tag: 'info' });
const ADMIN_ONLY = { 403: answers('Only administrators may do this', notAdministrator()) };

const country = z.object({ id: z.number().int(), country: z.string(), code: z.string(), iso_code: z.string(), permitted: z.boolean() });
const content = z.object({ title: z.string(), content: z.string().nullable(), items: z.array(z.string()).nullable(), updated: z.string() });

/** `items` as a list, or as the comma-separated text the original took. */
const items = z.union([z.array(z.string().trim().min(1).max(500)).max(200), z.string().max(20_000)]).transform((value) =>
  Array.isArray(value)
    ? value
    : value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
);

const titleQuery = z.object({ title: z.string().optional() });
const NO_TITLE = { 400: answers('No title given', infoErrors.titleQueryMissing()) };
const NO_SUCH_TITLE = { 404: answers('No such title', infoErrors.inexistentContent()) };
const UNKNOWN_COUNTRY_EXAMPLE = infoErrors.unknownCountry('Atlantis');
const EXAMPLE_TITLES = ['terms_of_service', 'privacy_policy'];

export const infoRouter = router({
  countries: publicProcedure
    .meta(
      route({
        method: 'GET',
        path: '/info/country-permit/',
        summary: 'Countries and their calling codes',
        description: 'Every country (ISO 3166 names, ITU codes); `?status=enable` or `disable` for permitted or barred ones only.',
        errors: {
          400: answers('Unknown status', infoErrors.unknownPermitStatus()),
        },
      }),
    )
    .input(z.object({ status: z.string().optional() }))
    .output(z.array(country))
    .query(({ ctx, input }) => listCountries(ctx.services, input.status)),

  setCountryPermit: adminProcedure
    .meta(
      route({
        method: 'PUT',
        path: '/info/country-permit/',
        protect: true,
        summary: 'Permit or bar a country’s calling codes',
        description: '`country` is the country’s id or name; `status` is enable or disable. Profiles cannot use a barred code.',
        errors: {
          400: answers('Unknown country, or nothing to change', UNKNOWN_COUNTRY_EXAMPLE, infoErrors.permitUnchanged(true)),
          ...ADMIN_ONLY,
        },
      }),
    )
    .input(
      z.object({
        country: z.union([z.number().int().positive(), z.string().trim().min(1).max(200)]),
        status: z.string().transform((value, ctx) => {
          const status = value.trim().toLowerCase();
          if (status !== 'enable' && status !== 'disable') {
            ctx.addIssue({ code: 'custom', message: `"${value}" is not a valid choice. Valid options: enable, disable.` });
            return z.NEVER;
          }
          return status;
        }),
      }),
    )
    .output(z.object({ country: z.string(), permitted: z.boolean() }))
    .mutation(({ ctx, input }) => setCountryPermit(ctx.services, input.country, input.status)),

  setExchangeRate: adminProcedure
    .meta(
      route({
        method: 'POST',
        path: '/info/exchange-rate/set/',
        protect: true,
        summary: 'Set a country’s exchange rate',
        description:
          '`{country, currency_name, currency_initials, exchange_rate}`: `country` is its id or name, `exchange_rate` the units of its currency per US dollar. One rate per country: setting again replaces it. Prices already set keep their value: a price is converted once, when it is submitted.',
        errors: {
          400: answers('Unknown country or an invalid field', UNKNOWN_COUNTRY_EXAMPLE),
          ...ADMIN_ONLY,
        },
      }),
    )
    .input(exchangeRateInput)
    .output(z.object({ status: z.literal('Set') }))
    .mutation(({ ctx, input }) => setExchangeRate(ctx.services, input)),

  content: publicProcedure
    .meta(
      route({
        method: 'GET',
        path: '/info/',
        summary: 'A content page (terms of service, …)',
        description: '`?title=`; every answer lists `Available_titles`.',
        errors: {
          400: answers('No title given', infoErrors.readTitleMissing(EXAMPLE_TITLES)),
          404: answers('No such title', infoErrors.readTitleUnknown(EXAMPLE_TITLES)),
        },
      }),
    )
    .input(titleQuery)
    .output(z.object({ status: z.literal('Success'), content, Available_titles: z.array(z.string()) }))
    .query(({ ctx, input }) => readContent(ctx.services, input.title)),

  createContent: adminProcedure
    .meta(
      route({
        method: 'POST',
        path: '/info/',
        status: 201,
        protect: true,
        summary: 'Add a content page',
        description: 'The title is stored lower-case, spaces as underscores. `items`: a list, or comma-separated text.',
        errors: { 400: answers('The title exists', infoErrors.existentTitle()), ...ADMIN_ONLY },
      }),
    )
    .input(z.object({ title: z.string().trim().min(1).max(200), content: z.string().max(100_000).optional(), items: items.optional() }))
    .output(content)
    .mutation(({ ctx, input }) => createContent(ctx.services, input)),

  updateContent: adminProcedure
    .meta(
      route({
        method: 'PUT',
        path: '/info/',
        protect: true,
        summary: 'Change a content page',
        description: '`?title=` names the page; the fields sent change.',
        errors: {
          400: answers('No title given, or the new title exists', infoErrors.titleQueryMissing(), infoErrors.existentTitle()),
          ...NO_SUCH_TITLE,
          ...ADMIN_ONLY,
        },
      }),
    )
    .input(
      titleQuery.extend({
        new_title: z.string().trim().min(1).max(200).optional(),
        content: z.string().max(100_000).optional(),
        items: items.optional(),
      }),
    )
    .output(content.extend({ status: z.literal('Updated') }))
    .mutation(async ({ ctx, input }) => {
      if (!input.title) throw infoErrors.titleQueryMissing();
      return updateContent(ctx.services, input.title, { title: input.new_title, content: input.content, items: input.items });
    }),

  deleteContent: adminProcedure
    .meta(
      route({
        method: 'DELETE',
        path: '/info/',
        status: 204,
        protect: true,
        summary: 'Delete a content page',
        description: '`?title=` names the page. 204, no body.',
        errors: { ...NO_TITLE, ...NO_SUCH_TITLE, ...ADMIN_ONLY },
      }),
    )
    .input(titleQuery)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      if (!input.title) throw infoErrors.titleQueryMissing();
      await deleteContent(ctx.services, input.title);
    }),

  choices: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/info/choice-data/',
        protect: true,
        summary: 'Valid choices',
        description: 'Without `field_name`: the field names. With it: `{"field_name", "Valid options"}`.',
        errors: {
          400: answers('Unknown field name', infoErrors.unknownChoiceField(Object.keys(CHOICES))),
        },
      }),
    )
    .input(z.object({ field_name: z.string().optional() }))
    .output(
      z.union([
        z.object({ field_names: z.array(z.string()) }),
        z.object({ field_name: z.enum(Object.keys(CHOICES) as [keyof typeof CHOICES]), 'Valid options': z.array(z.string()) }),
      ]),
    )
    .query(({ input }) => choiceData(input.field_name)),
});
