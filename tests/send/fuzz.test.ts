// The package parser fed random and mutated input: only typed errors, no
// hang, no allocation driven by an unauthenticated length. The header parser
// runs on every input as it comes; the rest of the reader runs with the key
// already derived (openWithKey), so thousands of runs skip Argon2.
import { test } from 'node:test';
import fc from 'fast-check';
import { ready } from '../../crypto/sodium.js';
import { HEADER_LEN, openPackage, openWithKey, parseHeader } from '../../crypto/send/index.js';
import { passphraseRoot, streamKey } from '../../crypto/send/format.js';
import { mutated, onlyTyped, RUNS } from '../helpers/fuzz.js';
import { buildPackages, PACKAGES } from '../vectors/send-recipe.js';

const packages = await buildPackages();

test(`send headers: ${RUNS} random and mutated headers only ever fail with typed errors`, async () => {
  const sodium = await ready();
  await fc.assert(
    fc.asyncProperty(mutated(packages[0]!.subarray(0, HEADER_LEN)), async (bytes) => {
      await onlyTyped(() => parseHeader(sodium, bytes));
    }),
    { numRuns: RUNS },
  );
});

// The second package has three messages to decrypt per run, so it gets a fifth of the runs (test:long raises both).
for (const [i, good] of packages.entries()) {
  const runs = i === 0 ? RUNS : Math.ceil(RUNS / 5);
  test(`send package ${i + 1}: ${runs} random and mutated packages, read with the key, only ever fail with typed errors`, async () => {
    const sodium = await ready();
    const header = parseHeader(sodium, good);
    const root = passphraseRoot(sodium, PACKAGES[i]!.passphrase, header.salt, header.kdf);
    const key = streamKey(sodium, root);
    await fc.assert(
      fc.asyncProperty(mutated(good), fc.integer({ min: 1, max: 70_000 }), async (bytes, piece) => {
        // Cut into pieces of any size, as a page or a file stream may hand them.
        const source = function* () {
          for (let at = 0; at < bytes.length; at += piece) yield bytes.subarray(at, at + piece);
        };
        await onlyTyped(async () => {
          const pkg = await openWithKey(sodium, source, header, key.slice());
          for await (const _ of pkg.contents()) void _;
        });
      }),
      { numRuns: runs },
    );
  });
}

test('send packages: random and mutated packages opened with the passphrase (Argon2 each time) only ever fail with typed errors', async () => {
  const sodium = await ready();
  await fc.assert(
    fc.asyncProperty(mutated(packages[0]!), async (bytes) => {
      await onlyTyped(async () => {
        const pkg = await openPackage(sodium, () => [bytes], PACKAGES[0]!.passphrase);
        for await (const _ of pkg.contents()) void _;
      });
    }),
    { numRuns: Math.ceil(RUNS / 100) },
  );
});
