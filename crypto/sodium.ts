// The one place libsodium is loaded. Every crypto module awaits `ready()` and
// uses the instance it returns; randomness is routed through random.ts.
import sodiumModule from 'libsodium-wrappers-sumo';
import { installSodiumRandom } from './random.js';

export type Sodium = typeof sodiumModule;

let loaded: Promise<Sodium> | undefined;

export function ready(): Promise<Sodium> {
  loaded ??= sodiumModule.ready.then(() => {
    installSodiumRandom(sodiumModule);
    return sodiumModule;
  });
  return loaded;
}
