// Our protocol constants and Content-Type verdict are the MCP SDK's (the fast path uses ours so that it loads no SDK):
// same values, and the same isJsonContentType verdict over many headers, sloppy and hostile ones included.
import * as sdk from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { prng as random } from '../../testing/prng.js';
import * as ours from './protocol.js';

describe('MCP protocol constants', () => {
  it('are the SDK values', () => {
    expect(ours.SUPPORTED_PROTOCOL_VERSIONS).toEqual(sdk.SUPPORTED_PROTOCOL_VERSIONS);
    for (const key of ['PROTOCOL_VERSION_META_KEY', 'CLIENT_INFO_META_KEY', 'CLIENT_CAPABILITIES_META_KEY', 'LOG_LEVEL_META_KEY', 'SERVER_INFO_META_KEY', 'RELATED_TASK_META_KEY'] as const) {
      expect(ours[key], key).toBe(sdk[key]);
    }
  });
});

describe('isJsonContentType', () => {
  const TYPES = ['application/json', 'APPLICATION/JSON', 'Application/Json', ' application/json', 'application/json ', '\tapplication/json', 'application/jsonx', 'application/json+x', 'text/json', 'application/*', 'application', '/json', '', ' ', 'application/ json', 'application /json', 'application/json, text/plain', 'applicatión/json'];
  const PARAMETERS = [
    '', ';', ';;', '; charset=utf-8', ';charset=utf-8', '; charset=UTF-8', ' ; charset=utf-8', '; charset = utf-8 ', '; charset="utf-8"', '; charset=', '; =utf-8',
    '; a="x,y"', '; a=x,y', ', text/plain', '; a=b, c=d', '; a=b; c=d', '; a=b;', '; a="\\"q\\""', '; a="unterminated', '; a="x"y', '; ü=1', '\t; a=b', '; a=b\t',
    '; a="x\\\\"', '; a=""', '; a="tab\there"', '; a', '; a b=c', ';a=b ;c=d', '; a="x";b="y,z"', ',', '; a=b,',
  ];
  it('gives the SDK verdict on every combination of media type and parameters', () => {
    for (const type of TYPES) for (const parameters of PARAMETERS) {
      const header = type + parameters;
      expect(ours.isJsonContentType(header), JSON.stringify(header)).toBe(sdk.isJsonContentType(header));
    }
    expect(ours.isJsonContentType(undefined)).toBe(sdk.isJsonContentType(undefined));
  });
  it('gives the SDK verdict on random headers built from the characters that matter', () => {
    const next = random(9);
    const pieces = ['application/json', ';', ' ', '\t', '=', '"', '\\', ',', 'a', 'charset', 'utf-8', 'x', '/', 'é', '\u0000', '\u007f'];
    let jsonVerdicts = 0;
    for (let i = 0; i < 20_000; i++) {
      let header = next() < 0.8 ? 'application/json' : '';
      const length = Math.floor(next() * 8);
      for (let j = 0; j < length; j++) header += pieces[Math.floor(next() * pieces.length)];
      const expected = sdk.isJsonContentType(header);
      if (expected) jsonVerdicts++;
      expect(ours.isJsonContentType(header), JSON.stringify(header)).toBe(expected);
    }
    expect(jsonVerdicts).toBeGreaterThan(1_000); // both verdicts were exercised
  });
});
