import type { RestClient } from './http.js';
import type { Mailbox } from './mailbox.js';
import { signUp } from './flows.js';

export interface Person {
  id: number;
  email: string;
  token: string;
}

/** A signed-up person with the given industry and user type. */
export async function person(api: RestClient, mailbox: Mailbox, industry = 'technology', userType = 'learner'): Promise<Person> {
  const { access, email } = await signUp(api, mailbox);
  await api.request('PATCH', '/user/profile-update/', { industry, user_type: userType }, { token: access });
  const me = await api.get('/user/me/', { token: access });
  return { id: me.body.id, email, token: access };
}
