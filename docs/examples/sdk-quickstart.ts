import { createClient, describeClientError } from '@careernexus/sdk';

const url = process.env.BASE ?? 'http://127.0.0.1:8000';
let tokens = { access: '', refresh: '' };

const client = createClient({
  url,
  getAccessToken: () => tokens.access,
  // With these two, an expired access token is renewed once and the call retried.
  refreshToken: () => tokens.refresh,
  onTokens: (renewed) => (tokens = renewed),
});

const { EMAIL: email, PASSWORD: password } = process.env;
if (!email || !password) throw new Error('Set EMAIL and PASSWORD to those of an account.');
const { access, refresh } = await client.auth.signin.mutate({ email, password });
tokens = { access, refresh };

const me = await client.auth.me.query();
await client.posts.create.mutate({ body: 'Hello from the SDK' });
const page = await client.posts.mine.query({ page_size: '1' });

let refused;
try {
  await client.posts.like.mutate({ post: 987654 });
} catch (error) {
  refused = describeClientError(error);
}

console.log(JSON.stringify({ me: me.email, count: page.count, first: page.results[0]?.body, refused }));
