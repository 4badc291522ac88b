import { readFileSync } from 'node:fs';
import { buildOpenApiDocument } from '@careernexus/api';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restClient } from './support/http.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const committed = JSON.parse(readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'));

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

it('serves a valid OpenAPI 3.1 document at /openapi.json', async () => {
  const { status, body } = await restClient(server.url).get('/openapi.json');
  expect(status).toBe(200);
  expect(body.openapi).toMatch(/^3\.1\./);
  const result = await new Validator().validate(body);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(body.servers).toEqual([{ url: server.url }]);
});

it.each([
  ['/user/signup/', 201, false],
  ['/user/hash/verify/', 201, false],
  ['/user/signin/', 200, false],
  ['/user/signout/', 202, true],
  ['/user/token/refresh/', 200, false],
  ['/user/forget-password/', 200, false],
] as const)('documents POST %s with its success status %i', async (path, status, protectedRoute) => {
  const operation = committed.paths[path]?.post;
  expect(operation, path).toBeDefined();
  expect(Object.keys(operation.responses)).toContain(String(status));
  expect(operation.summary).toEqual(expect.any(String));
  expect(operation.description).toEqual(expect.any(String));
  expect(operation.tags).toEqual(['auth']);
  expect(Object.keys(operation.requestBody.content)).toEqual(
    expect.arrayContaining(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']),
  );
  expect(operation.responses['400'] ?? operation.responses['401']).toBeDefined();
  if (protectedRoute) expect(operation.security).toEqual([{ Authorization: [] }]);
  else expect(operation.security).toBeUndefined();
});

it('docs/openapi.json is what the router generates (run `pnpm run docs` after changing a procedure)', () => {
  expect(committed).toEqual(buildOpenApiDocument('http://localhost:8000'));
});

it('documents the upload fields of profile-update as files in multipart bodies, and every REST route with its status', () => {
  const operation = committed.paths['/user/profile-update/'].put;
  const multipart = operation.requestBody.content['multipart/form-data'].schema.properties;
  for (const field of ['profile_photo', 'cover_photo', 'intro_video']) expect(multipart[field]).toMatchObject({ type: 'string', format: 'binary' });
  expect(Object.keys(operation.responses)).toContain('201');
  expect(Object.keys(committed.paths['/user/profile-update/'].patch.responses)).toContain('206');
  expect(Object.keys(committed.paths['/user/experience/'].delete.responses)).toContain('204');
  expect(committed.paths['/user/experience/'].delete.parameters).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: 'experience_id', in: 'query' })]),
  );
});
