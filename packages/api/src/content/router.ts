import { notAdministrator, tooManyRequests } from '../errors.js';
import { tooLarge, unknownUploadUrl, wrongType } from '../media/errors.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { adminProcedure, authedProcedure, limitPerIp, publicProcedure, router } from '../trpc.js';
import * as contentErrors from './errors.js';
import { createNewsletter, listNewsletters } from './newsletters.js';
import * as schemas from './schemas.js';
import { confirmEmail, subscribeEmail, subscribeMember, unsubscribeByLink, unsubscribeMember } from './subscriptions.js';

const route = (route: Omit<RestRoute, 'tag'>) => rest({ ...route, tag: 'newsletters' });
const TOO_MANY = { 429: answers('Too many calls from this client; see Retry-After', tooManyRequests(42)) };
const ONE_CLICK_PATH = '/newsletter/unsubscribe/one-click/';

/** The unsubscribe link of every newsletter e-mail, by GET (a person's click) or POST (a mail client's one-click, RFC 8058). */
const unsubscribeLinkRoute = (method: 'GET' | 'POST') =>
  publicProcedure
    .meta(
      route({
        method,
        path: ONE_CLICK_PATH,
        summary: method === 'GET' ? 'Unsubscribe through an e-mail’s link' : 'Unsubscribe in one click (List-Unsubscribe-Post)',
        description:
          'No sign-in: `?token=` from the link in a newsletter e-mail ends that subscription, an e-mail address’s or a member’s. ' +
          'Following it again is no error. ' +
          (method === 'POST'
            ? 'Mail clients call this for the `List-Unsubscribe-Post: List-Unsubscribe=One-Click` header of every newsletter e-mail.'
            : 'The same link is the e-mail’s `List-Unsubscribe` header.'),
        errors: { 400: answers('A token that names no subscription', contentErrors.invalidUnsubscribeLink()), ...TOO_MANY },
      }),
    )
    .use(limitPerIp('newsletter-link'))
    .input(schemas.linkInput)
    .output(schemas.statusOutput);

export const newsletterRouter = router({
  subscribeEmail: publicProcedure
    .meta(
      route({
        method: 'POST',
        path: '/user/newsletter-subscribe/',
        summary: 'Subscribe an e-mail address to the newsletter',
        description:
          'No sign-in (the landing page’s form). Answers `{"status": "Subscribed Successfully"}` and mails a confirmation link to the address; ' +
          'newsletters are sent to it only once that link is followed (`GET /newsletter/confirm/`). Sending a pending address again mails a new link. ' +
          'Every newsletter e-mail carries a one-click unsubscribe link.',
        errors: {
          400: answers('Not an e-mail address, or one subscribed already', contentErrors.emailAlreadySubscribed()),
          ...TOO_MANY,
        },
      }),
    )
    .use(limitPerIp('newsletter-subscribe'))
    .input(schemas.emailSubscribeInput)
    .output(schemas.statusOutput)
    .mutation(({ ctx, input }) => subscribeEmail(ctx.services, input.email)),

  confirmEmail: publicProcedure
    .meta(
      route({
        method: 'GET',
        path: '/newsletter/confirm/',
        summary: 'Confirm an e-mail subscription through its link',
        description:
          'No sign-in: `?token=` from the confirmation e-mail. Answers `{"status": "Subscription confirmed"}`, also when followed again.',
        errors: { 400: answers('A token that names no pending subscription', contentErrors.invalidConfirmationLink()), ...TOO_MANY },
      }),
    )
    .use(limitPerIp('newsletter-link'))
    .input(schemas.linkInput)
    .output(schemas.statusOutput)
    .query(({ ctx, input }) => confirmEmail(ctx.services, input.token)),

  unsubscribeByLink: unsubscribeLinkRoute('GET').query(({ ctx, input }) => unsubscribeByLink(ctx.services, input.token)),
  unsubscribeByOneClick: unsubscribeLinkRoute('POST').mutation(({ ctx, input }) => unsubscribeByLink(ctx.services, input.token)),

  subscribe: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/newsletter/subscribe/',
        protect: true,
        summary: 'Subscribe to the newsletter',
        description:
          'The body is ignored. Newsletters are then e-mailed to you while your `marketing` setting is on, and listed by `GET /newsletter/` either way.',
        errors: { 400: answers('Subscribed already', contentErrors.memberAlreadySubscribed()) },
      }),
    )
    .input(schemas.ignoredBody)
    .output(schemas.memberSubscription)
    .mutation(({ ctx }) => subscribeMember(ctx.services, ctx.viewer)),

  unsubscribe: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/newsletter/unsubscribe/',
        protect: true,
        summary: 'Unsubscribe from the newsletter',
        description: 'The body is ignored. Newsletter e-mails queued for you and not yet sent are not sent.',
        errors: { 400: answers('Not subscribed', contentErrors.memberNotSubscribed()) },
      }),
    )
    .input(schemas.ignoredBody)
    .output(schemas.statusOutput)
    .mutation(({ ctx }) => unsubscribeMember(ctx.services, ctx.viewer)),

  create: adminProcedure
    .meta({
      ...route({
        method: 'POST',
        path: '/newsletter/create/',
        protect: true,
        summary: 'Publish a newsletter (administrators)',
        description:
          '`title` (up to 500 characters), `content` and an optional `image` (JPEG, PNG, WebP or GIF, up to MAX_IMAGE_BYTES): a file part of a multipart body, ' +
          'or in JSON the URL of an image uploaded through `media.createUpload`; checked by its content. ' +
          'Queues one e-mail for every confirmed e-mail subscriber and every subscribed member whose `marketing` setting is on (`recipients` counts them), ' +
          'sent in batches by the server in the background: the answer does not wait for them.',
        errors: {
          400: answers(
            'A field missing or invalid, a file that is not an image, or a URL that names no uploaded file',
            wrongType('image', schemas.NEWSLETTER_UPLOADS.image),
            unknownUploadUrl('image'),
          ),
          403: answers('Only administrators may do this', notAdministrator()),
          413: answers('The image is larger than MAX_IMAGE_BYTES', tooLarge('image', 10 * 1_048_576)),
        },
      }),
      uploads: schemas.NEWSLETTER_UPLOADS,
    })
    .input(schemas.createInput)
    .output(schemas.created)
    .mutation(({ ctx, input }) => createNewsletter(ctx.services, ctx.viewer, input)),

  list: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/newsletter/',
        protect: true,
        summary: 'Newsletters, for subscribers',
        description:
          '`recent` is the newest newsletter (blank fields, `id` and `timestamp` null, while there is none); `archive` the older ones, newest first, ' +
          '5 a page (`page`, `page_size`). A member who is not subscribed gets 404 `{"subscribed": false}`.',
        errors: { 404: answers('Not subscribed', contentErrors.notSubscribed()) },
      }),
    )
    .input(schemas.listInput)
    .output(schemas.newsletters)
    .query(({ ctx, input }) => listNewsletters(ctx, ctx.viewer, input)),
});
