// Padmé padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted
// Files and Communication with PURBs", 2019): rounds a length up so that it
// leaks O(log log L) bits, at most ~12% overhead. A floor hides small sizes.

export const MIN_PADDED = 1024;

/** Padmé of `length`, never less than `floor` (which callers keep a power of two, so the floor itself is a Padmé length). */
export function padmeLength(length: number, floor = MIN_PADDED): number {
  const L = Math.max(length, floor);
  let E = Math.floor(Math.log2(L));
  while (2 ** E > L) E--; // guard against float rounding near powers of two
  while (2 ** (E + 1) <= L) E++;
  const S = Math.floor(Math.log2(E)) + 1;
  const lastBits = E - S;
  const unit = 2 ** lastBits;
  return Math.ceil(L / unit) * unit;
}
