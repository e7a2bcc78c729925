// The `yaml` library, loaded on first use: a well-formed file is read by the fast parser (./fast-yaml.ts) and never
// needs it; syntax errors, aliases, tags and positions the fast index cannot vouch for do. Loaded synchronously
// (its Node build is CommonJS) because SourceFile answers positions synchronously.
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let lib: Yaml | undefined;

export const yamlLib = (): Yaml => (lib ??= createRequire(import.meta.url)('yaml') as Yaml);
