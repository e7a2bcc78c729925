// Constant-time credential comparison: both sides are hashed first, so timingSafeEqual always sees equal lengths and
// the time taken says nothing about the expected value (not even its length).
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** A matcher for one expected value, hashed once. A blank expected value never matches. */
export function matcher(expected: string): (presented: string | undefined) => boolean {
  const want = digest(expected);
  const blank = expected.length === 0;
  return (presented) => {
    // Compare even when nothing was presented, so a missing credential takes as long as a wrong one.
    const equal = timingSafeEqual(digest(presented ?? ''), want);
    return equal && !blank && presented !== undefined;
  };
}
