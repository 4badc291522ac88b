/**
 * A `Date` that already knows its JSON text. `JSON.stringify` calls `toJSON` on every Date, and
 * the built-in one (through `toISOString`) was half the time of serializing a 200-comment tree;
 * returning a kept string costs about what a plain string field does. Everything else about it,
 * superjson on /trpc included, sees an ordinary Date.
 */
class Timestamp extends Date {
  readonly #json: string;

  constructor(time: number, json: string) {
    super(time);
    this.#json = json;
  }

  override toJSON(): string {
    return this.#json;
  }
}

// PostgreSQL's JSON form of a timestamptz in a UTC session: "2026-08-30T06:28:36.42+00:00", with
// 0–6 fraction digits (trailing zeros dropped).
const UTC_TEXT = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00:00$/;

/**
 * The Date of a timestamp that PostgreSQL wrote into JSON. Its JSON text is `toISOString`'s
 * (milliseconds, `Z`), cut from the text PostgreSQL wrote when that is UTC, since the Date keeps
 * milliseconds only.
 */
export function timestampFromJson(text: string): Date {
  const time = Date.parse(text);
  const utc = UTC_TEXT.exec(text);
  if (!utc || Number.isNaN(time)) return new Date(time);
  return new Timestamp(time, `${utc[1]}.${(utc[2] ?? '').padEnd(3, '0').slice(0, 3)}Z`);
}
