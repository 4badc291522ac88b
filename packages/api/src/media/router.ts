import { rest } from '../rest.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import { createUpload, UPLOAD_CONTENT_TYPES, type UploadContentType } from './service.js';

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
          '(S3 presigned URL, or this server), then send `url` as `profile_photo`, `cover_photo` or `intro_video`. ' +
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
