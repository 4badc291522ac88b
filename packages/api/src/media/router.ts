import { answers, rest, type RouteError } from '../rest.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import type { MediaKind } from './formats.js';
import { tooLarge, unknownUploadUrl, wrongType } from './errors.js';
import { createUpload, UPLOAD_CONTENT_TYPES, type UploadContentType } from './service.js';

const DEFAULT_MAX_BYTES: Record<MediaKind, number> = { image: 10 * 1_048_576, video: 100 * 1_048_576, document: 5 * 1_048_576 };

/** The refusals of a route that takes files, shown with the file field `field` of kind `kind`. */
export const mediaRefusals = (field: string, kind: MediaKind): Record<number, RouteError> => ({
  400: answers(
    'A field is invalid, a file is not of the expected kind, or a URL names no uploaded file',
    wrongType(field, kind),
    unknownUploadUrl(field),
  ),
  413: answers('A file is larger than MAX_IMAGE_BYTES, MAX_VIDEO_BYTES or MAX_DOCUMENT_BYTES', tooLarge(field, DEFAULT_MAX_BYTES[kind])),
});

export const mediaRouter = router({
  createUpload: authedProcedure
    .meta(
      rest({
        method: 'POST',
        path: '/media/uploads/',
        tag: 'media',
        protect: true,
        status: 201,
        summary: 'Get a URL to upload a file to',
        description:
          'For clients that upload without multipart: PUT the file to `upload_url` with the given headers within 15 minutes ' +
          '(S3 presigned URL, or this server), then send `url` as `profile_photo`, `cover_photo`, `intro_video` or `resume` (PDF). ' +
          'The file is checked by its content when it is used.',
      }),
    )
    .input(z.object({ content_type: z.enum(Object.keys(UPLOAD_CONTENT_TYPES) as [UploadContentType, ...UploadContentType[]]) }))
    .output(
      z.object({
        upload_url: z.string(),
        method: z.literal('PUT'),
        headers: z.record(z.string(), z.string()),
        url: z.string(),
        max_bytes: z.number().int(),
        expires_at: z.date(),
      }),
    )
    .mutation(({ ctx, input }) => createUpload(ctx.services, input.content_type)),
});
