import type { FastifyInstance } from 'fastify';
import { sendDetail } from './errors.js';

/** No procedure takes input nested this deep; deeper REST bodies overflow the stack when re-encoded for tRPC. */
const MAX_BODY_DEPTH = 64;

/** Whether a parsed body nests objects or arrays more than `limit` levels (walked without recursion). */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
  }
  return false;
}

/** Refuses over-nested bodies with 400 before any handler sees them (/trpc parses its own and is unaffected). */
export function registerBodyDepthLimit(app: FastifyInstance) {
  app.addHook('preValidation', async (request, reply) => {
    if (nestsDeeperThan(request.body, MAX_BODY_DEPTH)) {
      return sendDetail(reply, 400, `JSON parse error: the request body nests more than ${MAX_BODY_DEPTH} levels deep.`);
    }
  });
}
