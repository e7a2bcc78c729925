// The parsing libraries of the non-JSON formats, loaded when an operation that reads the format is compiled, not at
// start-up (issue 9): most capabilities read JSON only. Synchronous (compile is): their Node builds are CommonJS.
// (marked is ES modules only, so markdown.ts still imports it statically.)
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const xmlLibrary = (): typeof import('fast-xml-parser') => require('fast-xml-parser') as typeof import('fast-xml-parser');
export const csvLibrary = (): typeof import('csv-parse/sync') => require('csv-parse/sync') as typeof import('csv-parse/sync');
export const htmlLibrary = (): typeof import('node-html-parser') => require('node-html-parser') as typeof import('node-html-parser');
