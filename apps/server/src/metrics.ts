import { timingSafeEqual } from 'node:crypto';
import { appRouter, type Services } from '@careernexus/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendDetail } from './errors.js';
import { clusterMetrics } from './workers.js';

const procedures = new Set(Object.keys(appRouter._def.procedures));
/** The request each procedure call's context was made for, to name the request's operation. */
const requestOfContext = new WeakMap<object, FastifyRequest>();
const operationOfRequest = new WeakMap<object, string>();

/** Ties a procedure call's context to its request (app.ts makes every context through this). */
export function contextFor<C extends object>(request: FastifyRequest, context: C): C {
  requestOfContext.set(context, request);
  return context;
}

/** Names a request's operation by the procedure(s) that answered it; a batch of several is `batch`. */
export function nameOperation(context: unknown, paths: readonly string[] | undefined) {
  const request = requestOfContext.get(context as object);
  if (!request || !paths?.length) return;
  const name = paths.length > 1 ? 'batch' : (paths[0] ?? '');
  // A path comes from the client's URL: only known procedure names become labels.
  operationOfRequest.set(request, procedures.has(name) || name === 'batch' ? name : 'unknown');
}

/**
 * Counts every answered request by operation: the procedure for REST and /trpc, else fastify's
 * route template (`/media/*`); never the raw URL, whose ids would make a label per object.
 */
function operationOf(request: FastifyRequest): string {
  const named = operationOfRequest.get(request);
  if (named) return named;
  const template = request.routeOptions.url;
  return template && template !== '*' && !template.includes('/*') ? template : 'unmatched';
}

/** Request counts and durations, and `GET /metrics` (Prometheus text), behind METRICS_TOKEN when set. */
export function registerMetrics(app: FastifyInstance, services: Services) {
  const { metrics, config } = services;
  app.addHook('onResponse', async (request, reply) => {
    const labels = { operation: operationOf(request), method: request.method, status: reply.statusCode };
    metrics.requests.inc(labels);
    metrics.requestSeconds.observe(labels, reply.elapsedTime / 1000);
  });

  const expected = config.METRICS_TOKEN ? Buffer.from(`Bearer ${config.METRICS_TOKEN}`) : undefined;
  app.get('/metrics', async (request, reply) => {
    if (expected) {
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        reply.header('WWW-Authenticate', 'Bearer realm="metrics"');
        return sendDetail(reply, 401, 'Authentication credentials were not provided or are invalid.');
      }
    }
    // Under WORKERS=N every worker's figures, summed by the primary; else this process's.
    const text = (await clusterMetrics()) ?? (await metrics.registry.metrics());
    return reply.type(metrics.registry.contentType).send(text);
  });
}
