import { describe, expect, it } from 'vitest';
import { linkNext } from './pagination.js';

describe('linkNext (RFC 8288 Link header)', () => {
  it.each([
    ['<https://a.example/items?page=2>; rel="next"', 'https://a.example/items?page=2'],
    ['<https://a.example/items?page=1>; rel="prev", <https://a.example/items?page=3>; rel=next', 'https://a.example/items?page=3'],
    ['</items?cursor=x,y>; title="a, b"; rel="prev next"', '/items?cursor=x,y'],
    ['<https://a.example/items?page=9>; rel="last"', undefined],
    ['<https://a.example/items?page=2>; rel="nextpage"', undefined],
    ['garbage', undefined],
  ])('%s', (header, expected) => {
    expect(linkNext(header)).toBe(expected);
  });

  it('reads every Link header of a response', () => {
    expect(linkNext(['<https://a.example/1>; rel="first"', '<https://a.example/2>; rel="next"'])).toBe('https://a.example/2');
    expect(linkNext(undefined)).toBeUndefined();
  });
});
