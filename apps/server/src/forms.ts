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
 * Reads a multipart body into a plain object. A file part is handed to `storeFile`, which
 * streams it somewhere and returns the value the field gets (its URL); without it, or for a
 * field it does not take, the file is drained and ignored.
 */
export async function readMultipartForm(
  request: FastifyRequest,
  storeFile?: (field: string, file: NodeJS.ReadableStream) => Promise<string | undefined>,
): Promise<Form> {
  const form: Form = {};
  // Files have limits of their own; the text fields together get the JSON body's limit, and a
  // field cut short by the parser is refused rather than stored cut.
  let textBytes = 0;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') {
        const value = String(part.value);
        textBytes += Buffer.byteLength(value);
        if (part.valueTruncated || textBytes > request.routeOptions.bodyLimit) throw bodyTooLarge();
        addField(form, part.fieldname, value);
        continue;
      }
      const value = await storeFile?.(part.fieldname, part.file);
      if (value === undefined) part.file.resume();
      else form[part.fieldname] = value;
    }
  } catch (error) {
    throw asClientError(error);
  }
  return form;
}

const bodyTooLarge = () => Object.assign(new Error('Request body is too large.'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });

/**
 * The multipart parser reports a body cut short or mangled ("Unexpected end of form",
 * "Malformed part header") as a plain error: that is the client's fault, a 400. Errors that
 * already carry a status (limits, refused uploads) pass unchanged.
 */
function asClientError(error: unknown): unknown {
  if (!(error instanceof Error) || 'statusCode' in error || error.name === 'TRPCError') return error;
  return Object.assign(new Error(`Multipart body is malformed: ${error.message}.`), { statusCode: 400, code: 'FST_MALFORMED_MULTIPART' });
}
