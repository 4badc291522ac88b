import type { Config } from '../config.js';
import type { MailMessage } from '../platform/mailer.js';
import type { IssuedCode } from './verification.js';

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
// The pattern matches only the entities' keys; `?? c` is never taken.
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);

function expiryText(ttlSeconds: number) {
  const minutes = ttlSeconds / 60;
  if (Number.isInteger(minutes)) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `${ttlSeconds} seconds`;
}

function codeMail(config: Config, to: string, subject: string, intro: string, code: IssuedCode, link: string): MailMessage {
  const expiry = `This code will expire in ${expiryText(config.OTP_TTL)}.`;
  const text = [
    intro,
    '',
    `Your code: ${code.otp}`,
    expiry,
    '',
    `Or open this link: ${link}`,
    '',
    'If you did not ask for this, ignore this e-mail.',
  ].join('\n');
  const html = `<p>${escapeHtml(intro)}</p>
<p style="font-size:24px;letter-spacing:4px"><strong>${code.otp}</strong></p>
<p>${escapeHtml(expiry)}</p>
<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>
<p>If you did not ask for this, ignore this e-mail.</p>`;
  return { to, subject, text, html };
}

export const signupMail = (config: Config, to: string, code: IssuedCode) =>
  codeMail(
    config,
    to,
    'Verify your Email',
    'Welcome to Career Nexus. Confirm your e-mail address with this code.',
    code,
    `${config.PUBLIC_URL}/verify/${code.link}`,
  );

export const resetMail = (config: Config, to: string, code: IssuedCode) =>
  codeMail(
    config,
    to,
    'Password Reset Request',
    'Someone asked to reset the password of your Career Nexus account.',
    code,
    `${config.PUBLIC_URL}/verify/${code.link}?purpose=reset`,
  );
