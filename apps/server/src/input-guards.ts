import type { FastifyInstance } from 'fastify';
import { restErrorBody, sendDetail } from './errors.js';

/** No procedure takes input nested this deep; deeper bodies overflow the stack in tRPC's re-encoding. */
export const MAX_INPUT_DEPTH = 64;

const NULL_CHARACTERS = 'Null characters are not allowed.';

type Finding = { problem: 'too-deep' } | { problem: 'null-character'; field: string } | undefined;

/**
 * Walks parsed input without recursion: over-nested, or holding a NUL character somewhere
 * (PostgreSQL cannot store one in text, so it would fail deep inside a write).
 */
export function inspectInput(value: unknown): Finding {
  const pending: Array<{ node: unknown; depth: number; field: string }> = [{ node: value, depth: 0, field: '' }];
  while (pending.length) {
    const { node, depth, field } = pending.pop()!;
    if (typeof node === 'string' && node.includes('\u0000')) return { problem: 'null-character', field: field || 'non_field_errors' };
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return { problem: 'too-deep' };
    // Errors name the top-level field, as the original's field errors did.
    for (const [key, child] of Object.entries(node)) pending.push({ node: child, depth: depth + 1, field: field || key });
  }
  return undefined;
}

/** Refuses such input in bodies and query strings on every route (REST and /trpc), before any handler runs. */
export function registerInputGuards(app: FastifyInstance) {
  app.addHook('preValidation', async (request, reply) => {
    const finding = inspectInput(request.body) ?? inspectInput(request.query);
    if (finding?.problem === 'too-deep') return sendDetail(reply, 400, `JSON parse error: the request body nests more than ${MAX_INPUT_DEPTH} levels deep.`);
    if (finding?.problem === 'null-character') {
      const { field } = finding;
      return reply.code(400).send(restErrorBody({ message: `${field}: ${NULL_CHARACTERS}`, body: { [field]: [NULL_CHARACTERS] } }));
    }
  });
}
