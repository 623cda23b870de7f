// Random and mangled bytes saved as .pdf, .docx, .eml and .txt never crash
// or hang the text extraction or the search: each file either gives text or
// is reported, and every other file is still found.
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { strToU8 } from 'fflate';
import { type TextKind } from '../../engine/sar/kinds.js';
import { Extractor } from '../../engine/sar/extractor.js';
import { searchVault } from '../../engine/sar/search.js';
import { tempDir } from '../helpers/fs.js';
import { writeFiles } from '../helpers/vault.js';
import { makeDocx, makeEml, makePdf } from './fixtures.js';

const VALID: Record<TextKind, Uint8Array> = {
  pdf: makePdf([['Priya Shah'], ['second page']]),
  docx: makeDocx(['Priya Shah']),
  eml: makeEml({
    from: 'a@b.example',
    to: 'c@d.example',
    subject: 'Priya Shah',
    text: 'body',
    html: '<p>body</p>',
    attachments: [{ name: 'x.pdf', type: 'application/pdf', bytes: makePdf([['attached']]) }],
  }),
  text: strToU8('Priya Shah'),
};
const EXT: Record<TextKind, string> = { pdf: 'pdf', docx: 'docx', eml: 'eml', text: 'txt' };
const kinds = Object.keys(VALID) as TextKind[];

/** Random bytes, or a valid file of the kind with random bytes overwritten or cut short. */
const damaged = (kind: TextKind) =>
  fc.oneof(
    fc.uint8Array({ maxLength: 2048 }),
    fc.tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }), fc.nat()).map(([flips, cut]) => {
      const bytes = VALID[kind].slice();
      for (const [at, b] of flips) bytes[at % bytes.length] = b;
      return bytes.subarray(0, bytes.length - (cut % 8 === 0 ? cut % bytes.length : 0));
    }),
  );

test('reading random or mangled files gives text or a reason, never hangs or stops the reader', { timeout: 120_000 }, async () => {
  const dir = await tempDir('sar-fuzz-one');
  const extractor = new Extractor(10_000);
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...kinds).chain((k) => fc.tuple(fc.constant(k), damaged(k))),
        async ([kind, bytes]) => {
          const full = join(dir, `${n++}.${EXT[kind]}`);
          await writeFile(full, bytes);
          const r = await extractor.read(full, kind);
          if ('reason' in r) assert.match(r.reason, /^(it is damaged or not a real|the PDF is password-protected)/, kind);
          else assert.equal(typeof r.text, 'string');
        },
      ),
      { numRuns: 150 },
    );
    await writeFile(join(dir, 'good.txt'), 'Priya Shah');
    assert.deepEqual(await extractor.read(join(dir, 'good.txt'), 'text'), { text: 'Priya Shah' }, 'the reader still works after all that');
  } finally {
    await extractor.close();
  }
});

test('a search over random files of every kind ends, finds the good file and reports only the files it lists', { timeout: 60_000 }, async () => {
  const dir = await tempDir('sar-fuzz');
  await fc.assert(
    fc.asyncProperty(fc.tuple(...kinds.map((k) => damaged(k))), async (bodies) => {
      await rm(dir, { recursive: true, force: true });
      const files: Record<string, Uint8Array> = { 'good.txt': strToU8('Priya Shah') };
      kinds.forEach((k, i) => (files[`random.${EXT[k]}`] = bodies[i]!));
      await writeFiles(dir, files);
      const r = await searchVault(dir, ['priya shah'], { timeoutMs: 10_000 });
      assert.ok(r.hits.some((h) => h.path === 'good.txt'));
      assert.equal(r.searched, 5);
      for (const u of r.unreadable) assert.ok(u.path in files && u.reason.length > 0 && !u.reason.includes('Priya'));
    }),
    { numRuns: 8 },
  );
});
