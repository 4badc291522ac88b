import { describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { person } from './support/people.js';
import { startTestServer } from './support/test-server.js';
import { restClient } from './support/http.js';
import { signUp } from './support/flows.js';

const t = useServer();

describe('countries', () => {
  it('lists every country with its calling code, publicly, and filters by status', async () => {
    const all = await t.api.get('/info/country-permit/');
    expect(all.status).toBe(200);
    expect(all.body.length).toBeGreaterThan(240);
    expect(all.body).toContainEqual({ id: expect.any(Number), country: 'Nigeria', code: '+234', iso_code: 'NG', permitted: true });
    expect((await t.api.get('/info/country-permit/?status=disable')).body).toEqual([]);
    expect((await t.api.get('/info/country-permit/?status=Enable')).body).toHaveLength(all.body.length);
    const bad = await t.api.get('/info/country-permit/?status=maybe');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'Invalid Query Parameter', message: 'Invalid Query Parameter' });
  });
});

describe('content pages', () => {
  it('explains a missing or unknown title, listing the available ones', async () => {
    const missing = await t.api.get('/info/');
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ Status: 'Failed', Message: 'No query parameter provided.', Available_titles: expect.any(Array) });
    const unknown = await t.api.get('/info/?title=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ Status: 'Failed', Message: 'Invalid information Title' });
  });
});

describe('choice data', () => {
  it('lists field names and options with the seed’s keys, for signed-in users', async () => {
    const user = await person(t.api, t.mailbox);
    expect((await t.api.get('/info/choice-data/')).status).toBe(401);
    const names = await t.api.get('/info/choice-data/', { token: user.token });
    expect(names.body).toEqual({
      field_names: [
        'industry',
        'employment_type',
        'user',
        'employment_category',
        'experience_level',
        'work_type',
        'company_type',
        'company_size',
        'timezones',
      ],
    });
    const sizes = await t.api.get('/info/choice-data/?field_name=company_size', { token: user.token });
    expect(sizes.body['Valid options']).toEqual(['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '+5000']);
    const levels = await t.api.get('/info/choice-data/?field_name=experience_level', { token: user.token });
    expect(levels.body).toEqual({ field_name: 'experience_level', 'Valid options': ['entry', 'mid', 'senior', 'executive'] });
    const industry = await t.api.get('/info/choice-data/?field_name=industry', { token: user.token });
    expect(industry.body['Valid options']).toContain('agriculture');
    const unknown = await t.api.get('/info/choice-data/?field_name=color', { token: user.token });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'Invalid field name.', Avalable_names: expect.arrayContaining(['industry']) });
  });
});

describe('administration', () => {
  it('refuses ordinary users with 403 and changes nothing', async () => {
    const user = await person(t.api, t.mailbox);
    const attempts = [
      await t.api.request('PUT', '/info/country-permit/', { country: 'Nigeria', status: 'disable' }, { token: user.token }),
      await t.api.post('/info/', { title: 'tos', content: 'x' }, { token: user.token }),
      await t.api.request('PUT', '/info/?title=tos', { content: 'y' }, { token: user.token }),
      await t.api.request('DELETE', '/info/?title=tos', undefined, { token: user.token }),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(403);
      expect(response.body).toEqual({
        detail: 'You do not have permission to perform this action.',
        message: 'You do not have permission to perform this action.',
      });
    }
    expect((await t.api.get('/info/country-permit/?status=disable')).body).toEqual([]);
    expect((await t.api.get('/info/?title=tos')).status).toBe(404);
  });

  it('an administrator manages content and country permits; a barred code is refused on profiles', async () => {
    const adminEmail = `admin.${Date.now()}@example.test`;
    const server = await startTestServer({ SMTP_URL: t.mailbox.url, ADMIN_EMAILS: adminEmail });
    try {
      const api = restClient(server.url);
      const admin = (await signUp(api, t.mailbox, adminEmail)).access;
      const member = (await signUp(api, t.mailbox)).access;

      const created = await api.post('/info/', { title: 'Terms Of Service', content: 'Be kind.', items: 'one, two' }, { token: admin });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ title: 'terms_of_service', content: 'Be kind.', items: ['one', 'two'] });
      expect((await api.post('/info/', { title: 'terms of service' }, { token: admin })).body.non_field_errors).toEqual(['Existent title']);
      const read = await api.get('/info/?title=terms_of_service');
      expect(read.body).toEqual({
        status: 'Success',
        content: {
          title: 'terms_of_service',
          content: 'Be kind.',
          items: ['one', 'two'],
          updated: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        },
        Available_titles: ['terms_of_service'],
      });
      const updated = await api.request('PUT', '/info/?title=terms_of_service', { content: 'Be kinder.' }, { token: admin });
      expect(updated.body).toMatchObject({ status: 'Updated', content: 'Be kinder.' });
      expect((await api.request('DELETE', '/info/?title=terms_of_service', undefined, { token: admin })).status).toBe(204);
      expect((await api.request('DELETE', '/info/?title=terms_of_service', undefined, { token: admin })).status).toBe(404);

      const nigeria = (await api.get('/info/country-permit/')).body.find((c: { code: string }) => c.code === '+234');
      const barred = await api.request('PUT', '/info/country-permit/', { country: nigeria.id, status: 'disable' }, { token: admin });
      expect(barred.body).toEqual({ country: 'Nigeria', permitted: false });
      const again = await api.request('PUT', '/info/country-permit/', { country: 'nigeria', status: 'disable' }, { token: admin });
      expect(again.body.non_field_errors).toEqual(['Country already unpermitted.']);
      expect((await api.request('PUT', '/info/country-permit/', { country: 'Atlantis', status: 'enable' }, { token: admin })).status).toBe(
        400,
      );
      expect((await api.get('/info/country-permit/?status=disable')).body).toEqual([expect.objectContaining({ country: 'Nigeria' })]);

      const refused = await api.request('PUT', '/user/profile-update/', { country_code: '+234' }, { token: member });
      expect(refused.status).toBe(400);
      expect(refused.body.country_code).toEqual(['This dialling code belongs to no permitted country.']);
      expect((await api.request('PUT', '/user/profile-update/', { country_code: '+44' }, { token: member })).status).toBe(201);
    } finally {
      await server.close();
    }
  });
});
