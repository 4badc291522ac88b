import { ConfigError, loadConfig } from '@careernexus/api';
import { startServer } from './server.js';

try {
  const server = await startServer(loadConfig());
  let stopping = false;
  const shutdown = (signal: string) => {
    // A repeated signal (some supervisors send two) must not cut the graceful stop short.
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    const forced = setTimeout(() => {
      server.app.log.error('graceful shutdown took too long; exiting');
      process.exit(1);
    }, 30_000);
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
} catch (error) {
  // A configuration mistake is the operator's to fix: say what, without a stack trace.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
