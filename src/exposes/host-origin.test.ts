// Our Host/Origin verdicts are the MCP SDK's (which the MCP adapter's clients and the Inspector were tested against):
// same ok/refused and same message for each header, including the awkward ones.
import { validateHostHeader, validateOriginHeader } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { checkHostHeader, checkOriginHeader } from './host-origin.js';

const ALLOWED = ['localhost', '127.0.0.1', '[::1]', 'api.example.com', 'moz-extension://*', 'abcdefghij'];
const HOSTS = [undefined, '', 'localhost', 'localhost:8080', '127.0.0.1:1', '[::1]:9090', '[::1]', 'evil.example', 'evil.example:80', 'api.example.com', 'API.EXAMPLE.COM', 'a b', 'localhost:99999', 'user@localhost', '[::2]', '127.1'];
const ORIGINS = [undefined, '', 'null', 'http://localhost:3000', 'https://api.example.com', 'https://evil.example', 'moz-extension://1234-5678', 'chrome-extension://abcdefghij', 'chrome-extension://zzz', 'http://*', 'file:///etc/passwd', 'not a url', 'http://[::1]:8080', 'HTTP://LOCALHOST'];

const verdict = (r: { ok: boolean; message?: string }) => (r.ok ? { ok: true } : { ok: false, message: r.message });

describe('Host and Origin checks', () => {
  it('give the SDK verdict and message for every Host header', () => {
    for (const header of HOSTS) expect(checkHostHeader(header, ALLOWED), String(header)).toEqual(verdict(validateHostHeader(header, ALLOWED)));
  });
  it('give the SDK verdict and message for every Origin header', () => {
    for (const header of ORIGINS) expect(checkOriginHeader(header, ALLOWED), String(header)).toEqual(verdict(validateOriginHeader(header, ALLOWED)));
  });
});
