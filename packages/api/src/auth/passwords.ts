import { hash, verify, type Options } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
// `algorithm: 2` is Algorithm.Argon2id (a const enum, which isolated modules cannot import).
const ARGON2_OPTIONS: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string) => hash(password, ARGON2_OPTIONS);

// Verified against when the account does not exist, so a wrong e-mail costs as long as a wrong password.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  // No account, or one without a password: the same work as a real check, so timing tells nothing.
  if (passwordHash === undefined || passwordHash === null) {
    await verify(await (dummyHash ??= hashPassword('not-a-real-password-0')), password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

/** The original's rules, checked in its order; the first failure is the message. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 6) return 'Passwords cannot be less than 6 characters';
  if (!/[A-Z]/.test(password)) return 'Password must contain upper case character';
  if (!/[a-z]/.test(password)) return 'Password must contain lower case character';
  if (!/[0-9]/.test(password)) return 'Password must contain an Integer';
  return undefined;
}
