/**
 * A deterministic source of uniform numbers in [0, 1) for simulations that must reproduce exactly
 * from a seed (Monte Carlo bootstraps): Math.random cannot be seeded.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's "small fast chaotic" PRNG from PractRand): 128 bits
 * of state, no known statistical failures in PractRand or TestU01 BigCrush, and a period of at least
 * 2^32 from any seed (about 2^127 expected), so a long bootstrap never wraps as mulberry32's 2^32
 * period could. Seeding follows PractRand's `sfc32::seed`: a = 0, b = the seed, c = 0 (the high half
 * of its 64-bit seed), counter = 1, then 12 outputs discarded so nearby seeds diverge.
 *
 * The seed is taken modulo 2^32 (`seed >>> 0`): seeds that agree there give the same stream. Each
 * output is one 32-bit word divided by 2^32, so values are multiples of 2^-32 in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let a = 0;
  let b = seed >>> 0;
  let c = 0;
  let counter = 1;

  const next = (): number => {
    const t = (((a + b) | 0) + counter) | 0;
    counter = (counter + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (((c << 21) | (c >>> 11)) + t) | 0;
    return (t >>> 0) / 4294967296;
  };

  for (let i = 0; i < 12; i++) next();
  return next;
}
