// A small human-readable rendering of the runtime's JSON log lines, for a terminal (pino-pretty would bring a dozen
// packages for this). `12:03:04.567 INFO  GET /v1/things 200 3.1ms  reqId=… adapter=…`
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const COLORS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };

export function prettyLine(line: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { level, time, msg, ...fields } = entry;
  const at = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : '';
  const label = LEVELS[level as number] ?? String(level);
  const shown = color ? `\x1b[${COLORS[level as number] ?? '0'}m${label}\x1b[0m` : label;
  const rest = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${at} ${shown} ${msg ?? ''}${rest ? `  ${rest}` : ''}\n`;
}
