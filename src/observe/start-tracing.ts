// Turns traces on when the OTEL_* variables ask for it, and says so (or why not) in the log.
import type { Logger } from './log.js';
import { startTracing, tracingConfigOf, type Env, type Tracing } from './tracing.js';

export type { Env };

export async function startTracingFromEnv(env: Env, logger: Logger): Promise<Tracing | undefined> {
  const config = tracingConfigOf(env);
  if (!config) return undefined;
  if ('unsupported' in config) {
    logger.warn(config.unsupported);
    return undefined;
  }
  try {
    const tracing = await startTracing(config);
    logger.info({ endpoint: config.url, protocol: config.protocol, service: config.serviceName }, 'traces are exported over OTLP');
    return tracing;
  } catch (err) {
    logger.error({ err }, 'traces could not be turned on; serving without them');
    return undefined;
  }
}
