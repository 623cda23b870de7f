// Writes tests/vectors/format-v2.json from format-recipe.ts. Run it only for
// a deliberate format change (and say so in CHANGELOG.md):
//   npm run build && node dist/tests/vectors/make-format-vectors.js
// format-v1.json, the first set, is never rewritten: what it pins that the
// writer no longer makes (version 1 objects) must still be read.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildVectors } from './format-recipe.js';

export const FORMAT_VECTOR_FILE = fileURLToPath(new URL('../../../tests/vectors/format-v2.json', import.meta.url));
export const FIRST_FORMAT_VECTOR_FILE = fileURLToPath(new URL('../../../tests/vectors/format-v1.json', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(FORMAT_VECTOR_FILE, `${JSON.stringify(await buildVectors(), null, 2)}\n`);
  console.log(`wrote ${FORMAT_VECTOR_FILE}`);
}
