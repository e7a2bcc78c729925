// Argument helpers shared by the commands that live in their own module (call, init, openapi): a usage error type,
// `<key>=<value>` pairs, and the environment with a `--dotenv` file read under it (the environment wins).
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

export class CommandUsageError extends Error {}

/** What a command prints: results on stdout, everything else on stderr. */
export interface CommandIo {
  print(text: string): void;
  warn(text: string): void;
}

export function keyValuePairs(items: readonly string[] | undefined, flag: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const item of items ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) throw new CommandUsageError(`${flag} expects <name>=<value>, got "${item}"`);
    map.set(item.slice(0, at), item.slice(at + 1));
  }
  return map;
}

export function environmentWith(dotenv: string | undefined): Readonly<Record<string, string | undefined>> {
  if (dotenv === undefined) return process.env;
  let text: string;
  try {
    text = readFileSync(dotenv, 'utf8');
  } catch (e) {
    throw new CommandUsageError(`--dotenv ${dotenv}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message}`);
  }
  return { ...parseEnv(text), ...process.env };
}

export function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new CommandUsageError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}
