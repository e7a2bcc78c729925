// Reload of the served adapters: compares the adapters planned for the new set of capabilities with those served now
// and applies the difference. Every new app is built and made ready before anything changes, so a failure there
// leaves the runtime as it was; then swaps happen at once (the port stays open, new requests go to the new app,
// requests in flight finish on the old one), gone adapters stop, new ones start, and open MCP streams are told.
import type { Logger } from '../observe/log.js';
import { STDIO_URL } from '../runtime.js';
import type { Listener } from './listener.js';
import type { Mounted, PlannedAdapter, Slot } from './slot.js';

/** What a reload did, by exposes namespace. */
export interface AdapterChanges {
  /** Served on the same port with the new graph. */
  replaced: string[];
  added: string[];
  removed: string[];
  /** Stopped and started again on another port. */
  restarted: string[];
  unchanged: string[];
  /** Adapters that could not be started (e.g. the port is taken), or that this runtime cannot reload. */
  failed: { namespace: string; message: string }[];
}

export interface ReloadHost {
  /** The runtime's slots, updated in place. */
  slots: Slot[];
  /** The adapters of the new set of capabilities, as planAdapters placed them. */
  plan: PlannedAdapter[];
  mount(entry: PlannedAdapter, previous?: Mounted): Promise<Mounted>;
  start(slot: Slot): Promise<void>;
  stop(slot: Slot): Promise<void>;
  retire(listener: Listener, old: Mounted): void;
  /** Builds the new graph of an MCP adapter served on stdio, to swap in with the others (or says why it cannot). */
  prepareStdio(slot: Slot, entry: PlannedAdapter): { apply(): void } | { refused: string };
  logger: Logger;
}

const keyOf = (a: { type: string; namespace: string }) => `${a.type} ${a.namespace}`;

export async function reloadAdapters(host: ReloadHost): Promise<AdapterChanges> {
  const changes: AdapterChanges = { replaced: [], added: [], removed: [], restarted: [], unchanged: [], failed: [] };
  const current = new Map(host.slots.map((slot) => [keyOf(slot.entry), slot]));
  const next: Slot[] = [];
  const swaps: { slot: Slot; entry: PlannedAdapter; mounted: Mounted }[] = [];
  const stdioSwaps: { slot: Slot; entry: PlannedAdapter; apply(): void }[] = [];
  const starts: Slot[] = [];
  const kept = new Set<Slot>();
  const built: Mounted[] = [];
  try {
    for (const entry of host.plan) {
      const old = current.get(keyOf(entry));
      if (old && old.entry.adapter === entry.adapter && old.planned === entry.port) {
        changes.unchanged.push(entry.namespace);
      } else if (old && old.entry.url === STDIO_URL && entry.url === STDIO_URL) {
        // The client's connection stays; the graph behind it is swapped with the others.
        const swap = host.prepareStdio(old, entry);
        if ('refused' in swap) changes.failed.push({ namespace: entry.namespace, message: swap.refused });
        else {
          stdioSwaps.push({ slot: old, entry, apply: swap.apply });
          changes.replaced.push(entry.namespace);
        }
      } else if (old && (old.entry.url === STDIO_URL || entry.url === STDIO_URL)) {
        // stdin/stdout belong to one client connection for the life of the process.
        changes.failed.push({ namespace: entry.namespace, message: 'an MCP adapter cannot move between stdio and a port by a reload; restart the process to apply the change' });
      } else if (old?.listener && old.planned === entry.port) {
        const mounted = await host.mount(entry, old.mounted);
        built.push(mounted);
        await mounted.app.ready();
        swaps.push({ slot: old, entry, mounted });
        changes.replaced.push(entry.namespace);
      } else if (entry.url === STDIO_URL) {
        changes.failed.push({ namespace: entry.namespace, message: 'an MCP adapter on stdio cannot be added by a reload; restart the process' });
        continue;
      } else {
        const mounted = await host.mount(entry);
        built.push(mounted);
        await mounted.app.ready();
        const slot: Slot = { entry, planned: entry.port, state: 'starting', mounted };
        starts.push(slot);
        next.push(slot);
        (old ? changes.restarted : changes.added).push(entry.namespace);
        continue;
      }
      kept.add(old!);
      next.push(old!);
    }
  } catch (err) {
    await Promise.allSettled(built.map((m) => m.app.close()));
    throw err;
  }

  // Swaps: synchronous, so no request sees a half-applied reload.
  for (const { slot, entry, mounted } of swaps) {
    const old = slot.mounted!;
    slot.listener!.swap(mounted.app);
    slot.mounted = mounted;
    slot.entry = { ...entry, port: slot.entry.port, url: slot.entry.url };
    host.retire(slot.listener!, old);
  }
  for (const { slot, entry, apply } of stdioSwaps) {
    apply();
    slot.entry = entry;
  }
  const stops = host.slots.filter((slot) => !kept.has(slot));
  for (const slot of stops) if (!changes.restarted.includes(slot.entry.namespace)) changes.removed.push(slot.entry.namespace);
  host.slots.splice(0, host.slots.length, ...next);
  await Promise.allSettled(stops.map((slot) => host.stop(slot)));
  for (const slot of starts) {
    try {
      await host.start(slot);
    } catch (err) {
      changes.failed.push({ namespace: slot.entry.namespace, message: `cannot start: ${(err as Error).message}` });
      host.slots.splice(host.slots.indexOf(slot), 1);
      await host.stop(slot);
    }
  }
  // Clients holding a listen stream on a swapped MCP adapter re-list its tools.
  for (const { mounted } of swaps) mounted.announceToolsChanged?.();
  for (const { slot } of stdioSwaps) slot.stdio?.announceToolsChanged();
  return changes;
}
