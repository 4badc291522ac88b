import { escapeHtml } from '../auth/emails.js';
import type { MailMessage } from '../platform/mailer.js';
import type { Ticket } from './schemas.js';

/** Tells a ticket's owner what an administrator did: the notification's sentence, their message and the answer. */
export function ticketMail(to: string, sentence: string, ticket: Ticket): MailMessage {
  const paragraphs = [
    sentence,
    `Your message: ${ticket.message}`,
    ...(ticket.admin_response === null ? [] : [`Our answer: ${ticket.admin_response}`]),
    `Status: ${ticket.status.replace('_', ' ')}`,
  ];
  return {
    to,
    subject: `Your support ticket #${ticket.id} was updated`,
    text: paragraphs.join('\n\n'),
    html: paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n'),
  };
}
