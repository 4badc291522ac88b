import { z } from 'zod';

/**
 * Zod messages in the words of the original service (Django REST framework), which clients
 * already show to people: "This field is required.", "Enter a valid email address.", …
 */
function drfMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'This field is required.';
      if (issue.input === null) return 'This field may not be null.';
      if (issue.expected === 'number' || issue.expected === 'int') return 'A valid integer is required.';
      if (issue.expected === 'string') return 'Not a valid string.';
      if (issue.expected === 'boolean') return 'Must be a valid boolean.';
      if (issue.expected === 'object') return `Invalid data. Expected a dictionary, but got ${jsonType(issue.input)}.`;
      return `Expected ${issue.expected}.`;
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1 ? 'This field may not be blank.' : `Ensure this field has at least ${issue.minimum} characters.`;
      }
      if (issue.origin === 'number') return `Ensure this value is greater than or equal to ${issue.minimum}.`;
      return undefined;
    case 'too_big':
      if (issue.origin === 'string') return `Ensure this field has no more than ${issue.maximum} characters.`;
      if (issue.origin === 'number') return `Ensure this value is less than or equal to ${issue.maximum}.`;
      return undefined;
    case 'invalid_format':
      if (issue.format === 'email') return 'Enter a valid email address.';
      return undefined;
    case 'invalid_value':
      return `"${String(issue.input)}" is not a valid choice.`;
    default:
      return undefined;
  }
}

const jsonType = (value: unknown) => (Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value);

z.config({ customError: drfMessage });

/** A trimmed, lower-cased e-mail address (compared case-insensitively everywhere). */
export const emailField = (max = 300) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .pipe(z.email())
    .transform((email) => email.toLowerCase());

/** A numeric id from a query string (`?post_id=12`), or undefined when it is not one. */
export function idFromQuery(raw: string | undefined): number | undefined {
  const text = raw?.trim() ?? '';
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

/** PostgreSQL cannot store a NUL character in text; the original refused them with these words. */
export const NULL_CHARACTERS = 'Null characters are not allowed.';

/**
 * The top-level field of `input` holding a string with a NUL character anywhere inside it, if any.
 * A key no procedure could take (`constructor`, odd characters) is reported as `non_field_errors`:
 * echoed as an error key it would break superjson's encoding of the error.
 */
export function fieldWithNullCharacter(input: unknown): string | undefined {
  const nameOf = (key: string) =>
    /^[a-z][a-z0-9_]*$/i.test(key) && !['constructor', 'prototype'].includes(key) ? key : 'non_field_errors';
  const pending: Array<{ node: unknown; field: string }> = [{ node: input, field: 'non_field_errors' }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, field } = next;
    if (typeof node === 'string' && node.includes('\u0000')) return field;
    if (node === null || typeof node !== 'object') continue;
    for (const [key, child] of Object.entries(node)) pending.push({ node: child, field: node === input ? nameOf(key) : field });
  }
  return undefined;
}

export { z };
