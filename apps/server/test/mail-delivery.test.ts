import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { restClient } from './support/http.js';
import { codeOf, startMailbox, type Mailbox } from './support/mailbox.js';
import { PASSWORD, uniqueEmail } from './support/flows.js';
import { freePort } from './support/ports.js';
import { waiter } from './support/wait.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const started = await startTestServer(env);
  cleanups.push(() => started.close());
  return started;
}

function waitForFile(dir: string, timeoutMs = 10_000): Promise<string> {
  const first = () => {
    try {
      const file = readdirSync(dir).find((name) => name.endsWith('.eml'));
      return file === undefined ? undefined : join(dir, file);
    } catch {
      return undefined; // the outbox folder is made by the first mail
    }
  };
  return waiter().until(first, timeoutMs, () => `no .eml in ${dir}`, 50);
}

it('without SMTP_URL, writes the mail to DATA_DIR/outbox, where the code completes the signup', async () => {
  const local = await server();
  const api = restClient(local.url);
  const email = uniqueEmail('outbox');
  expect((await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD })).status).toBe(201);
  const file = await waitForFile(join(local.dataDir, 'outbox'));
  const eml = readFileSync(file, 'utf8');
  expect(eml).toMatch(/^Subject: Verify your Email$/m);
  expect(eml).toMatch(new RegExp(`^To: ${email.replace(/[.+]/g, '\\$&')}$`, 'm'));
  const otp = /Your code: (\d{6})/.exec(eml)?.[1];
  expect(otp).toMatch(/^\d{6}$/);
  const created = await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp });
  expect(created.status).toBe(201);
});

it('answers at once while the SMTP server is down, and delivers once it is back', async () => {
  const port = await freePort();
  const local = await server({ SMTP_URL: `smtp://127.0.0.1:${port}` });
  const api = restClient(local.url);
  const email = uniqueEmail('retry');
  const started = Date.now();
  const response = await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD });
  expect(response.status).toBe(201);
  expect(Date.now() - started).toBeLessThan(2_000);

  const mailbox: Mailbox = await startMailbox(port);
  cleanups.push(() => mailbox.close());
  const mail = await mailbox.waitFor(email, 'Verify your Email', 15_000);
  const { otp } = codeOf(mail);
  expect((await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp })).status).toBe(201);
});
