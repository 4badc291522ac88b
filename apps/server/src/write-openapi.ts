import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from '@careernexus/api';

// `pnpm docs`: docs/openapi.json, committed; a test fails when it drifts from the router.
export const DOCUMENT_BASE_URL = 'http://localhost:8000';
const target = new URL('../../../docs/openapi.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(DOCUMENT_BASE_URL), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
