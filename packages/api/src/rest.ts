import type { TRPCError } from '@trpc/server';
import type { OpenApiMethod } from 'trpc-to-openapi';
import { describeError, restErrorBody } from './errors.js';
import type { Meta, SuccessStatus } from './trpc.js';

/** REST clients send JSON, urlencoded forms and multipart forms alike (compat C5). */
const BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * An error a route answers: what it means, and the errors as its services raise them (their
 * REST bodies are the document's examples). Errors every route of a kind may answer (401 when
 * protected, 400 for a refused input, 413/415 for bodies, 404 for a page out of range) are
 * added by the document itself and need not be listed.
 */
export interface RouteError {
  description: string;
  examples?: TRPCError[];
}

export interface RestRoute {
  method: OpenApiMethod;
  /** As documented, with its trailing slash; served with and without it. */
  path: `/${string}/`;
  tag: string;
  summary: string;
  description: string;
  status?: SuccessStatus;
  /** Whether a bearer token is required (shown in the document). */
  protect?: boolean;
  /** A description alone where the document finds the examples itself. */
  errors?: Record<number, string | RouteError>;
  /** A DELETE that takes its fields in a body (they are secrets, kept out of URLs and logs). */
  deleteBody?: boolean;
}

/** Shorthand for a RouteError. */
export const answers = (description: string, ...examples: TRPCError[]): RouteError => ({ description, examples });

/** The meta that serves a procedure at a REST path and documents it. */
export function rest(route: RestRoute): Meta {
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  const errors = Object.entries(route.errors ?? {}).map(
    ([status, error]) => [status, typeof error === 'string' ? { description: error } : error] as const,
  );
  return {
    successStatus: route.status ?? 200,
    ...(route.deleteBody ? { deleteBody: true } : {}),
    errorExamples: Object.fromEntries(
      errors.map(([status, error]) => [status, (error.examples ?? []).map((example) => restErrorBody(describeError(example)))]),
    ),
    openapi: {
      method: route.method,
      path: route.path,
      tags: [route.tag],
      summary: route.summary,
      description: route.description,
      protect: route.protect ?? false,
      ...(hasBody ? { contentTypes: BODY_TYPES } : {}),
      errorResponses: Object.fromEntries(errors.map(([status, error]) => [status, error.description])),
    },
  };
}
