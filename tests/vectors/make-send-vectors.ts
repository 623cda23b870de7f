// Writes tests/vectors/send-v1.json from send-recipe.ts. Run it only for a
// deliberate format change (and say so in CHANGELOG.md):
//   npm run build && node dist/tests/vectors/make-send-vectors.js
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSendVectors } from './send-recipe.js';

export const SEND_VECTOR_FILE = fileURLToPath(new URL('../../../tests/vectors/send-v1.json', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SEND_VECTOR_FILE, `${JSON.stringify(await buildSendVectors(), null, 2)}\n`);
  console.log(`wrote ${SEND_VECTOR_FILE}`);
}
