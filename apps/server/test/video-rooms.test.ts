import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from '@careernexus/db';
import { afterAll, describe, expect, it } from 'vitest';
import { useServer, type Fixture } from './support/fixture.js';
import { person, type Person } from './support/people.js';

// Mentorship-session video rooms: Jitsi-as-a-Service tokens signed locally (RS256) when JITSI_* is
// set, with the key given by value or by file; unsigned development tokens otherwise.
const APP_ID = 'vpaas-magic-cookie-0123456789abcdef0123456789abcdef';
const KEY_ID = `${APP_ID}/a1b2c3`;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const keyDir = mkdtempSync(join(tmpdir(), 'cn-jitsi-'));
const keyPath = join(keyDir, 'jaas.pem');
writeFileSync(keyPath, pem, { mode: 0o600 });
afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

const PHOTO = 'https://cdn.example/mentor.png';

/** A free session (paid at booking) between a named mentor and mentee, accepted and begun, and one invitee. */
async function begunSession(t: Fixture) {
  const db = t.server.database.db;
  // Names set directly: how a profile is edited is another test's concern.
  const named = async (first: string, userType: string) => {
    const who = await person(t.api, t.mailbox, 'technology', userType);
    await db.updateTable('profiles').set({ first_name: first, last_name: 'Okafor' }).where('user_id', '=', who.id).execute();
    return who;
  };
  const [mentor, mentee, invitee] = [await named('Ada', 'mentor'), await named('Bayo', 'learner'), await named('Chi', 'learner')];
  await db.updateTable('profiles').set({ profile_photo: PHOTO }).where('user_id', '=', mentor.id).execute();
  const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const booked = await t.api.post(
    '/mentor/sessions/book/',
    { mentor: mentor.id, session_type: 'group', date, time: '09:00', discourse: 'Career Coaching', invitees: [invitee.id] },
    { token: mentee.token },
  );
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  expect(booked.body.is_paid).toBe(true);
  expect(
    (await t.api.post('/mentor/sessions/accept-reject/', { session: booked.body.id, action: 'Accept' }, { token: mentor.token })).status,
  ).toBe(200);
  // Its time has come.
  await db
    .updateTable('mentor_sessions')
    .set({ session_at: sql<Date>`now() - interval '5 minutes'` })
    .where('id', '=', booked.body.id)
    .execute();
  return { session: booked.body.id as number, mentor, mentee, invitee };
}

const enter = (t: Fixture, who: Person, session: number) => t.api.get(`/mentor/session/join/?session=${session}`, { token: who.token });
const part = (token: string, index: number) => JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8'));

function expectJaasTokens(t: Fixture) {
  it('each participant gets an RS256 token for this room only, signed with the key, the mentor as moderator', async () => {
    const { session, mentor, mentee, invitee } = await begunSession(t);
    for (const [who, first, moderator, avatar] of [
      [mentor, 'Ada', true, PHOTO],
      [mentee, 'Bayo', false, ''],
      [invitee, 'Chi', false, ''],
    ] as const) {
      const entry = await enter(t, who, session);
      expect(entry.status, JSON.stringify(entry.body)).toBe(200);
      expect(entry.body).toEqual({
        session_id: session,
        room_name: expect.stringMatching(/^Room_\d+_\d+_[0-9a-f]{32}$/),
        token: expect.any(String),
        provider: 'jaas',
      });
      const token: string = entry.body.token;
      const [header, payload, signature] = token.split('.') as [string, string, string];
      expect(verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
      expect(part(token, 0)).toEqual({ alg: 'RS256', typ: 'JWT', kid: KEY_ID });
      const claims = part(token, 1);
      expect(claims).toEqual({
        aud: 'jitsi',
        iss: 'chat',
        sub: APP_ID,
        room: entry.body.room_name,
        nbf: expect.any(Number),
        exp: expect.any(Number),
        context: {
          user: { id: `User_${who.id}`, name: `${first} Okafor`, avatar, email: who.email, moderator },
          features: { livestreaming: false, 'outbound-call': false, transcription: false, recording: false },
          room: { regex: false },
        },
      });
      expect(claims.room).not.toBe('*');
      expect(claims.exp - claims.nbf).toBe(3600);
      expect(Math.abs(claims.nbf - Date.now() / 1000)).toBeLessThan(60);
    }
  });
}

describe('JaaS with the key by value (one line, `\\n` escapes)', () => {
  const t = useServer({ JITSI_APP_ID: APP_ID, JITSI_KEY_ID: KEY_ID, JITSI_PRIVATE_KEY: pem.trim().replaceAll('\n', '\\n') });
  expectJaasTokens(t);
});

describe('JaaS with the key in a file', () => {
  const t = useServer({ JITSI_APP_ID: APP_ID, JITSI_KEY_ID: KEY_ID, JITSI_PRIVATE_KEY_PATH: keyPath });
  expectJaasTokens(t);
});

describe('without JITSI_*', () => {
  const t = useServer();
  it('answers the development provider and an unsigned token with the same claims', async () => {
    const { session, mentor, mentee } = await begunSession(t);
    for (const [who, moderator] of [
      [mentor, true],
      [mentee, false],
    ] as const) {
      const entry = await enter(t, who, session);
      expect(entry.status, JSON.stringify(entry.body)).toBe(200);
      expect(entry.body.provider).toBe('development');
      const token: string = entry.body.token;
      expect(token.endsWith('.')).toBe(true);
      expect(part(token, 0)).toEqual({ alg: 'none', typ: 'JWT' });
      expect(part(token, 1)).toMatchObject({
        aud: 'jitsi',
        sub: 'development',
        room: entry.body.room_name,
        context: { user: { id: `User_${who.id}`, moderator } },
      });
    }
  });
});
