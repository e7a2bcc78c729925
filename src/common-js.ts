// A CommonJS package reached through `await import()`: its exports object. Node gives it as the namespace's `default`
// (and copies the names it can detect); the CLI bundle (scripts/bundle.mjs) gives `default` only.
export const commonJs = <T>(namespace: T): T => (namespace as { default?: T }).default ?? namespace;
