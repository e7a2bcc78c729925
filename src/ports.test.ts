// The port rule for many capabilities in one process: first claimant keeps a declared port, later ones move
// to the next port nobody declares; --port overrides win; 0 means any free port.
import { describe, expect, it } from 'vitest';
import { assignPorts } from './ports.js';

describe('port assignment', () => {
  it('moves later adapters off a taken port to the next port no adapter declares', () => {
    const ports = assignPorts(
      [
        { namespace: 'metronome-rest', declared: 8080 },
        { namespace: 'metronome-mcp', declared: 9090 },
        { namespace: 'schematic-rest', declared: 8081 },
        { namespace: 'schematic-mcp', declared: 9091 },
        { namespace: 'stigg-rest', declared: 8080 },
        { namespace: 'stigg-mcp', declared: 9090 },
        { namespace: 'togai-rest', declared: 8080 },
        { namespace: 'togai-mcp', declared: 9080 },
      ],
      new Map(),
    );
    expect(ports.map((p) => p.port)).toEqual([8080, 9090, 8081, 9091, 8082, 9092, 8083, 9080]);
    expect(ports[4]!.moved).toBe('port 8080 is taken by metronome-rest');
  });

  it('lets --port overrides win and never hands out an overridden port', () => {
    const ports = assignPorts([{ namespace: 'a', declared: 8080 }, { namespace: 'b', declared: 8080 }], new Map([['a', 8081]]));
    expect(ports.map((p) => p.port)).toEqual([8081, 8080]);
    const moved = assignPorts([{ namespace: 'a', declared: 8080 }, { namespace: 'b', declared: 8080 }, { namespace: 'c', declared: 7000 }], new Map([['c', 8081]]));
    expect(moved.map((p) => p.port)).toEqual([8080, 8082, 8081]);
  });

  it('treats port 0 as any free port, never as taken', () => {
    expect(assignPorts([{ namespace: 'a', declared: 1 }, { namespace: 'b', declared: 2 }], new Map([['a', 0], ['b', 0]])).map((p) => p.port)).toEqual([0, 0]);
  });
});
