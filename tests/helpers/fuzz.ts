// What every decoder's fuzz test needs: the run count, inputs that start from
// a good encoding, and the check that only Casevault's typed errors come out.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CasevaultError } from '../../crypto/index.js';

export const RUNS = Number(process.env.CASEVAULT_FUZZ_RUNS ?? 1500);

export async function onlyTyped(f: () => unknown): Promise<void> {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof CasevaultError, `untyped error: ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
}

/** Random bytes, or a good input with a few bytes changed, cut or extended. */
export function mutated(good: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 4096 }),
    fc
      .tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 6 }), fc.nat(), fc.uint8Array({ maxLength: 64 }))
      .map(([flips, cut, tail]) => {
        const b = good.slice();
        for (const [at, x] of flips) b[at % b.length]! ^= x;
        const end = cut % (b.length + 1);
        return Uint8Array.from([...b.subarray(0, end), ...(cut % 3 === 0 ? tail : [])]);
      }),
  );
}
