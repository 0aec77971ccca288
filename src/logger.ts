import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Creates the structured JSON logger of one process. LOG_LEVEL sets the level (default info).
 * Token secrets and authorization headers are redacted wherever they appear in a log record.
 * Records go to standard error, so a command's results on standard output stay readable.
 */
export function createLogger(service: string): Logger {
  return pino(
    {
      name: service,
      level: process.env.LOG_LEVEL ?? 'info',
      redact: {
        paths: [
          'secret',
          '*.secret',
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'req.headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: 2, sync: true }),
  );
}
