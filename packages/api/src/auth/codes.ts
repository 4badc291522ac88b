import { randomInt, randomUUID } from 'node:crypto';

/** Six decimal digits from a cryptographic source; leading zeros kept. */
export const newOtp = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** The token of the verification link mailed with each code. */
export const newLinkToken = () => randomUUID();
