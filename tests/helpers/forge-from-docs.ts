// The attacker's toolkit for tests/hostile/: key files and file objects
// built from docs/format.md alone, with libsodium directly and none of
// crypto/, as a hostile cloud or a thief with a lost laptop's write keys
// would build them. If the product's format and its document drift apart,
// these forgeries stop opening and the tests that use them say so.
import sodiumModule from 'libsodium-wrappers-sumo';

type Sodium = typeof sodiumModule;
let loaded: Promise<Sodium> | undefined;
const sodium = (): Promise<Sodium> => (loaded ??= sodiumModule.ready.then(() => sodiumModule));

const enc = (s: string) => new TextEncoder().encode(s);
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return new Uint8Array(b);
};

/** The keys docs/format.md ("Key hierarchy") derives from a master secret. */
export interface DocKeys {
  vaultId: Uint8Array;
  master: Uint8Array;
  publicKey: Uint8Array;
  boxSecret: Uint8Array;
  nameKey: Uint8Array;
  authKey: Uint8Array;
  keyfileMacKey: Uint8Array;
}

/** The write keys a computer keeps in config.json (base64 there): enough to name, seal and authenticate objects. */
export type DocWriteKeys = Pick<DocKeys, 'publicKey' | 'nameKey' | 'authKey'>;

export async function docKeys(master: Uint8Array, vaultId: Uint8Array): Promise<DocKeys> {
  const s = await sodium();
  const sub = (id: number) => s.crypto_kdf_derive_from_key(32, id, 'cvault01', master);
  const pair = s.crypto_box_seed_keypair(sub(1));
  return { vaultId, master, publicKey: pair.publicKey, boxSecret: pair.privateKey, nameKey: sub(2), authKey: sub(3), keyfileMacKey: sub(4) };
}

/** The write keys in a home's config.json, as a thief with the laptop reads them. */
export function writeKeysOfConfig(config: { publicKey: string; nameKey: string; authKey: string }): DocWriteKeys {
  return { publicKey: Buffer.from(config.publicKey, 'base64'), nameKey: Buffer.from(config.nameKey, 'base64'), authKey: Buffer.from(config.authKey, 'base64') };
}

/** "Escrow": the fingerprint of an escrow public key. */
export async function escrowFingerprintFromDocs(pk: Uint8Array): Promise<string> {
  const s = await sodium();
  return Buffer.from(s.crypto_generichash(16, cat(enc('casevault escrow fingerprint v1'), pk), null))
    .toString('hex')
    .match(/.{4}/g)!
    .join('-');
}

/**
 * A key file for `vaultId` under a master secret of the forger's own: an
 * escrow slot sealing it to `escrowPublicKey` (the union's key, which every
 * vault's key file shows) and a recovery slot under `recoveryKey`, MACed as
 * "Key file" says. Valid in every respect a reader can check.
 */
export async function forgeKeyFile(o: {
  vaultId: Uint8Array;
  escrowPublicKey?: Uint8Array;
  recoveryKey: Uint8Array;
}): Promise<{ text: string; keys: DocKeys }> {
  const s = await sodium();
  const keys = await docKeys(s.randombytes_buf(32), o.vaultId);
  const ad = cat(enc('casevault keyfile slot'), u32(1), o.vaultId, new Uint8Array([2]), enc('blake2b'));
  const kek = s.crypto_generichash(32, enc('casevault recovery kek v1'), o.recoveryKey);
  const nonce = s.randombytes_buf(24);
  const slots: object[] = [
    {
      role: 'recovery',
      kdf: 'blake2b',
      nonce: b64(nonce),
      commit: b64(s.crypto_generichash(32, cat(enc('casevault key commitment v1'), ad), kek)),
      wrapped: b64(s.crypto_aead_xchacha20poly1305_ietf_encrypt(keys.master, ad, null, nonce, kek)),
    },
  ];
  if (o.escrowPublicKey) {
    slots.push({
      role: 'escrow',
      kdf: 'x25519-sealedbox',
      publicKey: b64(o.escrowPublicKey),
      fingerprint: await escrowFingerprintFromDocs(o.escrowPublicKey),
      sealed: b64(s.crypto_box_seal(keys.master, o.escrowPublicKey)),
    });
  }
  const body = { casevault: 'keyfile', version: 1, vaultId: b64(o.vaultId), publicKey: b64(keys.publicKey), slots };
  const mac = s.crypto_generichash(32, cat(enc('casevault keyfile mac v1'), enc(JSON.stringify(body))), keys.keyfileMacKey);
  return { text: JSON.stringify({ ...body, mac: b64(mac) }, null, 2), keys };
}

/** "Object names": the object's name in the cloud folder for `path`. */
export async function objectNameFromDocs(nameKey: Uint8Array, path: string): Promise<{ id: Uint8Array; name: string }> {
  const s = await sodium();
  const id = s.crypto_generichash(32, cat(enc('casevault path v1\0'), enc(path)), nameKey);
  const hex = Buffer.from(id).toString('hex');
  return { id, name: `objects/${hex.slice(0, 2)}/${hex}` };
}

/** "Padmé", with the floor of the object's version. */
function padme(length: number, floor: number): number {
  const L = Math.max(length, floor);
  const E = Math.floor(Math.log2(L));
  const S = Math.floor(Math.log2(E)) + 1;
  const unit = 2 ** (E - S);
  return Math.ceil(L / unit) * unit;
}

/**
 * "File objects": a whole object for `path` holding `content`, sealed with
 * write keys only (what a lost laptop's config.json holds). Version 2 pads
 * to a 2 KiB floor, version 1 to 1 KiB.
 */
export async function sealObjectFromDocs(
  keys: DocWriteKeys,
  path: string,
  content: Uint8Array,
  o: { mtimeMs?: number; version?: 1 | 2 } = {},
): Promise<{ name: string; bytes: Uint8Array }> {
  const s = await sodium();
  const version = o.version ?? 2;
  const { id, name } = await objectNameFromDocs(keys.nameKey, path);
  const esk = s.randombytes_buf(32);
  const epk = s.crypto_scalarmult_base(esk);
  const sessionKey = s.crypto_generichash(32, cat(enc('casevault kem v1'), s.crypto_scalarmult(esk, keys.publicKey), epk, keys.publicKey), null);
  const head = cat(enc('CVOB'), new Uint8Array([version]), epk, s.randombytes_buf(24));
  const objectKey = s.randombytes_buf(32);
  const wrapped = s.crypto_aead_xchacha20poly1305_ietf_encrypt(objectKey, cat(head, id), null, head.subarray(37, 61), sessionKey);
  const tag = s.crypto_generichash(32, cat(enc('casevault object auth v1'), head, wrapped, id), keys.authKey);
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(objectKey);
  const meta = enc(JSON.stringify({ path, size: content.length, mtimeMs: o.mtimeMs ?? Date.now() }));
  const plain = new Uint8Array(padme(4 + meta.length + content.length, version === 1 ? 1024 : 2048));
  plain.set(u32(meta.length), 0);
  plain.set(meta, 4);
  plain.set(content, 4 + meta.length);
  const messages: Uint8Array[] = [];
  for (let at = 0; at < plain.length; at += 65536) {
    const last = at + 65536 >= plain.length;
    const tagByte = last ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    messages.push(s.crypto_secretstream_xchacha20poly1305_push(state, plain.subarray(at, at + 65536), id, tagByte));
  }
  return { name, bytes: cat(head, wrapped, tag, header, ...messages) };
}
