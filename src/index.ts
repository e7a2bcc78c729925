// Public API: every export here is supported; nothing else is.
export { main } from './cli.js';
export { prepareCapabilities, type Prepared, type PrepareOptions } from './prepare.js';
export { startRuntime, planAdapters, type AdapterState, type Runtime, type RuntimeOptions, type RuntimeView, type ServedAdapter } from './runtime.js';
export { formatDiagnostic, type Diagnostic } from './errors/diagnostic.js';
export { createLogger, type Logger, type LoggerOptions, type LogLevel } from './observe/log.js';
export type { Metrics } from './observe/metrics.js';
export { CapError, toProblem, type Problem } from './errors/cap-error.js';
