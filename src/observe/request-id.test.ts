import { describe, expect, it } from 'vitest';
import { requestIdOf } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('requestIdOf', () => {
  it('keeps a short printable id as it is', () => {
    expect(requestIdOf('abc-123')).toBe('abc-123');
    expect(requestIdOf('x'.repeat(128))).toBe('x'.repeat(128));
    expect(requestIdOf('00-4bf92f35/{}[]:;')).toBe('00-4bf92f35/{}[]:;');
  });

  it('generates one for a missing, empty, long, repeated or unprintable header', () => {
    for (const header of [undefined, '', 'x'.repeat(129), ['a', 'b'], 'with space', 'new\nline', 'caf\u00e9', '\u0000']) {
      expect(requestIdOf(header), JSON.stringify(header)).toMatch(UUID);
    }
    expect(requestIdOf(undefined)).not.toBe(requestIdOf(undefined));
  });
});
