import cluster from 'node:cluster';
import { join } from 'node:path';
import {
  createServices,
  registerPoolMetrics,
  startNewsletterCourier,
  startUnreadMessageMails,
  startWeeklyDigests,
  type Config,
} from '@careernexus/api';
import { migrateToLatest, openDatabase, openReadReplica, type DatabaseHandle } from '@careernexus/db';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { loggerOptions } from './logger.js';
import { prettyDestination } from './pretty-log.js';
import { shareMetricsWithPrimary } from './workers.js';

export interface RunningServer {
  app: FastifyInstance;
  /** Where it listens, e.g. http://127.0.0.1:8000 */
  url: string;
  database: DatabaseHandle;
  /** Stops accepting, finishes in-flight requests, flushes mail, closes the database. */
  close(): Promise<void>;
}

export const openConfiguredDatabase = (config: Config) =>
  openDatabase({
    url: config.DATABASE_URL,
    dataDir: join(config.DATA_DIR, 'pglite'),
    poolSize: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  });

export function processLogger(config: Config) {
  const format = config.LOG_FORMAT ?? (process.stdout.isTTY && config.NODE_ENV !== 'production' ? 'pretty' : 'json');
  return format === 'pretty' ? pino(loggerOptions(config.LOG_LEVEL), prettyDestination()) : pino(loggerOptions(config.LOG_LEVEL));
}

/** Opens the database, migrates it (unless a primary did, `WORKERS`) and listens: everything `pnpm start` does. */
export async function startServer(config: Config, database?: DatabaseHandle, { migrate = true } = {}): Promise<RunningServer> {
  const log = processLogger(config);
  const db = database ?? (await openConfiguredDatabase(config));
  if (migrate) {
    const applied = await migrateToLatest(db.db);
    if (applied.length) log.info({ migrations: applied }, 'database migrated');
  }
  const replica = config.DATABASE_READ_URL
    ? openReadReplica(
        config.DATABASE_READ_URL,
        db.db,
        {
          down: (reason, retryInMs) => log.warn({ reason, retryInMs }, 'read replica unreachable: reads go to the primary'),
          back: () => log.info('read replica reachable again: reads go to it'),
        },
        { poolSize: config.DATABASE_POOL_SIZE, statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS },
      )
    : undefined;
  const services = createServices(config, db.db, log, replica);
  if (db.poolStats) registerPoolMetrics(services.metrics, db.poolStats);
  shareMetricsWithPrimary(services.metrics.registry);
  let draining = false;
  const app = await buildApp({ services, ping: () => db.ping(), draining: () => draining });
  await app.listen({ port: config.PORT, host: config.HOST });
  const newsletterCourier = startNewsletterCourier(services);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  // Every process runs them: claims in the database (a member's week, a conversation's hour) make each send once.
  startWeeklyDigests(services);
  startUnreadMessageMails(services);
  // Under WORKERS the primary says when the service is ready, once every worker listens.
  const ready = cluster.isWorker ? 'worker ready' : 'career nexus api ready';
  log.info({ database: db.kind, ...(replica ? { readReplica: true } : {}), mail: config.SMTP_URL ? 'smtp' : 'outbox' }, ready);
  let closing: Promise<void> | undefined;
  return {
    app,
    url: `http://${host}:${port}`,
    database: db,
    close: () =>
      (closing ??= (async () => {
        // Draining: /readyz answers 503 from now on, so a load balancer stops sending work here
        // while this process still serves what reaches it for DRAIN_DELAY_SECONDS.
        draining = true;
        if (config.DRAIN_DELAY_SECONDS > 0) {
          log.info({ seconds: config.DRAIN_DELAY_SECONDS }, 'draining: /readyz answers 503');
          await new Promise((resolve) => setTimeout(resolve, config.DRAIN_DELAY_SECONDS * 1000));
        }
        // Keep-alive connections left idle by requests that finished after the close began
        // would hold it open until their timeout: give in-flight work a few seconds, then drop them.
        const lingering = setTimeout(() => app.server.closeAllConnections(), 5_000);
        lingering.unref();
        // Stops accepting, closes WebSockets with 1012 (websockets.ts) and waits for in-flight requests.
        await app.close();
        clearTimeout(lingering);
        log.info('http server closed');
        await newsletterCourier.stop();
        await services.events.close();
        // Before the database closes: a sweep or digest run in progress uses it.
        await services.timers.stop();
        await services.limiter.close();
        await services.mailer.drain(5_000);
        await services.reads.close();
        await db.close();
        log.info('database closed');
      })()),
  };
}
