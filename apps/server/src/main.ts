import cluster from 'node:cluster';
import { ConfigError, loadConfig, type Config } from '@careernexus/api';
import { processLogger, startServer } from './server.js';
import { runWorkers } from './workers.js';

try {
  const config = loadConfig();
  if (config.WORKERS > 1 && cluster.isPrimary) await runWorkers(config, processLogger(config));
  else await serve(config);
} catch (error) {
  // A configuration mistake is the operator's to fix: say what, without a stack trace.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}

/** One server process: alone, or one of the workers (the primary migrated the database). */
async function serve(config: Config) {
  const server = await startServer(config, undefined, { migrate: cluster.isPrimary });
  let stopping = false;
  const shutdown = (signal: string) => {
    // A repeated signal (some supervisors send two) must not cut the graceful stop short.
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    const forced = setTimeout(
      () => {
        server.app.log.error('graceful shutdown took too long; exiting');
        process.exit(1);
      },
      30_000 + config.DRAIN_DELAY_SECONDS * 1000,
    );
    forced.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
