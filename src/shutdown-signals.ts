// SIGINT/SIGTERM handling for `serve`, installed by bin/capability.js before anything else loads, so a signal during
// start-up stops the runtime cleanly (exit 0) instead of killing it (143). A second signal exits at once, saying so.

export interface ShutdownSignals {
  /** The first signal received, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** Resolves with the first signal (at once when one already arrived). */
  readonly first: Promise<NodeJS.Signals>;
  /** Where the "second signal" message goes. */
  setWarn(warn: (text: string) => void): void;
  /** For commands that do not serve: back to Node's default handling, re-raising a signal that already arrived. */
  release(): void;
}

const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

let installed: ShutdownSignals | undefined;

export function installShutdownSignals(): ShutdownSignals {
  if (installed) return installed;
  let received: NodeJS.Signals | undefined;
  let warn: (text: string) => void = (text) => {
    process.stderr.write(text + '\n');
  };
  let resolveFirst!: (signal: NodeJS.Signals) => void;
  const first = new Promise<NodeJS.Signals>((resolve) => (resolveFirst = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    if (received === undefined) {
      received = signal;
      resolveFirst(signal);
      return;
    }
    warn(`${signal} again: exiting now without waiting for requests in flight`);
    process.exit(EXIT_CODES[signal] ?? 1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  installed = {
    get received() {
      return received;
    },
    first,
    setWarn(w) {
      warn = w;
    },
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      installed = undefined;
      if (received) process.kill(process.pid, received);
    },
  };
  return installed;
}
