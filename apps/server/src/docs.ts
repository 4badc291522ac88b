import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { buildOpenApiDocument } from '@careernexus/api';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Career Nexus API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

// Tags start closed: the page opens on an index of the areas, and a reader opens what they need.
// It also keeps Swagger UI below 150 listed entries (tags plus the operations of open tags): from
// there on it virtualizes the list, rendering only what is on screen (find-in-page misses the rest;
// under jsdom, which lays nothing out, an arbitrary part, so openapi.test could not see them all).
const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', deepLinking: true, persistAuthorization: true, docExpansion: 'none' });`;

/** `/openapi.json` and an interactive reference at `/docs`, served from local files (works offline). */
export async function registerDocs(app: FastifyInstance, publicUrl: string) {
  const document = buildOpenApiDocument(publicUrl);
  app.get('/openapi.json', () => document);
  app.get('/docs', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
      .send(PAGE),
  );
  app.get('/docs/init.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(INIT));
  await app.register(fastifyStatic, { root: swaggerUiDir, prefix: '/docs/assets/', decorateReply: false, index: false });
}
