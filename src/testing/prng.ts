// Test support only (not built: tsconfig.build.json leaves src/testing out). It lives under src/ so that unit tests
// next to the code can import it (tsconfig's rootDir is src) as well as the tests under test/.

/** mulberry32: a small deterministic PRNG, so that a failing input can be regenerated from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
