import { hmac } from '@oslojs/crypto/hmac';
import { SHA256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { createJWTSignatureMessage, encodeJWT, parseJWT } from '@oslojs/jwt';
import { randomBytes } from 'node:crypto';

export type TokenType = 'access' | 'refresh';

/** The claims the original service put in its tokens; clients may decode them. */
export interface TokenClaims {
  token_type: TokenType;
  exp: number;
  iat: number;
  jti: string;
  user_id: number;
}

const HEADER_JSON = JSON.stringify({ alg: 'HS256', typ: 'JWT' });

export function createToken(key: Uint8Array, claims: TokenClaims): string {
  const payloadJSON = JSON.stringify(claims);
  const signature = hmac(SHA256, key, createJWTSignatureMessage(HEADER_JSON, payloadJSON));
  return encodeJWT(HEADER_JSON, payloadJSON, signature);
}

/** 32 hex characters, like the original's `jti`. */
export const newTokenId = () => randomBytes(16).toString('hex');

/**
 * The claims of a well-signed, unexpired token of the expected type, or null.
 * Anything malformed is simply not a token: callers never see parsing errors.
 */
export function verifyToken(key: Uint8Array, token: string, expectedType: TokenType, nowSeconds: number): TokenClaims | null {
  let parts: ReturnType<typeof parseJWT>;
  try {
    parts = parseJWT(token);
  } catch {
    return null;
  }
  const [header, payload, signature, signatureMessage] = parts;
  if ((header as { alg?: unknown }).alg !== 'HS256') return null;
  if (!constantTimeEqual(signature, hmac(SHA256, key, signatureMessage))) return null;
  const claims = payload as Partial<TokenClaims>;
  if (claims.token_type !== expectedType) return null;
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return null;
  if (typeof claims.iat !== 'number' || typeof claims.jti !== 'string') return null;
  if (typeof claims.user_id !== 'number' || !Number.isSafeInteger(claims.user_id) || claims.user_id <= 0) return null;
  return claims as TokenClaims;
}

/** Keyed digest for codes and link tokens, so the database never holds them readable. */
export function digest(key: Uint8Array, purpose: string, value: string): string {
  return encodeHexLowerCase(hmac(SHA256, key, new TextEncoder().encode(`${purpose}\0${value}`)));
}
