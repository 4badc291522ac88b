/**
 * Wall-clock dates and times in a person's IANA time zone, and the instants they name, through
 * the runtime's own zone data (the list profiles are validated against).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string) {
  let formatter = formatters.get(zone);
  if (!formatter) {
    // Throws a RangeError for a name that is not a zone.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** The wall clock in `zone` at `instant`, as the fields of a UTC date (milliseconds dropped). */
function wallClock(instant: number, zone: string) {
  const parts = Object.fromEntries(
    formatterOf(zone)
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  return Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
}

/** How far `zone` is ahead of UTC at `instant`, in milliseconds. */
const offsetAt = (instant: number, zone: string) => wallClock(instant, zone) - Math.floor(instant / 1000) * 1000;

/**
 * The instant a wall-clock `date` (`YYYY-MM-DD`) and `time` (`HH:MM[:SS]`) name in `zone`. A time
 * skipped by a clock change is read with the offset before it (02:30 on a spring-forward night is
 * 03:30); a repeated one is its first occurrence. Throws a RangeError for an unknown zone.
 */
export function instantIn(zone: string, date: string, time: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute, second = 0] = time.split(':').map(Number) as [number, number, number?];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const first = wall - offsetAt(wall, zone);
  const instant = wall - offsetAt(first, zone);
  // In a skipped hour the two readings disagree; the later instant is the one read with the offset before the gap.
  return new Date(wall - offsetAt(instant, zone) === instant ? instant : Math.max(first, instant));
}

/** `instant` on the wall clock of `zone` (UTC when the zone is unknown): `{date, time}` as ISO strings. */
export function wallClockIn(zone: string, instant: Date): { date: string; time: string } {
  let wall: number;
  try {
    wall = wallClock(instant.getTime(), zone);
  } catch {
    wall = Math.floor(instant.getTime() / 1000) * 1000;
  }
  const iso = new Date(wall).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}
