import { TRPCError } from '@trpc/server';
import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import type { z } from 'zod';
import {
  bodyTooLarge,
  describeError,
  invalidToken,
  malformedJson,
  notAuthenticated,
  restErrorBody,
  serviceUnavailable,
  unsupportedMediaType,
  type ErrorBody,
} from './errors.js';
import { describeKinds } from './media/formats.js';
import { invalidPage } from './pagination.js';
import { appRouter } from './router.js';
import type { Meta, SuccessStatus } from './trpc.js';

type AnyProcedure = { _def: { meta?: Meta; inputs?: (z.ZodType & { shape?: Record<string, unknown> })[] } };
const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;

/** The REST success status of a procedure, by its dotted path (`auth.signup` → 201). */
export function successStatusOf(procedurePath: string): SuccessStatus {
  return procedures[procedurePath]?._def.meta?.successStatus ?? 200;
}

/** A REST path as routes are keyed: no trailing slash, lower-case. */
export const routeKey = (path: string) => path.replace(/\/+$/, '').toLowerCase();

/** Every REST route: path (see routeKey) → method → the procedure's meta. */
export function restRoutes(): Map<string, Map<string, Meta>> {
  const routes = new Map<string, Map<string, Meta>>();
  for (const procedure of Object.values(procedures)) {
    const meta = procedure._def.meta;
    if (!meta?.openapi) continue;
    const path = routeKey(meta.openapi.path);
    const methods = routes.get(path) ?? new Map<string, Meta>();
    routes.set(path, methods.set(meta.openapi.method, meta));
  }
  return routes;
}

const ERROR_SCHEMA: NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string] = {
  type: 'object',
  description:
    'The keys the original service used (`<field>`: [messages], `non_field_errors`, `detail`, `error`, …) and always `message`, one readable sentence.',
  properties: { message: { type: 'string' } },
  required: ['message'],
  additionalProperties: true,
};

/** The OpenAPI 3.1 document of every REST route, with each route's real success status and error bodies. */
export function buildOpenApiDocument(baseUrl: string): OpenAPIObject {
  const document = generateOpenApiDocument(appRouter, {
    title: 'Career Nexus API',
    version: '1.0.0',
    description:
      'REST face of the Career Nexus API. Every path works with and without its trailing slash; bodies may be JSON, ' +
      'urlencoded or multipart forms. Errors carry `message` besides the original service’s keys. ' +
      'A guide with examples: docs/guide.md.',
    baseUrl,
    securitySchemes: { Authorization: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
  });
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Error: ERROR_SCHEMA } };
  const paths = documentedPaths(document);
  for (const procedure of Object.values(procedures)) {
    const meta = procedure._def.meta;
    if (!meta?.openapi) continue;
    const operation = paths[meta.openapi.path]?.[meta.openapi.method.toLowerCase() as 'post'];
    if (!operation?.responses) continue;
    const status = meta.successStatus ?? 200;
    if (status !== 200 && operation.responses['200']) {
      // trpc-to-openapi writes the success response inline (a response object, never a $ref).
      const success = operation.responses['200'] as { description: string };
      delete operation.responses['200'];
      operation.responses[String(status)] = status === 204 ? { description: success.description } : success;
    }
    documentUploads(operation, meta);
    if (meta.deleteBody) documentDeleteBody(operation);
    for (const code of Object.keys(operation.responses)) if (Number(code) >= 400) delete operation.responses[code];
    for (const [code, error] of errorsOf(procedure, meta)) operation.responses[String(code)] = errorResponse(code, error);
  }
  return document;
}

interface DocumentedError {
  descriptions: string[];
  examples: ErrorBody[];
}

/**
 * Every error status a procedure answers on REST, with example bodies made by the same code that
 * makes the real ones: those its route lists, and those every route of its kind answers.
 */
function errorsOf(procedure: AnyProcedure, meta: Meta): Map<number, DocumentedError> {
  const errors = new Map<number, DocumentedError>();
  const add = (status: number, description: string, examples: ErrorBody[]) => {
    const entry = errors.get(status) ?? { descriptions: [], examples: [] };
    if (!entry.descriptions.includes(description)) entry.descriptions.push(description);
    entry.examples.push(...examples);
    errors.set(status, entry);
  };
  const bodyOf = (error: TRPCError) => restErrorBody(describeError(error));
  const openapi = meta.openapi;
  if (!openapi) return errors; // not a REST route: no REST errors
  const declared = (openapi.errorResponses ?? {}) as Record<number, string>;
  for (const [status, description] of Object.entries(declared))
    add(Number(status), description, meta.errorExamples?.[Number(status)] ?? []);

  if (openapi.protect) add(401, 'Missing, invalid, expired or revoked access token', [bodyOf(notAuthenticated()), bodyOf(invalidToken())]);
  const refusal = refusedInput(procedure, openapi.method);
  if (refusal) add(400, 'A field is missing or invalid', [bodyOf(refusal)]);
  const hasBody = openapi.method !== 'GET' && openapi.method !== 'DELETE';
  if (hasBody) {
    add(400, 'The body is not valid JSON', [bodyOf(malformedJson())]);
    add(413, 'The body is larger than the server takes (BODY_LIMIT)', [bodyOf(bodyTooLarge())]);
    add(415, 'A body that is not JSON, urlencoded or multipart', [bodyOf(unsupportedMediaType('text/plain'))]);
  }
  if (isPaginated(procedure)) add(404, 'No such page', [bodyOf(invalidPage())]);
  add(503, 'The database cannot be reached; try again after Retry-After seconds', [bodyOf(serviceUnavailable())]);

  for (const [status, error] of errors) {
    if (!error.examples.length) throw new Error(`${openapi.method} ${openapi.path}: ${status} is documented without an example body`);
  }
  return new Map([...errors].sort(([a], [b]) => a - b));
}

/**
 * What the procedure's input parser makes of an empty input, or, for a body whose fields are all
 * optional, of its first field sent as an object where a value belongs.
 */
function refusedInput(procedure: AnyProcedure, method: string): TRPCError | undefined {
  const parser = procedure._def.inputs?.[0];
  // No input at all (z.void()): REST hands it none, whatever the query string says.
  if (!parser || parser.safeParse(undefined).success) return undefined;
  const candidates: unknown[] = [{}];
  const firstField = Object.keys(parser.shape ?? {})[0];
  if (method !== 'GET' && method !== 'DELETE' && firstField) candidates.push({ [firstField]: {} });
  for (const input of candidates) {
    const result = parser.safeParse(input);
    // What tRPC does with a refused input: a BAD_REQUEST caused by the validation error.
    if (!result.success) return new TRPCError({ code: 'BAD_REQUEST', cause: result.error });
  }
  return undefined;
}

const isPaginated = (procedure: AnyProcedure) => 'page' in (procedure._def.inputs?.[0]?.shape ?? {});

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'error';

function errorResponse(status: number, error: DocumentedError) {
  const examples: Record<string, { summary: string; value: ErrorBody }> = {};
  for (const body of error.examples) {
    const summary = String(body.message);
    let name = slug(summary);
    while (examples[name]) name = `${name}-2`;
    examples[name] = { summary, value: body };
  }
  const headers =
    status === 429 || status === 503
      ? { 'Retry-After': { description: 'Seconds until the client may try again', schema: { type: 'integer' } } }
      : status === 401
        ? { 'WWW-Authenticate': { description: '`Bearer realm="api"`', schema: { type: 'string' } } }
        : undefined;
  return {
    description: error.descriptions.join('. '),
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, examples } },
  };
}

/** In multipart bodies, the upload fields are files. */
function documentUploads(operation: { requestBody?: unknown }, meta: Meta) {
  if (!meta.uploads) return;
  const body = operation.requestBody as { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } | undefined;
  const properties = body?.content?.['multipart/form-data']?.schema?.properties;
  if (!properties) return;
  for (const [field, kind] of Object.entries(meta.uploads)) {
    properties[field] = {
      type: 'string',
      format: 'binary',
      description: `A file: ${describeKinds(kind)}`,
    };
  }
}

/** A DELETE's query parameters shown as the JSON or form body they are sent in instead. */
function documentDeleteBody(operation: { parameters?: unknown; requestBody?: unknown }) {
  const parameters = (operation.parameters ?? []) as Array<{
    in: string;
    name: string;
    required?: boolean;
    description?: string;
    schema?: object;
  }>;
  const fields = parameters.filter((parameter) => parameter.in === 'query');
  const schema = {
    type: 'object',
    properties: Object.fromEntries(fields.map((field) => [field.name, { description: field.description, ...field.schema }])),
    required: fields.filter((field) => field.required).map((field) => field.name),
  };
  operation.parameters = parameters.filter((parameter) => parameter.in !== 'query');
  operation.requestBody = {
    required: true,
    content: { 'application/json': { schema }, 'application/x-www-form-urlencoded': { schema } },
  };
}

/** The generator drops trailing slashes; show each path as documented (both forms are served). */
function documentedPaths(document: OpenAPIObject): NonNullable<OpenAPIObject['paths']> {
  const paths: NonNullable<OpenAPIObject['paths']> = {};
  for (const [path, item] of Object.entries(document.paths ?? {})) paths[path.endsWith('/') ? path : `${path}/`] = item;
  document.paths = paths;
  return paths;
}
