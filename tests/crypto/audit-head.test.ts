// The audit head's keyed hash against a committed vector computed from
// docs/format.md alone (Python's BLAKE2b, not this project's code), so the
// format cannot drift unnoticed; any other number or tag gives another hash.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { auditHeadMac, fromHex } from '../../crypto/index.js';

const vector = JSON.parse(readFileSync(new URL('../../../tests/vectors/audit-head.json', import.meta.url), 'utf8')) as {
  authKey: string;
  seq: number;
  tag: string;
  mac: string;
};

test("audit-head.json's mac matches the committed vector, and binds both the entry number and its tag", async () => {
  const key = fromHex(vector.authKey);
  assert.equal(await auditHeadMac(key, vector.seq, vector.tag), vector.mac);
  assert.notEqual(await auditHeadMac(key, vector.seq - 1, vector.tag), vector.mac);
  assert.notEqual(await auditHeadMac(key, vector.seq, `${vector.tag.slice(0, -2)}00`), vector.mac);
});
