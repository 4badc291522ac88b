import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createJWTSignatureMessage, encodeJWT } from '@oslojs/jwt';
import { ConfigError } from '../config.js';
import { required } from '../invariant.js';

/** Who enters which room, and when. */
interface RoomGrant {
  room: string;
  user: { id: number; name: string; email: string; avatar: string | null };
  /** The session's mentor moderates its room. */
  moderator: boolean;
  now: Date;
}

/** Tokens for mentorship-session video rooms: Jitsi as a Service when configured, else unsigned. */
export interface VideoRooms {
  provider: 'jaas' | 'development';
  token(grant: RoomGrant): string;
}

/** A token lets its holder in for an hour from its issue; the client joins right away. */
const TOKEN_SECONDS = 3600;

/** The JaaS claims (https://developer.8x8.com/jaas/docs/api-keys-jwt), scoped to one room. */
function claims(tenant: string, grant: RoomGrant) {
  const now = Math.floor(grant.now.getTime() / 1000);
  return {
    aud: 'jitsi',
    iss: 'chat',
    sub: tenant,
    // Never "*": a token for one session must not open every room of the tenant.
    room: grant.room,
    nbf: now,
    exp: now + TOKEN_SECONDS,
    context: {
      user: {
        id: `User_${grant.user.id}`,
        name: grant.user.name,
        avatar: grant.user.avatar ?? '',
        email: grant.user.email,
        moderator: grant.moderator,
      },
      // Nothing billable or recorded is offered to participants.
      features: { livestreaming: false, 'outbound-call': false, transcription: false, recording: false },
      room: { regex: false },
    },
  };
}

export interface JaasOptions {
  appId: string;
  keyId: string;
  /** PEM text; `privateKeyPath` is read when it is absent. */
  privateKey?: string | undefined;
  privateKeyPath?: string | undefined;
}

/** Signs RS256 JaaS tokens locally with the tenant's key, read and parsed once here (start-up). */
export function jaasVideoRooms(options: JaasOptions): VideoRooms {
  const key = loadPrivateKey(options);
  const header = JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: options.keyId });
  return {
    provider: 'jaas',
    token(grant) {
      const payload = JSON.stringify(claims(options.appId, grant));
      const signature = sign('sha256', createJWTSignatureMessage(header, payload), key);
      return encodeJWT(header, payload, signature);
    },
  };
}

function loadPrivateKey(options: JaasOptions): KeyObject {
  const source = options.privateKey ? 'JITSI_PRIVATE_KEY' : `JITSI_PRIVATE_KEY_PATH (${options.privateKeyPath})`;
  try {
    const pem = options.privateKey ?? readFileSync(required(options.privateKeyPath, 'JITSI_PRIVATE_KEY_PATH'), 'utf8');
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`an ${key.asymmetricKeyType} key, not RSA`);
    return key;
  } catch (error) {
    // A bad key stops the start rather than the first join.
    throw new ConfigError(`invalid configuration:\n  ${source}: not a readable RSA private key in PEM: ${(error as Error).message}`);
  }
}

/** The same claims unsigned (`alg: none`), for development without a video provider. */
export function developmentVideoRooms(): VideoRooms {
  const header = JSON.stringify({ alg: 'none', typ: 'JWT' });
  return {
    provider: 'development',
    token: (grant) => encodeJWT(header, JSON.stringify(claims('development', grant)), new Uint8Array()),
  };
}
