// Log lines written in one turn of the event loop go to stderr in one write: under load a turn finishes several
// requests, and one write per request line (a thread-pool round trip each) cost more than building the line. Lines
// wait at most until the end of the current turn (setImmediate); whatever still waits when the process exits is
// written then, synchronously, so no line is lost on exit.
import { writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';

/** The part of pino's SonicBoom destination this needs. */
export interface FlushableStream {
  write(data: string): unknown;
  flushSync(): void;
}

/** `fd`: the file descriptor `target` writes to, for the last lines at exit. */
export function batchLines(target: FlushableStream, fd: number): DestinationStream {
  let pending = '';
  let scheduled = false;
  const flush = () => {
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
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush).unref();
      }
    },
  };
}
