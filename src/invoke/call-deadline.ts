// The whole-call deadline of one upstream call, as the abort signal undici watches. undici accepts any EventTarget-
// shaped `signal` (addEventListener/removeEventListener, `aborted`, `reason`); an AbortController per call cost more
// than the rest of the call's bookkeeping together (its AbortSignal is a full EventTarget), so this is the least
// undici needs: one timer, cleared when the call ends, and the listeners undici adds while the call runs.

type Listener = () => void;

export class CallDeadline {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Listener[] | undefined;
  private readonly timer: NodeJS.Timeout;

  /** `timeoutReason` is built only if the deadline passes. */
  constructor(ms: number, timeoutReason: () => Error) {
    this.timer = setTimeout(() => this.abort(timeoutReason()), Math.max(1, ms));
    this.timer.unref();
  }

  addEventListener(_type: 'abort', listener: Listener): void {
    if (this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: Listener): void {
    const listeners = this.listeners;
    if (!listeners) return;
    const at = listeners.indexOf(listener);
    if (at >= 0) listeners.splice(at, 1);
  }

  /** Stops the timer: the call is over (answered or failed). */
  clear(): void {
    clearTimeout(this.timer);
    this.listeners = undefined;
  }

  private abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    for (const listener of listeners ?? []) listener();
  }
}
