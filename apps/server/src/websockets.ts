import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  appRouter,
  authenticate,
  describeError,
  NOTIFICATION_TYPES,
  markShown,
  sendMessage,
  serviceUnavailable,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
  type Context,
  type Services,
  type UserEvent,
} from '@careernexus/api';
import { isDatabaseUnreachable } from '@careernexus/db';
import { TRPCError } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';

/** Frames larger than this close the socket (1009): nobody sends a 64 KiB chat message. */
const MAX_FRAME_BYTES = 64 * 1024;
const HEARTBEAT_MS = 30_000;

/** Close codes in the 4xxx range that clients act on. */
const CLOSE = { unauthorized: 4401, notFound: 4404, badRequest: 4400 } as const;
const SERVICE_RESTART = 1012;

type RawRoute = { kind: 'chat'; otherUserId: number } | { kind: 'jobs' } | { kind: 'notifications' };

function rawRouteOf(pathname: string): RawRoute | undefined {
  const path = pathname.replace(/\/+$/, '');
  const chat = /^\/ws\/chat\/(\d{1,15})$/.exec(path);
  if (chat) return { kind: 'chat', otherUserId: Number(chat[1]) };
  if (path === '/ws/notification/jobs') return { kind: 'jobs' };
  if (path === '/ws/notification') return { kind: 'notifications' };
  return undefined;
}

const send = (socket: WebSocket, frame: Record<string, unknown>) => {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
};

/**
 * WebSockets on the HTTP server's port: the raw paths existing clients use (`/ws/…?token=`) and
 * `/trpc` for tRPC subscriptions (auth through `connectionParams.token`).
 */
export function registerWebSockets(app: FastifyInstance, services: Services) {
  const raw = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const trpc = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const trpcHandler = applyWSSHandler({
    wss: trpc,
    router: appRouter,
    keepAlive: { enabled: true, pingMs: HEARTBEAT_MS, pongWaitMs: 10_000 },
    createContext: ({ req, info }): Context => {
      const token = info.connectionParams?.token;
      return {
        services,
        ip: req.socket.remoteAddress ?? '',
        authorization: token ? `Bearer ${token}` : undefined,
        url: `http://${req.headers.host ?? 'localhost'}${req.url ?? '/trpc'}`,
      };
    },
  });

  const countOpen = (ws: WebSocket, kind: RawRoute['kind'] | 'trpc') => {
    services.metrics.openSockets.inc({ kind });
    ws.once('close', () => services.metrics.openSockets.dec({ kind }));
  };

  // Sockets that stop answering pings are dropped.
  const alive = new WeakSet<WebSocket>();
  const heartbeat = setInterval(() => {
    for (const socket of raw.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname.replace(/\/+$/, '') === '/trpc') {
      trpc.handleUpgrade(request, socket, head, (ws) => {
        ws.on('error', (error) => services.log.debug({ reason: error.message }, 'websocket closed on error'));
        countOpen(ws, 'trpc');
        trpc.emit('connection', ws, request);
      });
      return;
    }
    const route = rawRouteOf(url.pathname);
    if (!route) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    // Everything is ready before the handshake completes: once a client sees the socket open,
    // nothing sent to it is missed.
    prepareRawSocket(services, route, url.searchParams.get('token')).then(
      (prepared) => {
        // The client may have gone while we prepared.
        if (socket.destroyed) return 'discard' in prepared && prepared.discard();
        raw.handleUpgrade(request, socket, head, (ws) => {
          // Oversized or broken frames close the socket; they must not take the process down.
          ws.on('error', (error) => services.log.debug({ reason: error.message }, 'websocket closed on error'));
          if ('refusal' in prepared) return ws.close(prepared.refusal.code, prepared.refusal.reason);
          alive.add(ws);
          countOpen(ws, route.kind);
          ws.on('pong', () => alive.add(ws));
          prepared.attach(ws);
        });
      },
      (error: unknown) => {
        services.log.error({ err: error }, 'websocket could not be prepared');
        socket.end(
          `HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${UNAVAILABLE_RETRY_AFTER_SECONDS}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
        );
      },
    );
  };
  app.server.on('upgrade', onUpgrade);

  // Before in-flight requests are waited for: 1012 "service restart" tells clients to reconnect at
  // once (to another process) and resume by event id, while this one finishes its requests.
  app.addHook('preClose', (done) => {
    app.server.off('upgrade', onUpgrade);
    trpcHandler.broadcastReconnectNotification();
    for (const socket of [...raw.clients, ...trpc.clients]) socket.close(SERVICE_RESTART, 'server restarting');
    done();
  });
  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    await Promise.all([new Promise((resolve) => raw.close(resolve)), new Promise((resolve) => trpc.close(resolve))]);
  });
}

type Prepared = { refusal: { code: number; reason: string } } | { attach: (socket: WebSocket) => void; discard: () => void };

/** Authenticates, checks the route and subscribes to the user's events, before any socket exists. */
async function prepareRawSocket(services: Services, route: RawRoute, token: string | null): Promise<Prepared> {
  let viewer: Awaited<ReturnType<typeof authenticate>>;
  try {
    viewer = await authenticate(services, token ? `Bearer ${token}` : undefined);
  } catch (error) {
    // Only a refused token closes the socket as unauthorized; anything else (the database away) is a 503 handshake.
    if (!(error instanceof TRPCError)) throw error;
    const body = (error.cause as { body?: { code?: string } } | undefined)?.body ?? {};
    return { refusal: { code: body.code === 'user_not_found' ? CLOSE.notFound : CLOSE.unauthorized, reason: error.message.slice(0, 100) } };
  }

  let chatId: number | undefined;
  if (route.kind === 'chat') {
    if (route.otherUserId === viewer.id) return { refusal: { code: CLOSE.badRequest, reason: 'You cannot chat with yourself.' } };
    const other = await services.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', route.otherUserId)
      .where('is_active', '=', true)
      .executeTakeFirst();
    if (!other) return { refusal: { code: CLOSE.notFound, reason: 'User not found' } };
    chatId = await roomOf(services, viewer.id, route.otherUserId);
  }

  const belongsHere = async (event: UserEvent) => {
    if (route.kind === 'jobs') return event.type === 'job';
    if (route.kind === 'notifications') return NOTIFICATION_TYPES.has(event.type);
    if (event.type !== 'chat_message') return false;
    // The room is made by the first message, possibly after this socket opened.
    chatId ??= await roomOf(services, viewer.id, route.otherUserId);
    return event.payload.chat_id === chatId;
  };
  let socket: WebSocket | undefined;
  const pending: Array<Record<string, unknown>> = [];
  // Deliveries keep the order events arrived in, though deciding where one belongs may query.
  let delivery = Promise.resolve();
  const unsubscribe = await services.events.subscribe(viewer.id, (event) => {
    delivery = delivery
      .then(async () => {
        if (!(await belongsHere(event))) return;
        if (socket) send(socket, event.payload);
        else pending.push(event.payload);
        // The open conversation shows the other's message: nobody e-mails them about it (settings/notices.ts).
        const { user_id: sender, chat_id: room, message_id: message } = event.payload;
        if (route.kind === 'chat' && sender !== viewer.id)
          await markShown(services, viewer.id, Number(room), Number(message)).catch((error: unknown) =>
            services.log.warn({ err: error }, 'chat message shown but not marked so'),
          );
      })
      // One event that could not be placed (the database away) must not stop the ones after it.
      .catch((error: unknown) => services.log.warn({ err: error }, 'event not delivered to a websocket'));
  });

  return {
    discard: unsubscribe,
    attach(ws) {
      socket = ws;
      for (const frame of pending.splice(0)) send(ws, frame);
      ws.once('close', unsubscribe);
      const receive = async (data: Buffer) => {
        let frame: unknown;
        try {
          frame = JSON.parse(data.toString('utf8'));
        } catch {
          return send(ws, { type: 'error', message: 'Frames must be JSON objects.' });
        }
        if (typeof frame !== 'object' || frame === null || Array.isArray(frame))
          return send(ws, { type: 'error', message: 'Frames must be JSON objects.' });
        const { type, message } = frame as { type?: unknown; message?: unknown };
        if (type === 'ping') return send(ws, { type: 'pong' });
        if (route.kind !== 'chat')
          return send(ws, { type: 'error', message: 'This socket only delivers notifications; send {"type":"ping"} to check it.' });
        if (typeof message !== 'string') return send(ws, { type: 'error', message: 'Send {"message": "<text>"}.' });
        try {
          chatId = (await sendMessage(services, viewer, route.otherUserId, message)).chat_id;
        } catch (error) {
          if (!(error instanceof TRPCError)) services.log.warn({ err: error }, 'chat frame failed');
          send(ws, { type: 'error', message: frameErrorMessage(error) });
        }
      };
      // One frame at a time, so a room's messages are stored in the order they were sent.
      let chain = Promise.resolve();
      ws.on('message', (data: Buffer) => {
        chain = chain.then(() => receive(data)).catch((error: unknown) => services.log.error({ err: error }, 'websocket frame failed'));
      });
    },
  };
}

/** What a client is told when its frame failed: the refusal's reason, never an internal error's text. */
function frameErrorMessage(error: unknown) {
  if (error instanceof TRPCError) return describeError(error).message;
  if (isDatabaseUnreachable(error)) return describeError(serviceUnavailable()).message;
  return 'The message could not be sent.';
}

async function roomOf(services: Services, a: number, b: number) {
  const room = await services.db
    .selectFrom('chat_rooms')
    .select('id')
    .where('user_low', '=', Math.min(a, b))
    .where('user_high', '=', Math.max(a, b))
    .executeTakeFirst();
  return room?.id;
}
