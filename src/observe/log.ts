// The runtime's logger: pino (the logger Fastify is built on), JSON lines on stderr so that stdout stays for the
// CLI's own output. Nothing here changes a result; callers pass objects without secrets, and bound values are
// redacted again by the adapters before anything is written.
import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; stderr by default (tests pass a memory stream). */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      // Header values that may carry credentials are never written, whatever a caller logs.
      redact: { paths: ['*.authorization', '*.cookie', '*["x-api-key"]', 'headers.*'], censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that writes nothing (library use and tests that do not look at logs). */
export const silentLogger = (): Logger => createLogger({ level: 'silent' });
