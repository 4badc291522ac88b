import type { FastifyInstance, FastifyRequest } from 'fastify';

type Form = Record<string, string | string[]>;

/** In forms, "null", "undefined" and "" stand for a field left out (compat C4). */
const meansAbsent = (value: string) => value === '' || value === 'null' || value === 'undefined';

function addField(form: Form, key: string, value: string) {
  if (meansAbsent(value)) return;
  const existing = form[key];
  if (existing === undefined) form[key] = value;
  else form[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
}

/** Parses `application/x-www-form-urlencoded` bodies into plain objects. */
export function registerUrlencodedParser(app: FastifyInstance) {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const form: Form = {};
    for (const [key, value] of new URLSearchParams(body as string)) addField(form, key, value);
    done(null, form);
  });
}

/**
 * Reads a multipart body's text fields into a plain object. File parts are drained and ignored
 * here: routes that take files have their own upload handlers.
 */
export async function readMultipartFields(request: FastifyRequest): Promise<Form> {
  const form: Form = {};
  for await (const part of request.parts()) {
    if (part.type === 'file') part.file.resume();
    else addField(form, part.fieldname, String(part.value));
  }
  return form;
}
