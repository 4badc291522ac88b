import { escapeHtml } from '../auth/emails.js';
import type { Config } from '../config.js';
import type { MailMessage } from '../platform/mailer.js';

const confirmationLink = (config: Config, token: string) => `${config.PUBLIC_URL}/newsletter/confirm/?token=${token}`;
const unsubscribeLink = (config: Config, token: string) => `${config.PUBLIC_URL}/newsletter/unsubscribe/one-click/?token=${token}`;

export function confirmationMail(config: Config, to: string, token: string): MailMessage {
  const link = confirmationLink(config, token);
  const intro = 'Someone asked to receive the Career Nexus newsletter at this address. Open this link to confirm:';
  return {
    to,
    subject: 'Confirm your newsletter subscription',
    text: [intro, '', link, '', 'If you did not ask for this, ignore this e-mail: nothing will be sent to you.'].join('\n'),
    html: `<p>${escapeHtml(intro)}</p>
<p><a href="${escapeHtml(link)}">Confirm my subscription</a></p>
<p>If you did not ask for this, ignore this e-mail: nothing will be sent to you.</p>`,
  };
}

/** A newsletter as mailed to one recipient, with that recipient's one-click unsubscribe link (also as List-Unsubscribe, RFC 8058). */
export function newsletterMail(
  config: Config,
  to: string,
  newsletter: { title: string; content: string; image: string | null },
  unsubscribeToken: string,
): MailMessage {
  const link = unsubscribeLink(config, unsubscribeToken);
  const paragraphs = newsletter.content.split(/\n{2,}/).map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`);
  const image = newsletter.image ? `<p><img src="${escapeHtml(newsletter.image)}" alt="" style="max-width:100%"></p>\n` : '';
  return {
    to,
    subject: newsletter.title,
    text: [newsletter.content, '', ...(newsletter.image ? [newsletter.image, ''] : []), `Unsubscribe: ${link}`].join('\n'),
    html: `<h1>${escapeHtml(newsletter.title)}</h1>
${image}${paragraphs.join('\n')}
<p style="font-size:12px"><a href="${escapeHtml(link)}">Unsubscribe</a> from the Career Nexus newsletter.</p>`,
    headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}
