import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('default profile and cover photos', () => {
  it('are this server’s own images at PUBLIC_URL/static/ when not set', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://career-nexus.example/' })).toMatchObject({
      DEFAULT_PROFILE_PHOTO_URL: 'https://career-nexus.example/static/default-profile.png',
      DEFAULT_COVER_PHOTO_URL: 'https://career-nexus.example/static/default-cover.png',
    });
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '9000' }).DEFAULT_PROFILE_PHOTO_URL).toBe('http://localhost:9000/static/default-profile.png');
  });

  it('are the configured URLs when set', () => {
    const config = loadConfig({ DEFAULT_PROFILE_PHOTO_URL: 'https://cdn.example/me.png', DEFAULT_COVER_PHOTO_URL: 'https://cdn.example/cover.png' });
    expect(config).toMatchObject({ DEFAULT_PROFILE_PHOTO_URL: 'https://cdn.example/me.png', DEFAULT_COVER_PHOTO_URL: 'https://cdn.example/cover.png' });
    expect(() => loadConfig({ DEFAULT_COVER_PHOTO_URL: 'not a url' })).toThrow(/DEFAULT_COVER_PHOTO_URL/);
  });
});
