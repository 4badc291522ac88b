/**
 * For values the data guarantees (a card of a user the same query found, a column a constraint
 * fills): returns the value, or throws naming what broke, in place of a `!` that would let an
 * `undefined` slip on into an answer.
 */
export function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`Invariant broken: ${what} is missing.`);
  return value;
}

/** The row of a statement that always returns exactly one (an aggregate, a `select` of subqueries). */
export function onlyRow<T>(rows: readonly T[]): T {
  return required(rows[0], 'the row of a single-row statement');
}
