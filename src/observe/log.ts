// The runtime's logger: pino (the logger Fastify is built on), JSON lines on stderr so that stdout stays for the
// CLI's own output. Every line passes through the redactor of the secrets registered with addLogSecrets, so a bound
// value that reaches a log message (an error cause, an upstream URL) is written as `[redacted]` in any encoding.
// On a terminal the lines are rendered for people (./pretty.ts); anywhere else they stay JSON for collectors.
import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';
import { redactSecrets } from '../resolve/redaction.js';
import { batchLines } from './line-batch.js';
import { censorHeaders } from './log-censor.js';
import { prettyLine } from './pretty.js';

export type Logger = PinoLogger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const isLogLevel = (value: string): value is LogLevel => (LOG_LEVELS as readonly string[]).includes(value);

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; stderr by default (tests pass a memory stream). */
  destination?: DestinationStream;
  /** Human-readable lines instead of JSON (the CLI turns it on when stderr is a terminal). */
  pretty?: boolean;
}

interface LoggerState {
  secrets: string[];
  /** Writes a finished line as this logger's own are written, without the bound-value scan (see lineWriterOf). */
  writeLine: (line: string) => void;
}

const registered = new WeakMap<Logger, LoggerState>();

let stderr: DestinationStream | undefined;
/**
 * stderr, shared by every logger of the process: the lines of one event-loop turn in one write (./line-batch.ts).
 * Writes stay asynchronous (a synchronous write blocks the event loop whenever the reader of stderr lags; a
 * synchronous write per line cost a third of REST throughput), but one per turn rather than one per line: each is a
 * round trip through libuv's thread pool, measured at about 30 µs of CPU.
 */
const stderrLines = (): DestinationStream => (stderr ??= batchLines(pino.destination({ fd: 2, sync: false }), 2));

export function createLogger(options: LoggerOptions = {}): Logger {
  const target = options.destination ?? stderrLines();
  const color = options.pretty === true && !process.env.NO_COLOR;
  const state: LoggerState = {
    secrets: [],
    writeLine: options.pretty ? (line) => target.write(prettyLine(line, color)) : (line) => target.write(line),
  };
  const destination: DestinationStream = options.pretty
    ? { write: (line: string) => target.write(prettyLine(redactSecrets(line, state.secrets), color)) }
    : { write: (line: string) => target.write(redactSecrets(line, state.secrets)) };
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      // Header values that may carry credentials are never written, whatever a caller logs (./log-censor.ts).
      formatters: { log: censorHeaders },
    },
    destination,
  );
  registered.set(logger, state);
  return logger;
}

/** Adds bound values to the logger's redaction (each served capability registers its own). */
export function addLogSecrets(logger: Logger, secrets: readonly string[]): void {
  const state = registered.get(logger);
  if (!state || secrets.length === 0) return;
  state.secrets = [...new Set([...state.secrets, ...secrets])].sort((a, b) => b.length - a.length);
}

export interface LineWriter {
  /** The bound values this logger redacts (a new array whenever one is added). */
  secrets(): readonly string[];
  /** Writes one finished JSON line (ending in a newline) where the logger writes, rendered for people when it is pretty. */
  write(line: string): void;
}

const NO_SECRETS: readonly string[] = [];
const writers = new WeakMap<Logger, LineWriter>();

/**
 * For lines built as text elsewhere (./request-line.ts), which redact bound values themselves where they can occur:
 * the full-line scan every other line goes through is skipped. A logger not made here writes to its pino stream.
 */
export function lineWriterOf(logger: Logger): LineWriter {
  let writer = writers.get(logger);
  if (!writer) {
    const state = registered.get(logger);
    const stream = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym];
    writer = state ? { secrets: () => state.secrets, write: (line) => state.writeLine(line) } : { secrets: () => NO_SECRETS, write: (line) => void stream?.write(line) };
    writers.set(logger, writer);
  }
  return writer;
}

/** A logger that writes nothing (library use and tests that do not look at logs). */
export const silentLogger = (): Logger => createLogger({ level: 'silent' });
