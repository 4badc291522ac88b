import { tooLarge, unknownUploadUrl, wrongType } from '../media/errors.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import * as portfolioErrors from './errors.js';
import * as schemas from './schemas.js';
import { createProject, deleteProject, listProjects, projectById, updateProject } from './service.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'portfolio', protect: true });

const FILES =
  '`image` (JPEG, PNG, WebP or GIF, up to MAX_IMAGE_BYTES, 10 MB by default) and `download_material` (a PDF up to MAX_DOCUMENT_BYTES, 5 MB by default, ' +
  'or an image) are file parts of a multipart body, or in JSON the URL of a file uploaded through `media.createUpload`. Files are checked by their content, not their name.';

const FILE_REFUSALS = {
  400: answers(
    'A field is missing or invalid, a file is not of its field’s kinds, or a URL names no uploaded file',
    wrongType('image', schemas.PROJECT_UPLOADS.image),
    wrongType('download_material', schemas.PROJECT_UPLOADS.download_material),
    unknownUploadUrl('image'),
  ),
  413: answers('A file is larger than its kind’s limit', tooLarge('image', 10 * 1_048_576), tooLarge('download_material', 5 * 1_048_576)),
};

const missingOrMalformed = answers(
  'No portfolio_id, or not an id',
  portfolioErrors.portfolioIdMissing(),
  portfolioErrors.malformedPortfolioId(),
);
const notYours = answers('Someone else’s project', portfolioErrors.notYourProject());
const noSuchProject = answers('No such project', portfolioErrors.unknownProject());

export const portfolioRouter = router({
  create: authedProcedure
    .meta({
      ...route({
        method: 'POST',
        path: '/project/',
        status: 201,
        summary: 'Add a portfolio project',
        description: `\`title\` (up to 150 characters) and \`description\` are required. ${FILES} Without an image the project shows the default image.`,
        errors: FILE_REFUSALS,
      }),
      uploads: schemas.PROJECT_UPLOADS,
    })
    .input(schemas.createInput)
    .output(schemas.project)
    .mutation(({ ctx, input }) => createProject(ctx.services, ctx.viewer, input)),

  list: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/project/',
        summary: 'Portfolio projects',
        description:
          'Your projects, or with `?user_id=` anyone’s, newest first, paginated (10 a page). ' +
          'With `?portfolio_id=` alone, that one project of anyone, unpaged (as `GET /project/{id}/`). Your profile’s `projects_count` counts them.',
        errors: {
          400: answers(
            'A user_id or portfolio_id that is not an id',
            portfolioErrors.malformedUserId(),
            portfolioErrors.malformedPortfolioId(),
          ),
          404: answers('No such member or project', portfolioErrors.unknownUser(), portfolioErrors.unknownProject()),
        },
      }),
    )
    .input(schemas.listInput)
    .output(z.union([schemas.projectPage, schemas.project]))
    .query(({ ctx, input }) => listProjects(ctx, ctx.viewer, input)),

  get: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/project/{id}/',
        summary: 'One portfolio project',
        description: 'Any member’s project, by id (a path that is not an id names no project: 404).',
        errors: {
          404: noSuchProject,
        },
      }),
    )
    .input(schemas.pathInput)
    .output(schemas.project)
    .query(({ ctx, input }) => projectById(ctx.services, input.id, portfolioErrors.unknownProject)),

  update: authedProcedure
    .meta({
      ...route({
        method: 'PUT',
        path: '/project/',
        summary: 'Edit one of your projects',
        description: `\`?portfolio_id=\` (or in the body) names it; the fields sent change, the others keep their values (in JSON, \`null\` removes the image or the file). ${FILES}`,
        errors: {
          ...FILE_REFUSALS,
          400: answers(FILE_REFUSALS[400].description, ...(FILE_REFUSALS[400].examples ?? []), ...(missingOrMalformed.examples ?? [])),
          403: notYours,
          404: noSuchProject,
        },
      }),
      uploads: schemas.PROJECT_UPLOADS,
    })
    .input(schemas.updateInput)
    .output(schemas.project)
    .mutation(({ ctx, input }) => updateProject(ctx.services, ctx.viewer, input)),

  delete: authedProcedure
    .meta(
      route({
        method: 'DELETE',
        path: '/project/',
        status: 204,
        summary: 'Delete one of your projects',
        description: '`?portfolio_id=<id>`. 204 with no body.',
        errors: { 400: missingOrMalformed, 403: notYours, 404: noSuchProject },
      }),
    )
    .input(schemas.deleteInput)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      await deleteProject(ctx.services, ctx.viewer, input.portfolio_id);
    }),
});
