import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds; a feed page takes a few milliseconds, a slow statement up to the statement timeout. */
const DURATION_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * What an operator watches, in Prometheus text at `GET /metrics` (docs: README, metrics). One
 * registry per server (tests run several in one process); the process's own figures (CPU,
 * memory, event-loop lag, GC) come from prom-client's default collectors.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'careernexus_http_requests_total',
      help: 'HTTP requests answered, by operation (route template or procedure), method and status',
      labelNames: ['operation', 'method', 'status'] as const,
      registers,
    }),
    requestSeconds: new Histogram({
      name: 'careernexus_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by operation, method and status',
      labelNames: ['operation', 'method', 'status'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    statementTimeouts: new Counter({
      name: 'careernexus_db_statement_timeouts_total',
      help: 'Statements cancelled by DATABASE_STATEMENT_TIMEOUT_MS (answered 503)',
      registers,
    }),
    openSockets: new Gauge({
      name: 'careernexus_websockets_open',
      help: 'WebSockets open now, by kind (chat, notifications, trpc)',
      labelNames: ['kind'] as const,
      registers,
    }),
    eventsPublished: new Counter({
      name: 'careernexus_events_published_total',
      help: 'Events published on the event bus by this process',
      registers,
    }),
    eventsReceived: new Counter({
      name: 'careernexus_events_received_total',
      help: 'Events this process received from other processes through Redis',
      registers,
    }),
    eventLagSeconds: new Histogram({
      name: 'careernexus_event_lag_seconds',
      help: 'Time from publishing an event in another process to receiving it here (clocks of one machine or NTP)',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
    mailPending: new Gauge({
      name: 'careernexus_mail_pending',
      help: 'E-mails being sent or waiting for a retry',
      registers,
    }),
    mailFailures: new Counter({
      name: 'careernexus_mail_failures_total',
      help: 'Failed e-mail delivery attempts, by outcome (retry: tried again later, dropped: given up)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    rateLimitRefusals: new Counter({
      name: 'careernexus_rate_limit_refusals_total',
      help: 'Requests refused by a rate limit, by limit',
      labelNames: ['limit'] as const,
      registers,
    }),
    rateLimitFallbacks: new Counter({
      name: 'careernexus_rate_limit_redis_fallbacks_total',
      help: 'Rate-limit checks counted in this process because Redis could not answer',
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Pool gauges read when scraped: connections in use and requests waiting for one. */
export function registerPoolMetrics(metrics: Metrics, pool: () => { total: number; idle: number; waiting: number }) {
  const registers = [metrics.registry];
  new Gauge({
    name: 'careernexus_db_pool_in_use',
    help: 'PostgreSQL connections checked out by requests',
    registers,
    collect() {
      const { total, idle } = pool();
      this.set(total - idle);
    },
  });
  new Gauge({
    name: 'careernexus_db_pool_waiting',
    help: 'Requests waiting for a PostgreSQL connection (the pool is exhausted while above 0)',
    registers,
    collect() {
      this.set(pool().waiting);
    },
  });
}
