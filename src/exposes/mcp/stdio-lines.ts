// A line filter in front of the SDK's stdio transport, which drops a line it cannot parse without a word. Per the
// JSON-RPC rules (naftiko-semantics §5.1), a line that is not JSON gets a -32700 Parse error line and a message
// whose `jsonrpc` is not "2.0" a -32600 Invalid Request line; blank lines are skipped; every other line passes on.
import { Transform, type Writable } from 'node:stream';

export function guardJsonRpcLines(output: Writable): Transform {
  let pending = '';
  const check = (line: string): string | null => {
    if (line.trim() === '') return null;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      output.write(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the line is not valid JSON' } }) + '\n');
      return null;
    }
    const object = message !== null && typeof message === 'object' && !Array.isArray(message) ? (message as Record<string, unknown>) : undefined;
    if (!object || object.jsonrpc !== '2.0') {
      const id = object && (typeof object.id === 'string' || typeof object.id === 'number') ? object.id : null;
      output.write(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32600, message: 'Invalid Request: jsonrpc must be "2.0" and the message a JSON object' } }) + '\n');
      return null;
    }
    return line;
  };
  return new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      const passed = lines.map((l) => check(l.replace(/\r$/, ''))).filter((l): l is string => l !== null);
      done(null, passed.length > 0 ? passed.join('\n') + '\n' : undefined);
    },
    flush(done) {
      const last = pending.length > 0 ? check(pending) : null;
      done(null, last !== null ? last + '\n' : undefined);
    },
  });
}
