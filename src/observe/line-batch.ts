// Log lines go to stderr in batches: each write is a round trip through libuv's thread pool (the write itself, a
// futex wake, the completion callback on the main thread), which under load cost more than building the lines. Lines
// wait at most FLUSH_MS (or until MAX_PENDING characters are waiting); one write per event-loop turn still made a
// write for every three requests or so, this makes one per few dozen. Whatever still waits when the process exits
// is written then, synchronously, so no line is lost on exit.
import { writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';

/** The part of pino's SonicBoom destination this needs. */
export interface FlushableStream {
  write(data: string): unknown;
  flushSync(): void;
}

/** Longest a line waits before it is written (ms). */
export const FLUSH_MS = 20;
/** Written at once from this many waiting characters on. */
export const MAX_PENDING = 64 * 1024;

/** `fd`: the file descriptor `target` writes to, for the last lines at exit. */
export function batchLines(target: FlushableStream, fd: number): DestinationStream {
  let pending = '';
  let scheduled = false;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (scheduled) clearTimeout(timer);
    scheduled = false;
    if (pending === '') return;
    const lines = pending;
    pending = '';
    target.write(lines);
  };
  // At exit the destination's own buffer is written first (it holds the older lines), then what waits here.
  process.on('exit', () => {
    try {
      target.flushSync();
      if (pending !== '') writeSync(fd, pending);
    } catch {
      // the stream is closed or not writable any more: nothing else can be done at exit
    }
    pending = '';
  });
  return {
    write(line: string) {
      pending += line;
      if (pending.length >= MAX_PENDING) flush();
      else if (!scheduled) {
        scheduled = true;
        timer = setTimeout(flush, FLUSH_MS).unref();
      }
    },
  };
}
