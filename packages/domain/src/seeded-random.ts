/**
 * A small, fast, repeatable pseudo-random sequence (mulberry32) for what must come out the
 * same on every run: injected faults, benchmark data. Never for secrets or tokens.
 *
 * @example
 * const random = seededRandom(7);
 * random(); // the same number in [0, 1) on every run
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
