// Runs the built electron/main.ts in plain Node over the stand-in `electron` (tests/electron/main.test.ts).
import { register } from 'node:module';

register(new URL('./hooks.js', import.meta.url).href);
await import('../../../electron/main.js');
