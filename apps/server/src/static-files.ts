import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { sendDetail } from './errors.js';

// A fixed list: a requested name is only ever a key of this map, never a path on disk.
const STATIC_FILE_NAMES = ['default-profile.png', 'default-cover.png'] as const;
const STATIC_DIR = new URL('../static/', import.meta.url);

/** The default profile and cover images (config's DEFAULT_*_PHOTO_URL), at /static/<name>; read once at start. */
export function registerStaticFiles(app: FastifyInstance) {
  const files = new Map<string, Buffer>(STATIC_FILE_NAMES.map((name) => [name, readFileSync(new URL(name, STATIC_DIR))]));
  app.get<{ Params: { name: string } }>('/static/:name', async (request, reply) => {
    const file = files.get(request.params.name);
    if (!file) return sendDetail(reply, 404, 'Not found.');
    // A day, not immutable: the names carry no content hash, so a new release may change a file.
    return reply.type('image/png').header('Cache-Control', 'public, max-age=86400').send(file);
  });
}
