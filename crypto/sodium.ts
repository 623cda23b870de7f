// The one place libsodium is loaded. Every crypto module awaits `ready()` and
// uses the instance it returns; randomness is routed through random.ts.
// Loaded on first use: a sync pass with no changes never needs it.
import type sodiumModule from 'libsodium-wrappers-sumo';
import { installSodiumRandom } from './random.js';

export type Sodium = typeof sodiumModule;

let loaded: Promise<Sodium> | undefined;

export function ready(): Promise<Sodium> {
  loaded ??= import('libsodium-wrappers-sumo').then(async ({ default: sodium }) => {
    await sodium.ready;
    installSodiumRandom(sodium);
    return sodium;
  });
  return loaded;
}
