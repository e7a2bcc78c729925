// The package version, read once from package.json (one level up from both src/ and dist/), for the
// User-Agent sent upstream and the MCP server info.
import { readFileSync } from 'node:fs';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Sent upstream unless the capability file sets its own User-Agent header. */
export const USER_AGENT = `capability-runtime/${VERSION}`;
