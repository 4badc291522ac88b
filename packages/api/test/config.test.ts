import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { jaasVideoRooms } from '../src/platform/video-rooms.js';

describe('default profile and cover photos', () => {
  it('are this server’s own images at PUBLIC_URL/static/ when not set', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://career-nexus.example/' })).toMatchObject({
      DEFAULT_PROFILE_PHOTO_URL: 'https://career-nexus.example/static/default-profile.png',
      DEFAULT_COVER_PHOTO_URL: 'https://career-nexus.example/static/default-cover.png',
    });
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '9000' }).DEFAULT_PROFILE_PHOTO_URL).toBe(
      'http://localhost:9000/static/default-profile.png',
    );
  });

  it('are the configured URLs when set', () => {
    const config = loadConfig({
      DEFAULT_PROFILE_PHOTO_URL: 'https://cdn.example/me.png',
      DEFAULT_COVER_PHOTO_URL: 'https://cdn.example/cover.png',
    });
    expect(config).toMatchObject({
      DEFAULT_PROFILE_PHOTO_URL: 'https://cdn.example/me.png',
      DEFAULT_COVER_PHOTO_URL: 'https://cdn.example/cover.png',
    });
    expect(() => loadConfig({ DEFAULT_COVER_PHOTO_URL: 'not a url' })).toThrow(/DEFAULT_COVER_PHOTO_URL/);
  });
});

describe('Jitsi as a Service (JITSI_*)', () => {
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const complete = { JITSI_APP_ID: 'vpaas-magic-cookie-abc', JITSI_KEY_ID: 'vpaas-magic-cookie-abc/k1', JITSI_PRIVATE_KEY: pem };

  it('is all or nothing: a partial setup stops the start, naming what is missing', () => {
    expect(loadConfig({}).JITSI_APP_ID).toBeUndefined();
    expect(() => loadConfig({ JITSI_APP_ID: complete.JITSI_APP_ID })).toThrow(/JITSI_KEY_ID, JITSI_PRIVATE_KEY or JITSI_PRIVATE_KEY_PATH/);
    expect(() => loadConfig({ JITSI_KEY_ID: complete.JITSI_KEY_ID, JITSI_PRIVATE_KEY_PATH: '/etc/jaas.pem' })).toThrow(
      /also set JITSI_APP_ID \(/,
    );
    expect(() => loadConfig({ ...complete, JITSI_PRIVATE_KEY: '' })).toThrow(/also set JITSI_PRIVATE_KEY or JITSI_PRIVATE_KEY_PATH/);
    expect(() => loadConfig({ ...complete, JITSI_PRIVATE_KEY_PATH: '/etc/jaas.pem' })).toThrow(/not both/);
    // Named beside other fields' errors, not only once they are fixed.
    expect(() => loadConfig({ PORT: 'x', JITSI_APP_ID: complete.JITSI_APP_ID })).toThrow(
      /PORT: .*\n {2}JITSI_\*: Jitsi as a Service is partly configured/,
    );
  });

  it('takes the key as PEM text, one-line `\\n` escapes included', () => {
    expect(loadConfig(complete).JITSI_PRIVATE_KEY).toBe(pem.trim());
    expect(loadConfig({ ...complete, JITSI_PRIVATE_KEY: pem.trim().replaceAll('\n', '\\n') }).JITSI_PRIVATE_KEY).toBe(pem.trim());
  });

  it('refuses at start-up a key that is not an RSA private key, or a missing file', () => {
    expect(() => jaasVideoRooms({ appId: 'a', keyId: 'k', privateKey: 'not a key' })).toThrow(ConfigError);
    expect(() => jaasVideoRooms({ appId: 'a', keyId: 'k', privateKey: 'not a key' })).toThrow(
      /JITSI_PRIVATE_KEY: not a readable RSA private key/,
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => jaasVideoRooms({ appId: 'a', keyId: 'k', privateKey: ec })).toThrow(/not RSA/);
    expect(() => jaasVideoRooms({ appId: 'a', keyId: 'k', privateKeyPath: '/nonexistent/jaas.pem' })).toThrow(
      /JITSI_PRIVATE_KEY_PATH \(\/nonexistent\/jaas.pem\)/,
    );
  });
});
