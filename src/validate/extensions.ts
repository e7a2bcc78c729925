// Keys this runtime reads beyond the Naftiko schema (documented in the README). In lenient mode they are not
// reported as unknown properties; --strict still reports them, since other Naftiko tools refuse them.
export const RUNTIME_EXTENSIONS: readonly { key: string; parent: RegExp }[] = [
  // Cap on the response body of one consumed API, in bytes.
  { key: 'x-max-response-bytes', parent: /^(\/capability)?\/consumes\/\d+$/ },
];

export const isRuntimeExtension = (parentPointer: string, key: string): boolean => RUNTIME_EXTENSIONS.some((e) => e.key === key && e.parent.test(parentPointer));
