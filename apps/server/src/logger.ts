import type { FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';

/** URLs may carry tokens (`/ws/…?token=`); logs never do. */
function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access|refresh|otp|hash|password\d?)=)[^&#]*/gi, '$1[redacted]');
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    // Headers and bodies are never logged whole; these paths are a second line of defence.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.password1',
        '*.password2',
        '*.otp',
        '*.refresh',
        '*.access',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: FastifyRequest) => ({ method: request.method, url: redactUrl(request.url), ip: request.ip }),
    },
  };
}
