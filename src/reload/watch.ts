// `serve --watch`: node:fs watchers on the folders that hold the served files and what they name (a folder, not the
// file, so that editors that save by writing a new file and renaming it are still seen). Events are debounced
// (editors write more than once per save); each burst runs one reload, and the watched set follows what it loaded.
import { existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../observe/log.js';
import type { Reloader } from './reloader.js';

export const DEFAULT_DEBOUNCE_MS = 200;

export interface Watcher {
  close(): void;
}

export function watchForChanges(reloader: Reloader, options: { logger: Logger; debounceMs?: number }): Watcher {
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let pending = false;
  let closed = false;

  const fire = () => {
    timer = undefined;
    if (running) {
      pending = true;
      return;
    }
    running = true;
    reloader
      .reload('watch')
      .catch(() => undefined) // logged by the reloader; the previous version keeps serving
      .finally(() => {
        running = false;
        sync();
        if (pending) {
          pending = false;
          schedule();
        }
      });
  };
  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  };
  const sync = () => {
    if (closed) return;
    const wanted = new Set(reloader.inputs().map(folderToWatch));
    for (const [dir, watcher] of watchers) {
      if (wanted.has(dir)) continue;
      watcher.close();
      watchers.delete(dir);
    }
    for (const dir of wanted) {
      if (watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, schedule);
        watcher.on('error', () => {
          // The folder went away: watch again from what still exists after the next reload.
          watcher.close();
          watchers.delete(dir);
          schedule();
        });
        watchers.set(dir, watcher);
      } catch (err) {
        options.logger.warn({ folder: dir, err: (err as Error).message }, 'cannot watch folder for changes');
      }
    }
  };
  sync();
  options.logger.info({ folders: watchers.size, debounceMs }, 'watching served files for changes');
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

/** A folder is watched itself; a file through its folder; a missing path through its nearest existing ancestor. */
function folderToWatch(path: string): string {
  let at = path;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  try {
    return statSync(at).isDirectory() ? at : dirname(at);
  } catch {
    return dirname(at);
  }
}
