// The MCP SDK (with zod) is loaded on the first request that needs it, once per process: `initialize`, methods other
// than tools/call and tools/list, 2026-07-28 GET and listen streams, anything the fast path leaves to the SDK
// (./fast-path.ts). Serving only what the fast path answers never loads it (issue 9: about 7 MB of heap and a good
// part of start-up). Concurrent first requests wait on the same import.
export type Sdk = typeof import('./sdk-serving.js');

let loaded: Sdk | undefined;
const load = lazily(() => import('./sdk-serving.js').then((sdk) => (loaded = sdk)));

/** The SDK side of the MCP adapter, loading it if no request needed it yet. */
export const loadSdk = (): Promise<Sdk> => load();

/** The SDK side if it is loaded already (the fast path then asks the SDK about envelopes ours does not vouch for). */
export const loadedSdk = (): Sdk | undefined => loaded;

/** `make()` once, its promise shared by every caller; a failure is not kept (the next caller tries again). */
export function lazily<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= make().catch((err: unknown) => {
      pending = undefined;
      throw err;
    }));
}
