import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { assertSafeVaultPath, parseObjectRemoteName } from '../../crypto/index.js';

test('ordinary, deep and Unicode paths are safe', () => {
  for (const p of [
    'a.txt',
    'Members/0042/letter.docx',
    'caf\u00e9/cafe\u0301.txt',
    Array(200).fill('d').join('/'),
    ' spaced . ',
    '__proto__',
    'a\\b',
    'a:b',
    'C:x',
    'c:/x',
    '\\\\server\\share',
  ]) {
    assert.doesNotThrow(() => assertSafeVaultPath(p, 'linux'), p);
  }
});

test('paths that could escape are refused everywhere; Windows also refuses drive letters, network paths, its special names and characters', () => {
  for (const p of ['', '/abs', '../x', 'a/../b', 'a//b', './a', 'a/.', 'nul\0', '//server/share']) {
    assert.throws(() => assertSafeVaultPath(p, 'linux'), { name: 'UnsafePath' }, JSON.stringify(p));
  }
  for (const p of ['a\\b', 'CON', 'nul.txt', 'COM1', 'lpt9.log', 'trailing.', 'trailing ', 'a<b', 'q?', 'x:y', 'C:x', 'c:/x', 'C:', '\\\\server\\share']) {
    assert.throws(() => assertSafeVaultPath(p, 'win32'), { name: 'UnsafePath' }, JSON.stringify(p));
  }
});

test('only well-formed object names are objects', () => {
  const hex = 'ab'.padEnd(64, '0');
  assert.equal(parseObjectRemoteName(`objects/ab/${hex}`), hex);
  for (const n of [`objects/cd/${hex}`, `objects/ab/${hex}x`, `objects/ab/${hex.toUpperCase()}`, 'casevault.key', `trash/${hex}`]) {
    assert.equal(parseObjectRemoteName(n), undefined, n);
  }
});

test('an object name is exactly objects/<2 hex>/<64 lowercase hex> starting with those 2: any name with one character changed, added or removed is not', () => {
  const reference = (n: string) => {
    const m = /^objects\/([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(n);
    return m && m[2]!.startsWith(m[1]!) ? m[2] : undefined;
  };
  const valid = fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `objects/${hex.slice(0, 2)}/${hex}`);
  const edited = fc
    .tuple(valid, fc.nat(), fc.constantFrom('replace', 'insert', 'delete'), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }))
    .map(([name, at, how, c]) => {
      const i = at % (name.length + 1);
      return how === 'insert' ? name.slice(0, i) + c + name.slice(i) : name.slice(0, i) + (how === 'replace' ? c : '') + name.slice(i + 1);
    });
  fc.assert(
    fc.property(fc.oneof(valid, edited, fc.string({ unit: 'binary' })), (n) => parseObjectRemoteName(n) === reference(n)),
    { numRuns: 3000 },
  );
});
