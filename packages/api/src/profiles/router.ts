import type { TRPCError } from '@trpc/server';
import { answers, rest, type RestRoute } from '../rest.js';
import { mediaRefusals } from '../media/router.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import { analytics, completion, retrieveProfile, setIndustry, updateProfile } from './profile.js';
import { CERTIFICATION, createRecord, deleteRecord, EDUCATION, EXPERIENCE, listRecords, updateRecord, type RecordKind } from './records.js';
import * as profileErrors from './errors.js';
import { analyticsPrivate } from '../settings/errors.js';
import * as schemas from './schemas.js';
import { companyProfile } from '../organizations/schemas.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'profile', protect: true });

interface RecordRoutes {
  name: string;
  kind: RecordKind;
  fields: z.ZodObject;
  item: z.ZodObject;
  path: `/${string}/`;
  updatePath: `/${string}/`;
  idParam: string;
}

/** List, add, edit and delete for one kind of career record; only the owner's records are reachable. */
function recordRouter({ name, kind, fields, item, path, updatePath, idParam }: RecordRoutes) {
  const notYours = (refusal: TRPCError) => answers('No record of yours has this id', refusal);
  return router({
    list: authedProcedure
      .meta(
        route({
          method: 'GET',
          path,
          summary: `List your ${name} records`,
          description: `Your ${name} records, newest first.`,
        }),
      )
      .input(z.void())
      .output(z.array(item))
      .query(({ ctx }) => listRecords(ctx.services, kind, ctx.viewer.id)),
    create: authedProcedure
      .meta(
        route({
          method: 'POST',
          path,
          status: 201,
          summary: `Add a ${name} record`,
          description: `Adds a ${name} record to your profile and returns it with its id.`,
          errors: { 400: 'A field is missing or invalid' },
        }),
      )
      .input(fields)
      .output(item)
      .mutation(({ ctx, input }) => createRecord(ctx.services, kind, ctx.viewer.id, input)),
    update: authedProcedure
      .meta(
        route({
          method: 'PUT',
          path: updatePath,
          status: 201,
          summary: `Edit a ${name} record`,
          description: `Changes the fields sent of one of your ${name} records (by \`id\`); the others keep their values.`,
          errors: { 400: 'A field is invalid', 404: notYours(profileErrors.recordToUpdateNotFound(kind)) },
        }),
      )
      .input(fields.partial().extend({ id: schemas.idField }))
      .output(item)
      .mutation(({ ctx, input }) => {
        // `fields` stands for any kind's schema, so the input is typed loosely; `id` is idField's number.
        const { id, ...changes } = input as { id: number } & Record<string, unknown>;
        return updateRecord(ctx.services, kind, ctx.viewer.id, id, changes);
      }),
    delete: authedProcedure
      .meta(
        route({
          method: 'DELETE',
          path,
          status: 204,
          summary: `Delete a ${name} record`,
          description: `Deletes one of your ${name} records, named by \`?${idParam}=\`. Answers 204 with no body.`,
          errors: {
            400: answers(`No ${idParam} given`, profileErrors.recordIdMissing(kind)),
            404: notYours(profileErrors.recordNotFound(kind)),
          },
        }),
      )
      .input(z.object({ [idParam]: z.string().optional() }))
      .output(z.void())
      .mutation(async ({ ctx, input }) => {
        await deleteRecord(ctx.services, kind, ctx.viewer.id, (input as Record<string, string | undefined>)[idParam]);
      }),
  });
}

export const profileRouter = router({
  retrieve: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/user/retrieve-profile/',
        summary: 'Read a profile',
        description:
          'Your own profile, or with `?user_id=` another person’s (which counts one profile view per viewer and day). ' +
          'On another person’s profile, `email` is there only when their `show_email` setting allows, and `location` is empty unless their `show_location` allows. ' +
          'A company page (`POST /user/corporate/signup/`) answers the company’s shape instead: ' +
          'its name, type, size, website, tagline, logo, `email_verified` and its first members.',
        errors: {
          404: answers('No such user', profileErrors.invalidUserId()),
        },
      }),
    )
    .input(schemas.retrieveInput)
    .output(z.union([schemas.fullProfile, companyProfile]))
    .query(async ({ ctx, input }) =>
      retrieveProfile(ctx.services, ctx.viewer, input.user_id, await ctx.services.reads.forReader(ctx.viewer.id)),
    ),

  update: authedProcedure
    .meta({
      ...route({
        method: 'PUT',
        path: '/user/profile-update/',
        status: 201,
        summary: 'Update your profile',
        description:
          'Changes the fields sent; the others keep their values. `profile_photo` and `cover_photo` (images up to 10 MB) and ' +
          '`intro_video` (video up to 100 MB) and `resume` (a PDF up to 5 MB, shown on your profile) are file parts of a multipart body, or in JSON the URL of a file uploaded ' +
          'through `media.createUpload`. Files are checked by their content, not their name. ' +
          'Mentors also set `years_of_experience`, `availability`, `current_job`, `areas_of_expertise`, `technical_skills`, `mentorship_styles` (lists: JSON arrays, ' +
          'or in a form JSON text or comma-separated), `linkedin_url` and `session_rate` (with `session_rate_currency`: the price is converted to USD once, when submitted, ' +
          'rounded to the cent; without a currency, your country’s currency when it has an exchange rate, else USD). Anyone else sending a mentor field gets a 400 naming it, and nothing changes.',
        errors: {
          ...mediaRefusals('profile_photo', 'image'),
          400: answers(
            'A field is invalid, a file is not of the expected kind, a URL names no uploaded file, or a mentor field comes from someone who is not a mentor',
            ...(mediaRefusals('profile_photo', 'image')[400]?.examples ?? []),
            profileErrors.mentorFieldsOnly(['technical_skills']),
            profileErrors.noExchangeRate('XYZ'),
          ),
        },
      }),
      uploads: { profile_photo: 'image', cover_photo: 'image', intro_video: 'video', resume: 'document' },
    })
    .input(schemas.updateProfileInput)
    .output(schemas.updatedProfile)
    .mutation(({ ctx, input }) => updateProfile(ctx.services, ctx.viewer, input)),

  setIndustry: authedProcedure
    .meta(
      route({
        method: 'PATCH',
        path: '/user/profile-update/',
        status: 206,
        summary: 'Set your industry and user type',
        description:
          'Sets `industry` and/or `user_type` (learner, mentor, employer). Choices are matched case-insensitively. ' +
          'The user type is chosen once: a learner may become a mentor or an employer here, after which `user_type` never changes (sending the same value is fine).',
        errors: {
          400: answers('Not a valid choice, or the user type was chosen already', profileErrors.userTypeAlreadyChosen('mentor')),
        },
      }),
    )
    .input(schemas.setIndustryInput)
    .output(schemas.setIndustryOutput)
    .mutation(({ ctx, input }) => setIndustry(ctx.services, ctx.viewer, input)),

  analytics: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/user/analytics/',
        summary: 'Your profile’s numbers',
        description:
          'Posts you wrote (reposts included), profile views by others (one per viewer and day), and confirmed connections. ' +
          'With `?user_id=`, another member’s numbers, when their `show_activity` setting allows (it is off by default): otherwise 403.',
        errors: {
          403: answers('That member keeps their analytics private', analyticsPrivate()),
          404: answers('No such user', profileErrors.invalidUserId()),
        },
      }),
    )
    .input(schemas.retrieveInput)
    .output(schemas.analyticsOutput)
    .query(({ ctx, input }) => analytics(ctx.services, ctx.viewer, input.user_id)),

  completion: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/user/completion/',
        summary: 'How complete your profile is',
        description: 'Weighted checks: photo of your own 15, intro video 15, experience 20, certification 15, bio 15, education 20.',
      }),
    )
    .input(z.void())
    .output(schemas.completionOutput)
    .query(({ ctx }) => completion(ctx.services, ctx.viewer)),

  experience: recordRouter({
    name: 'experience',
    kind: EXPERIENCE,
    fields: schemas.experienceFields,
    item: schemas.experienceItem,
    path: '/user/experience/',
    updatePath: '/user/update-experience/',
    idParam: 'experience_id',
  }),
  education: recordRouter({
    name: 'education',
    kind: EDUCATION,
    fields: schemas.educationFields,
    item: schemas.educationItem,
    path: '/user/education/',
    updatePath: '/user/education/',
    idParam: 'education_id',
  }),
  certification: recordRouter({
    name: 'certification',
    kind: CERTIFICATION,
    fields: schemas.certificationFields,
    item: schemas.certificationItem,
    path: '/user/certification/',
    updatePath: '/user/certification/',
    idParam: 'certification_id',
  }),
});
