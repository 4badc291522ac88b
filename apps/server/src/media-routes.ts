import { localMediaRoot, mimeOfExtension, openLocalMedia, readGrant, storeUpload, type Services } from '@careernexus/api';
import type { FastifyInstance } from 'fastify';
import { sendDetail } from './errors.js';

/**
 * Local media: files under DATA_DIR/media served at /media/…, and the upload URLs handed out by
 * `media.createUpload` when there is no S3 to presign for.
 */
export async function registerMediaRoutes(app: FastifyInstance, services: Services) {
  const root = localMediaRoot(services.config);

  app.get<{ Params: { folder: string; file: string } }>('/media/:folder/:file', async (request, reply) => {
    const key = `${request.params.folder}/${request.params.file}`;
    const found = await openLocalMedia(root, key);
    if (!found) return sendDetail(reply, 404, 'Not found.');
    return reply
      .type(mimeOfExtension(key.split('.').pop() ?? '') ?? 'application/octet-stream')
      .header('Content-Length', found.size)
      .header('Cache-Control', 'public, max-age=31536000, immutable')
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .send(found.stream);
  });

  // Callback style: nothing in this plugin is awaited.
  await app.register((uploads, _options, done) => {
    // The body is streamed to storage as it arrives, whatever type the client declared.
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser('*', (_request, _payload, done) => done(null));
    uploads.put<{ Params: { token: string } }>('/media/uploads/:token', async (request, reply) => {
      // Refused before the body was read to its end: the rest of it must not be taken for the next request.
      reply.header('Connection', 'close');
      const grant = readGrant(services, request.params.token);
      if (!grant) return sendDetail(reply, 403, 'This upload URL is invalid or has expired.');
      const stored = await storeUpload(services, 'file', grant.kind, request.raw, grant.key);
      reply.removeHeader('Connection');
      return reply.code(201).send({ url: stored.url });
    });
    done();
  });
}
