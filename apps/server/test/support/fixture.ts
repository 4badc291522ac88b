import { afterAll, beforeAll } from 'vitest';
import { restClient, type RestClient } from './http.js';
import { startMailbox, type Mailbox } from './mailbox.js';
import { startTestServer, type TestServer } from './test-server.js';

export interface Fixture {
  server: TestServer;
  /** The real SMTP server the test server sends its mail to. */
  mailbox: Mailbox;
  api: RestClient;
}

/** One server with its own database and mailbox for the tests of a file: up before them, down after. */
export function useServer(env: Record<string, string> = {}): Fixture {
  const fixture = {} as Fixture;
  beforeAll(async () => {
    fixture.mailbox = await startMailbox();
    // Every test user signs up from 127.0.0.1: the per-IP limit is raised unless a test sets its own.
    fixture.server = await startTestServer({ SMTP_URL: fixture.mailbox.url, AUTH_RATE_LIMIT: '10000', ...env });
    fixture.api = restClient(fixture.server.url);
  });
  afterAll(async () => {
    await fixture.server?.close();
    await fixture.mailbox?.close();
  });
  return fixture;
}
