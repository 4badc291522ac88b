import fc from 'fast-check';

/**
 * Hostile input for fuzzing the REST contract. Values that are too big to print in a failure
 * report stand for themselves as markers (`<<1MB>>`, `<<DEEP>>`) and are expanded when sent.
 */
export const ONE_MB = '<<1MB>>';
export const DEEP = '<<DEEP>>';
const DEPTH = 5_000;

/** A JSON text of objects and arrays nested `DEPTH` levels deep. */
const deepJson = '{"a":['.repeat(DEPTH / 2) + '1' + ']}'.repeat(DEPTH / 2);

/**
 * Replaces the markers in an encoded text. In a JSON text a quoted `"<<DEEP>>"` becomes the
 * nested value itself; elsewhere (a raw body, a form field, a query value) its text. URLs take a
 * shorter "big" string (`bigLength`), past the server's header limit all the same.
 */
export function expand(text: string, bigLength = 1 << 20): string {
  return text.replaceAll(ONE_MB, 'x'.repeat(bigLength)).replaceAll(`"${DEEP}"`, deepJson).replaceAll(DEEP, deepJson);
}

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\t\n',
      '\u0000',
      'a\u0000b',
      '\u0007\u001b[31m',
      '\ud800',
      '\udfff\ud800',
      '\ufeff',
      '\u202e\u200b',
      '🧑‍💻'.repeat(50),
      'é'.repeat(3000),
      "'; drop table users; --",
      "' or '1'='1",
      '"; select pg_sleep(1); --',
      '\\',
      '\\x00',
      '%',
      '%00',
      '%zz',
      '%%%',
      '../../../../etc/passwd',
      '..\\..\\windows',
      '/dev/null',
      'file:///etc/passwd',
      '<script>alert(1)</script>',
      '{{7*7}}',
      '${jndi:ldap://x}',
      'null',
      'undefined',
      'NaN',
      'Infinity',
      'true',
      '[]',
      '{}',
      '__proto__',
      'constructor',
      '-1',
      '0',
      '00',
      '1.5',
      '1e3',
      '1e309',
      '0x1f',
      ' 7 ',
      '+1',
      '2147483648',
      '9223372036854775808',
      '-9223372036854775809',
      '9'.repeat(60),
      '2024-13-45',
      '0000-00-00',
      'Present',
      'Accept',
      'reject',
      'ACCEPT',
      ONE_MB,
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);

export const hostileId: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    -1,
    0,
    1,
    2,
    3,
    2 ** 31,
    2 ** 53,
    -(2 ** 63),
    1e308,
    1.5,
    NaN,
    '1',
    '-1',
    '1.0',
    'abc',
    '',
    '1; drop table posts',
    '1 or 1=1',
  ),
  fc.integer(),
  hostileString,
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileId },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { $gt: '' }, DEEP) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 3 }) },
);

export const hostileKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'a[b]',
    'a[]',
    'id',
    'user',
    'user_id',
    'email',
    'role',
    'is_admin',
    'is_staff',
    '',
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/** Query strings no client should send, written as they arrive (not re-encoded). */
export const rawBadQuery = fc.constantFrom(
  '%',
  '%zz',
  '=',
  '&&&',
  '?',
  'a=%E0%A4%A',
  'user_id=1&user_id=2',
  'user_id[]=1',
  'user_id[a]=1',
  'post_id=%00',
  '__proto__[admin]=1',
  'constructor[prototype][admin]=1',
  `page=${'9'.repeat(400)}`,
  `title=${'%41'.repeat(4_000)}`,
);

/** Content types a client may wrongly declare for a body. */
export const wrongContentType = fc.constantFrom(
  'text/plain',
  'application/xml',
  'text/html',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded; charset=ebcdic',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'image/png',
  '*/*',
  ';;',
  'application/json, text/plain',
);

/** JSON bodies that are not an object, not complete, or not JSON. */
export const brokenJson = fc.constantFrom(
  '',
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  'null',
  'true',
  '0',
  '"text"',
  '[]',
  '[{}]',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  DEEP,
  '\u0000',
  '\ufeff{}',
  '{"a":"\\ud800"}',
  `{"a":"${ONE_MB}"}`,
  '1'.repeat(400),
);
