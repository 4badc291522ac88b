import type { OpenApiMethod } from 'trpc-to-openapi';
import type { Meta, SuccessStatus } from './trpc.js';

/** REST clients send JSON, urlencoded forms and multipart forms alike (compat C5). */
export const BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'];

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
  errors?: Record<number, string>;
}

/** The meta that serves a procedure at a REST path and documents it. */
export function rest(route: RestRoute): Meta {
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  const errorResponses: Record<number, string> = { ...route.errors };
  if (route.protect) errorResponses[401] = 'Missing, invalid, expired or revoked access token';
  return {
    successStatus: route.status ?? 200,
    openapi: {
      method: route.method,
      path: route.path,
      tags: [route.tag],
      summary: route.summary,
      description: route.description,
      protect: route.protect ?? false,
      ...(hasBody ? { contentTypes: BODY_TYPES } : {}),
      errorResponses,
    },
  };
}
