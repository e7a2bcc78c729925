// One upstream exchange read into memory, through undici's `dispatch` with a handler of our own. undici's
// `request()` hands the body over as a Readable stream (with an AsyncResource and a promise around it) that the
// client then reads to the end anyway: on a small JSON answer the stream's machinery cost more than parsing the
// JSON. Here the chunks are collected as they arrive, the size cap is checked on each, and the promise settles once.
import type { Dispatcher } from 'undici';

export interface BufferedResponse {
  statusCode: number;
  /** Lower-cased names; a repeated header is an array (as undici's own parsing gives them). */
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** The deadline signal (./call-deadline.ts), or any EventTarget-shaped abort signal. */
interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface BufferedCallOptions {
  signal: AbortSignalLike;
  /** Most bytes of body kept; more is an error (`tooLarge` says what was seen). */
  cap: number;
  tooLarge: (seen: string, statusCode: number) => Error;
  /** Answers whose body is not wanted (a redirect): read and dropped, never capped. */
  discard: (statusCode: number) => boolean;
}

/** Sends `options` through `dispatcher`; settles with the whole answer, or the error (the abort reason, undici's error). */
export function bufferedCall(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, call: BufferedCallOptions): { done: Promise<BufferedResponse>; answered: () => boolean } {
  const handler = new BufferedHandler(call);
  dispatcher.dispatch(options, handler);
  return { done: handler.done, answered: () => handler.statusCode !== 0 };
}

class BufferedHandler implements Dispatcher.DispatchHandler {
  readonly done: Promise<BufferedResponse>;
  statusCode = 0;
  private resolve!: (response: BufferedResponse) => void;
  private reject!: (err: unknown) => void;
  private abort: ((reason?: Error) => void) | undefined;
  private headers: Record<string, string | string[]> = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private keep = true;
  private settled = false;
  private readonly onAbort = () => {
    if (this.abort) this.abort(this.options.signal.reason as Error);
  };

  constructor(private readonly options: BufferedCallOptions) {
    this.done = new Promise<BufferedResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    options.signal.addEventListener('abort', this.onAbort);
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.options.signal.aborted) return abort(this.options.signal.reason as Error);
    this.abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[] | null, _resume: () => void): boolean {
    if (statusCode < 200) return true; // 1xx: the answer is still to come
    this.statusCode = statusCode;
    this.headers = parseHeaders(rawHeaders ?? []);
    this.keep = !this.options.discard(statusCode);
    const declared = Number(this.headers['content-length']);
    if (this.keep && Number.isFinite(declared) && declared > this.options.cap) this.abort?.(this.options.tooLarge(`content-length ${declared}`, statusCode));
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (!this.keep) return true;
    this.size += chunk.length;
    if (this.size > this.options.cap) {
      this.abort?.(this.options.tooLarge('stopped reading', this.statusCode));
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    this.settle();
    const chunks = this.chunks;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.size);
    this.resolve({ statusCode: this.statusCode, headers: this.headers, body });
  }

  onError(err: Error): void {
    if (this.settled) return;
    this.settle();
    this.reject(err);
  }

  private settle(): void {
    this.settled = true;
    this.options.signal.removeEventListener('abort', this.onAbort);
    this.chunks = this.keep ? this.chunks : [];
  }
}

/** undici's raw header list (name, value, name, value, …) as an object, as undici's `request()` gives it. */
function parseHeaders(raw: readonly (Buffer | string)[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    if (Object.hasOwn(headers, key)) {
      const seen = headers[key]!;
      if (typeof seen === 'string') headers[key] = [seen, value];
      else seen.push(value);
    } else if (key === '__proto__') Object.defineProperty(headers, key, { value, enumerable: true, configurable: true, writable: true });
    else headers[key] = value;
  }
  return headers;
}
