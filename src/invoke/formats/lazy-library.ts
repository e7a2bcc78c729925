// The parsing libraries of the non-JSON formats, loaded when an operation that reads the format is compiled, not at
// start-up (issue 9): most capabilities read JSON only. Synchronous (compile is): their Node builds are CommonJS, and
// marked (ES modules only, which builds its grammar when it loads) comes through require() of an ES module, which
// Node does since 20.19 (package.json's engines).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const xmlLibrary = (): typeof import('fast-xml-parser') => require('fast-xml-parser') as typeof import('fast-xml-parser');
export const csvLibrary = (): typeof import('csv-parse/sync') => require('csv-parse/sync') as typeof import('csv-parse/sync');
export const htmlLibrary = (): typeof import('node-html-parser') => require('node-html-parser') as typeof import('node-html-parser');
export const markdownLibrary = (): typeof import('marked') => require('marked') as typeof import('marked');
