import { escapeHtml } from '../auth/emails.js';
import type { Config } from '../config.js';
import type { MailMessage } from '../platform/mailer.js';

/** Why the member gets this mail, and where to stop it. */
const footer = (config: Config, setting: string) =>
  `You get this e-mail because "${setting}" is on in your settings (${config.PUBLIC_URL}/user/settings/).`;

function mail(config: Config, to: string, subject: string, lines: string[], setting: string): MailMessage {
  const all = [...lines, '', footer(config, setting)];
  return {
    to,
    subject,
    text: all.join('\n'),
    html: all
      .filter(Boolean)
      .map((line) => `<p>${escapeHtml(line)}</p>`)
      .join('\n'),
  };
}

const excerpt = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}…` : text);

/** The first like or comment someone else gives a post (the original's subjects). */
export const firstReactionMail = (config: Config, to: string, reaction: 'like' | 'comment', name: string, postId: number, body: string) =>
  mail(
    config,
    to,
    reaction === 'like' ? 'Your Post Got a Like!!' : 'Your Post Got a Comment!!',
    [
      `${name} ${reaction === 'like' ? 'liked' : 'commented on'} your post${body ? `: "${excerpt(body)}"` : '.'}`,
      `See it: ${config.PUBLIC_URL}/post/?post_id=${postId}`,
    ],
    'email_notify',
  );

/** A chat message still unread; the text itself stays in the app. */
export const unreadMessageMail = (config: Config, to: string, name: string) =>
  mail(
    config,
    to,
    `New message from ${name}`,
    [`${name} sent you a message on Career Nexus that you have not read yet.`, 'Open your messages to read and answer it.'],
    'message_notify',
  );

export interface WeekSummary {
  followers: number;
  requests: number;
  likes: number;
  comments: number;
}

/** The weekly digest: what happened around the member in the past seven days. */
export const digestMail = (config: Config, to: string, week: WeekSummary) =>
  mail(
    config,
    to,
    'Your week on Career Nexus',
    [
      'In the past seven days:',
      `- new followers: ${week.followers}`,
      `- connection requests: ${week.requests}`,
      `- likes on your posts: ${week.likes}`,
      `- comments on your posts: ${week.comments}`,
    ],
    'weekly_summary',
  );
