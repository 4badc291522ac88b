import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import { appRouter } from './router.js';
import type { Meta, SuccessStatus } from './trpc.js';

type AnyProcedure = { _def: { meta?: Meta } };
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
    if (!routes.has(path)) routes.set(path, new Map());
    routes.get(path)!.set(meta.openapi.method, meta);
  }
  return routes;
}

const ERROR_EXAMPLE = {
  type: 'object',
  description:
    'The key the original service used (`<field>`, `non_field_errors`, `detail`, `error`) and always `message`, one readable sentence.',
  properties: { message: { type: 'string' } },
  required: ['message'],
  additionalProperties: true,
};

/** The OpenAPI 3.1 document of every REST route, with each route's real success status. */
export function buildOpenApiDocument(baseUrl: string): OpenAPIObject {
  const document = generateOpenApiDocument(appRouter, {
    title: 'Career Nexus API',
    version: '1.0.0',
    description:
      'REST face of the Career Nexus API. Every path works with and without its trailing slash; bodies may be JSON, ' +
      'urlencoded or multipart forms. Errors carry `message` besides the original service’s keys.',
    baseUrl,
    securitySchemes: { Authorization: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
  });
  const paths = documentedPaths(document);
  for (const procedure of Object.values(procedures)) {
    const meta = procedure._def.meta;
    if (!meta?.openapi) continue;
    const operation = paths[meta.openapi.path]?.[meta.openapi.method.toLowerCase() as 'post'];
    if (!operation?.responses) continue;
    const status = meta.successStatus ?? 200;
    if (status !== 200 && operation.responses['200']) {
      const success = operation.responses['200'];
      delete operation.responses['200'];
      operation.responses[String(status)] = status === 204 ? { description: success.description } : success;
    }
    documentUploads(operation, meta);
    for (const [code, response] of Object.entries(operation.responses)) {
      if (Number(code) >= 400 && response && 'content' in response && response.content?.['application/json']) {
        response.content['application/json'].schema = ERROR_EXAMPLE;
      }
    }
  }
  return document;
}

/** In multipart bodies, the upload fields are files. */
function documentUploads(operation: { requestBody?: unknown }, meta: Meta) {
  if (!meta.uploads) return;
  const body = operation.requestBody as { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } | undefined;
  const properties = body?.content?.['multipart/form-data']?.schema?.properties;
  if (!properties) return;
  for (const [field, kind] of Object.entries(meta.uploads)) {
    properties[field] = { type: 'string', format: 'binary', description: `A file: ${kind === 'image' ? 'JPEG, PNG, WebP or GIF' : 'MP4, WebM or QuickTime'}` };
  }
}

/** The generator drops trailing slashes; show each path as documented (both forms are served). */
function documentedPaths(document: OpenAPIObject): NonNullable<OpenAPIObject['paths']> {
  const paths: NonNullable<OpenAPIObject['paths']> = {};
  for (const [path, item] of Object.entries(document.paths ?? {})) paths[path.endsWith('/') ? path : `${path}/`] = item;
  document.paths = paths;
  return paths;
}
