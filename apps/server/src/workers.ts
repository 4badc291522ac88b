import cluster, { type Worker } from 'node:cluster';
import type { Config } from '@careernexus/api';
import { migrateToLatest } from '@careernexus/db';
import type { Logger } from 'pino';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { openConfiguredDatabase } from './server.js';

const METRICS_REQUEST = 'careernexus:metrics-request';
const METRICS_ANSWER = 'careernexus:metrics-answer';
/** A worker that lived this long before it exited was not crash-looping: replace it at once. */
const STEADY_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * `WORKERS=N`: this process (the primary) migrates the database once, then runs N server
 * processes that share its port (node:cluster hands each new connection to one of them) and keeps
 * N running: a worker that exits is replaced, after a back-off that doubles while workers die
 * young, so a crash loop does not spin. SIGTERM or SIGINT drains every worker, then exits.
 */
export async function runWorkers(config: Config, log: Logger): Promise<void> {
  const database = await openConfiguredDatabase(config);
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length) log.info({ migrations: applied }, 'database migrated');
  } finally {
    await database.close();
  }

  // Sums the workers' metrics for whichever worker is asked for /metrics.
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let failures = 0;
  const startedAt = new Map<Worker, number>();

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
    worker.on('message', (message: { type?: string; id?: number }) => {
      if (message.type !== METRICS_REQUEST) return;
      aggregator.clusterMetrics().then(
        (text) => worker.isConnected() && worker.send({ type: METRICS_ANSWER, id: message.id, text }),
        (error: Error) => worker.isConnected() && worker.send({ type: METRICS_ANSWER, id: message.id, error: error.message }),
      );
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) {
      if (startedAt.size === 0) {
        log.info('all workers stopped');
        process.exit(0);
      }
      return;
    }
    failures = lived >= STEADY_MS ? 0 : failures + 1;
    const delay = failures === 0 ? 0 : Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1));
    log.error({ worker: worker.process.pid, code, signal, restartInMs: delay }, 'worker exited; starting another');
    setTimeout(() => !stopping && fork(), delay);
  });

  let listening = 0;
  cluster.on('listening', () => {
    listening += 1;
    if (listening === config.WORKERS) log.info({ workers: config.WORKERS }, 'career nexus api ready');
  });

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: startedAt.size }, 'draining workers');
    // Each worker drains itself (main.ts) within its own 30 s; this bounds the whole.
    setTimeout(
      () => {
        log.error('workers took too long to stop; exiting');
        process.exit(1);
      },
      40_000 + config.DRAIN_DELAY_SECONDS * 1000,
    ).unref();
    if (startedAt.size === 0) process.exit(0);
    for (const worker of startedAt.keys()) worker.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  for (let i = 0; i < config.WORKERS; i++) fork();
}

/** In a worker: answer the primary's requests for this worker's metrics from `registry`. */
export function shareMetricsWithPrimary(registry: Registry) {
  if (!cluster.isWorker) return;
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // installs the worker's answering listener
}

let asked = 0;
/** In a worker: every worker's metrics, summed by the primary; outside a cluster, undefined. */
export function clusterMetrics(): Promise<string | undefined> {
  if (!cluster.isWorker || !process.send) return Promise.resolve(undefined);
  const id = ++asked;
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string; id?: number; text?: string; error?: string }) => {
      if (message.type !== METRICS_ANSWER || message.id !== id) return;
      process.off('message', onMessage);
      clearTimeout(timer);
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.text ?? '');
    };
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('the primary did not send the workers’ metrics in time'));
    }, 6_000);
    process.on('message', onMessage);
    process.send?.({ type: METRICS_REQUEST, id });
  });
}
